#include "tlsdiag/report/jsonl_report.h"

#include <string>
#include <string_view>

#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/flow_json_text.h"
#include "tlsdiag/report/summary_writer.h"

namespace tlsdiag::report {

namespace {

// {"type":"<type>", ...the fields of |body|}: "type" first, so a reader can dispatch on the line
// start (nlohmann::json itself orders keys alphabetically).
std::string typed_line(std::string_view type, const nlohmann::json& body) {
  const std::string fields = dump_json(body);  // "{...}"
  std::string line = "{\"type\":\"" + std::string(type) + "\"";
  if (fields.size() > 2) line += "," + fields.substr(1);
  else line += "}";
  return line;
}

}  // namespace

void JsonlReport::end_line() {
  out_ << '\n';
  if (options().flush_each_flow) out_.flush();
}

std::optional<std::size_t> JsonlReport::render_flow(const analysis::FlowRecord& flow, std::string& text) {
  // Written straight to text: the same bytes as typed_line("flow", flow_to_json(flow)).
  append_flow_json(text, flow, "\"type\":\"flow\"");
  return 0;
}

void JsonlReport::write_rendered(std::size_t, std::string_view text) {
  out_ << text;
  end_line();
}

// Straight from the store to the output, without a copy in between (most lines are held).
void JsonlReport::write_held(std::size_t, SpillStore::Ref ref) {
  store().write_to(ref, out_);
  store().release(ref);
  end_line();
}

void JsonlReport::write_input(const analysis::InputResult& result) {
  // Inputs that read cleanly are only counted in the summary line.
  if (!result.error) return;
  out_ << typed_line("input", input_to_json(result));
  end_line();
}

void JsonlReport::write_finish() {
  // The same bytes as typed_line("summary", summary_to_json(...) + tool + version), streamed.
  const nlohmann::json extra = {{"tool", kToolName}, {"version", options().tool_version}};
  write_summary_json(out_, summary(), extra, SummaryLayout{-1, 0, "\"type\":\"summary\""});
  out_ << '\n';
  out_.flush();
}

}  // namespace tlsdiag::report
