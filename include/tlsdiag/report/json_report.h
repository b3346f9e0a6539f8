#pragma once
// JsonReport: --format json. Collects the printed flows (serialized as they arrive, in arrival
// order) and the inputs, and writes ONE pretty document (2-space indent) in on_finish:
//   {"tool", "version", "inputs": [...], "flows": [...], "summary": {...}, "merge_state": {...}}
// Schema: docs/output.md and docs/tlsdiag-output.schema.json.
//
// JsonMerge: `tlsdiag merge`. Input: such documents, one add() each, in order. Output: one
// document in the same layout whose inputs and flows are the documents', in order and unchanged,
// and whose summary and merge_state come from their merged states (Summary::merge): byte for
// byte what JsonReport writes for all their inputs in one run, when no cap of the summary is
// reached. Flows wait in a SpillStore, so memory stays flat however many there are.
#include <cstddef>
#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tlsdiag/report/ref_list.h"
#include "tlsdiag/report/report.h"
#include "tlsdiag/report/spill_store.h"
#include "tlsdiag/report/summary.h"

namespace tlsdiag::report {

class JsonReport : public Report {
 public:
  JsonReport(std::ostream& out, ReportOptions opts) : Report(std::move(opts)), out_(out) {}

 protected:
  std::optional<std::size_t> render_flow(const analysis::FlowRecord& flow, std::string& text) override;
  void write_rendered(std::size_t group, std::string_view text) override;
  void write_held(std::size_t group, SpillStore::Ref ref) override;
  void write_input(const analysis::InputResult& result) override;
  void write_finish() override;

 private:
  std::ostream& out_;
  std::string compact_;  // render_flow's compact JSON, before it is laid out
  RefList flows_;  // each flow already dumped, indented for its place
  std::vector<std::string> inputs_;
};

class JsonMerge {
 public:
  // Reads one document from |in|. False, with |error| saying why, when it is not a tlsdiag
  // --format json document with a merge_state this build reads, or its --since/--until window
  // differs from the first document's; the merge is then not to be written.
  bool add(std::istream& in, std::string& error);
  // The merged document, "version" |version|; after at least one add().
  void write(std::ostream& out, std::string_view version);
  const Summary& summary() const { return *summary_; }

 private:
  SpillStore store_;
  std::vector<std::string> inputs_;     // dumped as document_item does
  RefList flows_;  // likewise
  std::optional<Summary> summary_;
};

// |value| pretty-printed as an element of the document's "inputs" or "flows".
std::string document_item(const nlohmann::json& value);

// The document itself, written by hand at the top level so the keys keep their order
// (nlohmann::json sorts them). |inputs| are document_item()s; |write_flow(i)| writes flow i, a
// document_item too, to |out|. The summary and merge_state are |summary|'s.
void write_json_document(std::ostream& out, std::string_view version, const std::vector<std::string>& inputs,
                         std::size_t flow_count, const std::function<void(std::size_t)>& write_flow,
                         const Summary& summary);

}  // namespace tlsdiag::report
