#include "tlsdiag/report/json_report.h"

#include "tlsdiag/report/flow_json.h"

namespace tlsdiag::report {

namespace {

// Pretty-prints |value| as if nested |depth| levels deep in a 2-space document. JSON strings
// never hold a raw newline, so every newline in the dump is layout.
std::string nested_dump(const nlohmann::json& value, int depth) {
  const std::string dumped = dump_json(value, 2);
  const std::string pad(static_cast<std::size_t>(2 * depth), ' ');
  std::string out;
  out.reserve(dumped.size() + dumped.size() / 8);
  for (char ch : dumped) {
    out.push_back(ch);
    if (ch == '\n') out += pad;
  }
  return out;
}

// |write_item(i)| writes item i of |count|.
template <class WriteItem>
void write_array(std::ostream& out, std::size_t count, WriteItem write_item) {
  if (count == 0) {
    out << "[]";
    return;
  }
  out << "[\n";
  for (std::size_t i = 0; i < count; ++i) {
    out << "    ";
    write_item(i);
    out << (i + 1 < count ? ",\n" : "\n");
  }
  out << "  ]";
}

}  // namespace

std::optional<Report::Rendered> JsonReport::render_flow(const analysis::FlowRecord& flow) {
  return Rendered{0, nested_dump(flow_to_json(flow), 2)};
}

// The document is written in on_finish; until then the flows wait in the store.
void JsonReport::write_rendered(std::size_t, std::string_view text) {
  flows_.push_back(store().append(text));
}

void JsonReport::write_input(const analysis::InputResult& result) {
  inputs_.push_back(nested_dump(input_to_json(result), 2));
}

void JsonReport::write_finish() {
  // Written by hand at the top level so the keys keep this order (nlohmann::json sorts them).
  out_ << "{\n";
  out_ << "  \"tool\": " << dump_json(std::string(kToolName)) << ",\n";
  out_ << "  \"version\": " << dump_json(options().tool_version) << ",\n";
  out_ << "  \"inputs\": ";
  write_array(out_, inputs_.size(), [&](std::size_t i) { out_ << inputs_[i]; });
  out_ << ",\n  \"flows\": ";
  write_array(out_, flows_.size(), [&](std::size_t i) { store().write_to(flows_[i], out_); });
  out_ << ",\n  \"summary\": " << nested_dump(summary_to_json(summary()), 1) << "\n}\n";
  out_.flush();
}

}  // namespace tlsdiag::report
