#include "tlsdiag/report/summary_writer.h"

#include <string>
#include <string_view>
#include <type_traits>

#include "tlsdiag/report/fleet_json_text.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/json_indent.h"

namespace tlsdiag::report {

using nlohmann::json;

namespace {

class Printer {
 public:
  Printer(std::ostream& out, const SummaryLayout& layout) : out_(out), layout_(layout) {}

  bool pretty() const { return layout_.indent >= 0; }
  // A newline and the padding of |level| (pretty), or nothing.
  void newline(int level) {
    if (pretty()) out_ << '\n' << std::string(static_cast<std::size_t>(layout_.indent * level), ' ');
  }
  // |value| as dump_json prints it, its inner lines padded to sit at |level|.
  void value(const json& value, int level) {
    const std::string text = dump_json(value, layout_.indent);
    if (!pretty()) {
      out_ << text;
      return;
    }
    const std::string pad(static_cast<std::size_t>(layout_.indent * level), ' ');
    for (char ch : text) {
      out_ << ch;
      if (ch == '\n') out_ << pad;
    }
  }
  void key(const std::string& name) { out_ << dump_json(json(name)) << (pretty() ? ": " : ":"); }
  // |compact| (dump_json's one-line text of a value) laid out as value() would print it.
  void text(std::string_view compact, int level) {
    if (!pretty()) {
      out_ << compact;
      return;
    }
    if (layout_.indent != 2) return value(json::parse(compact), level);
    laid_out_.clear();
    append_indented_json(laid_out_, compact, level);
    out_ << laid_out_;
  }
  // [row, row, ...] at |level|, rendering rows one by one: render(row) gives a nlohmann::json, or
  // render(text, row) appends the row's compact text to |text|.
  template <class Rows, class Render>
  void rows(const Rows& items, Render render, int level) {
    if (items.empty()) {
      out_ << "[]";
      return;
    }
    out_ << '[';
    bool first = true;
    for (const auto& item : items) {
      if (!first) out_ << ',';
      first = false;
      newline(level + 1);
      if constexpr (std::is_invocable_v<Render, std::string&, decltype(item)>) {
        row_.clear();
        render(row_, item);
        text(row_, level + 1);
      } else {
        value(render(item), level + 1);
      }
    }
    newline(level);
    out_ << ']';
  }

  std::ostream& out_;
  const SummaryLayout& layout_;
  std::string row_, laid_out_;  // reused from row to row
};

void append_server_row(std::string& out, const ServerView* row) { append_server_row_json(out, *row); }
void append_client_row(std::string& out, const ClientView* row) { append_client_row_json(out, *row); }

}  // namespace

void write_summary_json(std::ostream& out, const Summary& summary, const json& extra, const SummaryLayout& layout) {
  json head = summary_head_json(summary);
  for (const auto& [name, value] : extra.items()) head[name] = value;
  Printer p(out, layout);
  const int level = layout.depth;
  out << '{';
  bool first = layout.first_fields.empty();
  if (!first) {
    p.newline(level + 1);
    out << layout.first_fields;
  }
  for (const auto& [name, value] : head.items()) {  // nlohmann keeps keys sorted, as dump() does
    if (!first) out << ',';
    first = false;
    p.newline(level + 1);
    p.key(name);
    if (name == "by_client_fingerprint") p.rows(summary.client_fingerprints(0), fingerprint_row_json, level + 1);
    else if (name == "by_server") p.rows(summary.fleet().server_rows(0), append_server_row, level + 1);
    else if (name == "by_client") p.rows(summary.fleet().client_rows(0), append_client_row, level + 1);
    else p.value(value, level + 1);
  }
  p.newline(level);
  out << '}';
}

}  // namespace tlsdiag::report
