#include "tlsdiag/report/report.h"

#include <array>
#include <utility>

#include "tlsdiag/report/json_report.h"
#include "tlsdiag/report/jsonl_report.h"
#include "tlsdiag/report/text_report.h"
#include "tlsdiag/util/memory_budget.h"

namespace tlsdiag::report {

namespace {

struct FormatName {
  Format format;
  std::string_view name;
};

constexpr std::array<FormatName, 3> kFormats = {{
    {Format::Text, "text"},
    {Format::Json, "json"},
    {Format::Jsonl, "jsonl"},
}};

}  // namespace

std::optional<Format> parse_format(std::string_view text) {
  for (const FormatName& f : kFormats) {
    if (f.name == text) return f.format;
  }
  return std::nullopt;
}

std::string_view name(Format fmt) {
  for (const FormatName& f : kFormats) {
    if (f.format == fmt) return f.name;
  }
  return "text";
}

bool Report::selected(const analysis::FlowRecord& flow) const {
  return !opts_.only_failures || flow.verdict.status == analysis::Status::Failed;
}

void Report::on_flow(const analysis::FlowRecord& flow) {
  summary_.add_flow(flow);
  if (!selected(flow)) return;
  text_.clear();
  if (const std::optional<std::size_t> group = render_flow(flow, text_)) write_rendered(*group, text_);
}

namespace {
// A held flow: its rendered output in the report's store, if it prints anything.
struct HeldOutput final : analysis::HeldFlow {
  bool printed = false;
  std::size_t group = 0;
  SpillStore::Ref ref;
};
}  // namespace

// The summary does not depend on the order flows arrive in, so only the output has to wait.
std::unique_ptr<analysis::HeldFlow> Report::hold(analysis::FlowRecord&& flow) {
  summary_.add_flow(flow);
  if (!selected(flow)) return nullptr;
  text_.clear();
  const std::optional<std::size_t> group = render_flow(flow, text_);
  if (!group) return nullptr;  // counted, not printed (a success in the text report)
  auto held = std::make_unique<HeldOutput>();
  held->printed = true;
  held->group = *group;
  held->ref = store_.append(text_);
  return held;
}

std::size_t Report::held_bytes(std::size_t) const { return heap_block(sizeof(HeldOutput)); }

void Report::release(std::unique_ptr<analysis::HeldFlow> held) {
  const auto& h = static_cast<const HeldOutput&>(*held);
  if (h.printed) write_held(h.group, h.ref);
}

void Report::write_held(std::size_t group, SpillStore::Ref ref) {
  // Copied out first: write_rendered may append to the store, which moves its views.
  text_.assign(store_.read(ref));
  store_.release(ref);
  write_rendered(group, text_);
}

void Report::on_input_done(const analysis::InputResult& result) {
  summary_.add_input(result);
  write_input(result);
}

void Report::on_finish() { write_finish(); }

std::unique_ptr<Report> make_report(Format fmt, std::ostream& out, ReportOptions opts) {
  switch (fmt) {
    case Format::Json: return std::make_unique<JsonReport>(out, std::move(opts));
    case Format::Jsonl: return std::make_unique<JsonlReport>(out, std::move(opts));
    case Format::Text: break;
  }
  return std::make_unique<TextReport>(out, std::move(opts));
}

}  // namespace tlsdiag::report
