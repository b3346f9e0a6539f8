#include "tlsdiag/report/json_report.h"

#include <array>

#include "tlsdiag/report/json_indent.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/flow_json_text.h"
#include "tlsdiag/report/summary_state.h"
#include "tlsdiag/report/summary_writer.h"

namespace tlsdiag::report {

using nlohmann::json;

namespace {

// Pretty-prints |value| as if nested |depth| levels deep in a 2-space document. JSON strings
// never hold a raw newline, so every newline in the dump is layout.
std::string nested_dump(const json& value, int depth) {
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

// The members every document has (write_json_document writes them in this order).
constexpr std::array<const char*, 6> kDocumentKeys = {"tool",  "version", "inputs",
                                                      "flows", "summary", "merge_state"};

std::string not_a_document(const std::string& why) { return "not a tlsdiag --format json document (" + why + ")"; }

// nlohmann's "[json.exception.parse_error.101] parse error at line 1, ..." without the tag.
std::string without_tag(const std::string& what) {
  const std::size_t end = what.find("] ");
  return !what.empty() && what.front() == '[' && end != std::string::npos ? what.substr(end + 2) : what;
}

// What is wrong with the layout of |doc|, a document whose inputs and flows were taken out as it
// was read; empty when nothing is.
std::string layout_problem(const json& doc) {
  if (!doc.is_object()) return "not a JSON object";
  for (const char* key : kDocumentKeys) {
    if (doc.contains(key)) continue;
    const bool old = std::string_view(key) == "merge_state";
    return "no \"" + std::string(key) + "\"" + (old ? "; written by a tlsdiag without merge?" : "");
  }
  if (doc["tool"] != std::string(kToolName)) return "\"tool\" is not \"tlsdiag\"";
  // Every object of the two arrays was taken out: anything left over is something else.
  if (doc["inputs"] != json::array() || doc["flows"] != json::array())
    return "\"inputs\" and \"flows\" are not arrays of objects";
  return {};
}

}  // namespace

std::string document_item(const json& value) { return nested_dump(value, 2); }

void write_json_document(std::ostream& out, std::string_view version, const std::vector<std::string>& inputs,
                         std::size_t flow_count, const std::function<void(std::size_t)>& write_flow,
                         const Summary& summary) {
  out << "{\n";
  out << "  \"tool\": " << dump_json(std::string(kToolName)) << ",\n";
  out << "  \"version\": " << dump_json(std::string(version)) << ",\n";
  out << "  \"inputs\": ";
  write_array(out, inputs.size(), [&](std::size_t i) { out << inputs[i]; });
  out << ",\n  \"flows\": ";
  write_array(out, flow_count, write_flow);
  out << ",\n  \"summary\": ";
  write_summary_json(out, summary, json::object(), SummaryLayout{2, 1, ""});  // streamed row by row
  out << ",\n  \"merge_state\": ";
  write_state_json(out, summary, 1);
  out << "\n}\n";
  out.flush();
}

// The JSON Lines writer's compact text, laid out for the document: byte for byte
// document_item(flow_to_json(flow)), without a nlohmann::json per flow (a third of the time).
std::optional<std::size_t> JsonReport::render_flow(const analysis::FlowRecord& flow, std::string& text) {
  compact_.clear();
  append_flow_json(compact_, flow);
  text.clear();
  append_indented_json(text, compact_, 2);
  return 0;
}

// The document is written in on_finish; until then the flows wait in the store.
void JsonReport::write_rendered(std::size_t, std::string_view text) {
  flows_.push_back(store(), store().append(text));
}

// A held flow's text is already in the store: it stays where it is, not read back and stored
// again (for a long capture most flows are held, and their text was on disk twice).
void JsonReport::write_held(std::size_t, SpillStore::Ref ref) { flows_.push_back(store(), ref); }

void JsonReport::write_input(const analysis::InputResult& result) {
  inputs_.push_back(document_item(input_to_json(result)));
}

void JsonReport::write_finish() {
  write_json_document(
      out_, options().tool_version, inputs_, flows_.size(), [&](std::size_t i) { flows_.write_to(store(), i, out_); },
      summary());
}

bool JsonMerge::add(std::istream& in, std::string& error) {
  // Inputs and flows are taken out of the document as the parser completes each one, so a
  // document is never in memory whole.
  std::string member;  // the top-level member being read
  const auto take_items = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth == 1 && event == json::parse_event_t::key) member = parsed.get<std::string>();
    if (depth != 2 || event != json::parse_event_t::object_end) return true;
    if (member == "inputs") inputs_.push_back(document_item(parsed));
    else if (member == "flows") flows_.push_back(store_, store_.append(document_item(parsed)));
    else return true;
    return false;  // taken
  };
  json doc;
  try {
    doc = json::parse(in, take_items);
  } catch (const json::exception& e) {
    error = not_a_document(without_tag(e.what()));
    return false;
  }
  if (const std::string problem = layout_problem(doc); !problem.empty()) {
    error = not_a_document(problem);
    return false;
  }
  std::string state_error;
  std::optional<Summary> summary = summary_from_state(doc["merge_state"], state_error);
  if (!summary) {
    error = not_a_document("merge_state: " + state_error);
    return false;
  }
  if (!summary_) {
    summary_ = std::move(summary);
  } else if (!summary_->merge(*summary)) {
    error = "analysed with another --since/--until window than the documents before it";
    return false;
  }
  return true;
}

void JsonMerge::write(std::ostream& out, std::string_view version) {
  write_json_document(
      out, version, inputs_, flows_.size(), [&](std::size_t i) { flows_.write_to(store_, i, out); }, *summary_);
}

}  // namespace tlsdiag::report
