#pragma once
// JsonReport: --format json. Collects the printed flows (serialized as they arrive, in arrival
// order) and the inputs, and writes ONE pretty document (2-space indent) in on_finish:
//   {"tool", "version", "inputs": [...], "flows": [...], "summary": {...}}
// Schema: docs/output.md and docs/tlsdiag-output.schema.json.
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "tlsdiag/report/report.h"

namespace tlsdiag::report {

class JsonReport : public Report {
 public:
  JsonReport(std::ostream& out, ReportOptions opts) : Report(std::move(opts)), out_(out) {}

 protected:
  std::optional<Rendered> render_flow(const analysis::FlowRecord& flow) override;
  void write_rendered(std::size_t group, std::string_view text) override;
  void write_input(const analysis::InputResult& result) override;
  void write_finish() override;

 private:
  std::ostream& out_;
  std::vector<SpillStore::Ref> flows_;  // each flow already dumped, indented for its place
  std::vector<std::string> inputs_;
};

}  // namespace tlsdiag::report
