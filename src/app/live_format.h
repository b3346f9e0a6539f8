#pragma once
// The lines live mode writes, in its two formats. Every function returns one line without the
// newline; text from the wire is escaped (report::terminal_safe) so a line stays one line.
//
// text:
//   2024-01-02T03:04:05.123456Z failed protocol_version_mismatch  192.0.2.10:51000 -> 192.0.2.1:443
//     SNI example.com  rejected by server (certain)  The server rejected ...      (one line)
//   2024-01-02T03:05:00.000000Z stats 60.0s: flows 12 (ok 9, failed 2, incomplete 1); ...
//   2024-01-02T03:06:00.000000Z summary lo 120.0s: flows 30 (ok 25, failed 4, incomplete 1); ...
// jsonl (docs/live.md): {"type":"flow",...} as `analyze --format jsonl` writes it,
//   {"type":"stats",...} per --stats-interval, and {"type":"summary",...} last, with exactly the
//   fields of analyze's summary line (docs/output.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "failure_recorder.h"
#include "live_tally.h"
#include "tlsdiag/analysis/flow_record.h"
#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/capture/live_source.h"
#include "tlsdiag/report/summary.h"

namespace tlsdiag::app {

// What a stats line reports: counts over the interval, gauges now, kernel counters since start.
struct StatsView {
  Timestamp time;           // wall clock when written
  double interval_s = 0;    // seconds the counts cover
  const LiveCounts* counts = nullptr;
  std::vector<TopEntry> servers;  // top failing servers in the interval
  std::vector<TopEntry> clients;  // top failing clients in the interval
  std::uint64_t packets = 0;        // decoded in the interval
  std::uint64_t flows_seen = 0;     // opened in the interval
  std::uint64_t flows_evicted = 0;  // evicted from the full flow table in the interval
  std::uint64_t open_flows = 0;     // now
  capture::LiveStats kernel;        // since start (pcap_stats)
  std::optional<FailureRecorderStats> failures;  // since start, with --write-failures
};

// What the final summary reports: the whole run.
struct SummaryView {
  Timestamp time;
  std::string interface;
  double duration_s = 0;
  const LiveCounts* counts = nullptr;
  // jsonl: analyze's summary of every flow and the capture as one input, written by the report
  // stage's summary_to_json, so the line cannot drift from analyze's.
  const report::Summary* summary = nullptr;
  analysis::InputStats input;
  std::vector<TopEntry> servers;  // text only
  capture::LiveStats kernel;
};

std::string flow_text_line(const analysis::FlowRecord& flow);
std::string flow_jsonl_line(const analysis::FlowRecord& flow);
std::string stats_text_line(const StatsView& stats);
std::string stats_jsonl_line(const StatsView& stats);
std::string summary_text_line(const SummaryView& summary);
std::string summary_jsonl_line(const SummaryView& summary);

}  // namespace tlsdiag::app
