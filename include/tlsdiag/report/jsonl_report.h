#pragma once
// JsonlReport: --format jsonl. One compact JSON object per line, written as soon as it is known:
//   {"type":"flow",...}   each printed flow, when the FlowSink calls give it (as it ends with
//                         analyze --order end, the default for jsonl, and in live mode)
//   {"type":"input",...}  each input that had an error, when that input is done
//   {"type":"summary",...} last, in on_finish
// With ReportOptions::flush_each_flow the stream is flushed after every line (live mode).
#include <ostream>
#include <utility>

#include "tlsdiag/report/report.h"

namespace tlsdiag::report {

class JsonlReport : public Report {
 public:
  JsonlReport(std::ostream& out, ReportOptions opts) : Report(std::move(opts)), out_(out) {}

 protected:
  std::optional<std::size_t> render_flow(const analysis::FlowRecord& flow, std::string& text) override;
  void write_rendered(std::size_t group, std::string_view text) override;
  void write_held(std::size_t group, SpillStore::Ref ref) override;
  void write_input(const analysis::InputResult& result) override;
  void write_finish() override;

 private:
  void end_line();
  std::ostream& out_;
};

}  // namespace tlsdiag::report
