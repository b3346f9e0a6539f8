#pragma once
// LiveReport: the end of the live chain. Input: finished flows (FlowSink::on_flow), in the order
// they close. Output: one line per selected flow as it arrives (failed ones; with --incomplete
// also incomplete ones; with --all every flow), a stats line when asked (write_stats), and the
// summary line at the end (write_summary), in text or JSON Lines, through a LineOutput.
// Every flow is counted in the LiveTally, printed or not, and for jsonl also in a report::Summary,
// whose summary_to_json() is the last line (as analyze's): that Summary keeps one entry per
// distinct failing server, and the fleet views' capped entries per server, client and
// client -> server pair (see report/summary.h, report/fleet.h), the only part of live mode's
// memory that grows with the run rather than with the traffic of the moment.
#include <cstdint>
#include <optional>
#include <string>

#include "failure_recorder.h"
#include "line_output.h"
#include "live_format.h"
#include "live_tally.h"
#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/capture/live_source.h"
#include "tlsdiag/report/summary.h"

namespace tlsdiag::app {

enum class LiveFormat { Text, Jsonl };

struct LiveReportOptions {
  LiveFormat format = LiveFormat::Text;
  bool all = false;         // every flow, successes too
  bool incomplete = false;  // failed and incomplete flows
  std::string interface;    // named in the summary
};

// Counters of the capture and the chain at one moment, cumulative since the start.
struct LiveGauges {
  Timestamp wall;          // the wall clock now
  std::int64_t steady_ns = 0;  // the monotonic clock now, for intervals
  analysis::InputStats input;
  std::uint64_t open_flows = 0;
  capture::LiveStats kernel;
  std::optional<FailureRecorderStats> failures;
};

class LiveReport : public analysis::FlowSink {
 public:
  LiveReport(LineOutput& out, LiveReportOptions options, std::int64_t start_steady_ns);

  void on_flow(const analysis::FlowRecord& flow) override;
  void on_input_done(const analysis::InputResult&) override {}  // the summary covers the capture
  void on_finish() override {}

  bool selected(const analysis::FlowRecord& flow) const;
  // Writes the stats of the interval since the previous call (or the start), then starts a new one.
  void write_stats(const LiveGauges& now);
  // |capture_error|: why the capture broke, if it did (the summary counts an input error).
  void write_summary(const LiveGauges& now, const std::optional<std::string>& capture_error);

  const LiveTally& tally() const { return tally_; }

 private:
  void write(const std::string& line) { out_.write_line(line); }

  LineOutput& out_;
  LiveReportOptions options_;
  LiveTally tally_;
  report::Summary summary_;  // jsonl only
  std::int64_t start_steady_ns_;
  std::int64_t interval_start_ns_;
  analysis::InputStats at_interval_start_;
};

}  // namespace tlsdiag::app
