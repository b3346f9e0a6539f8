#include "live_report.h"

#include <utility>

namespace tlsdiag::app {

namespace {
constexpr std::size_t kTopShown = 5;
double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }
}  // namespace

LiveReport::LiveReport(LineOutput& out, LiveReportOptions options, std::int64_t start_steady_ns)
    : out_(out), options_(std::move(options)), start_steady_ns_(start_steady_ns), interval_start_ns_(start_steady_ns) {}

bool LiveReport::selected(const analysis::FlowRecord& flow) const {
  switch (flow.verdict.status) {
    case analysis::Status::Failed: return true;
    case analysis::Status::Incomplete: return options_.all || options_.incomplete;
    default: return options_.all;
  }
}

void LiveReport::on_flow(const analysis::FlowRecord& flow) {
  tally_.add(flow);
  if (options_.format == LiveFormat::Jsonl) summary_.add_flow(flow);
  if (!selected(flow)) return;
  write(options_.format == LiveFormat::Jsonl ? flow_jsonl_line(flow) : flow_text_line(flow));
}

void LiveReport::write_stats(const LiveGauges& now) {
  StatsView view;
  view.time = now.wall;
  view.interval_s = seconds(now.steady_ns - interval_start_ns_);
  view.counts = &tally_.interval();
  view.servers = tally_.interval_servers().top(kTopShown);
  view.clients = tally_.interval_clients().top(kTopShown);
  view.packets = now.input.packets - at_interval_start_.packets;
  view.flows_seen = now.input.flows_seen - at_interval_start_.flows_seen;
  view.flows_evicted = now.input.flows_evicted - at_interval_start_.flows_evicted;
  view.open_flows = now.open_flows;
  view.kernel = now.kernel;
  view.failures = now.failures;
  write(options_.format == LiveFormat::Jsonl ? stats_jsonl_line(view) : stats_text_line(view));
  tally_.start_interval();
  interval_start_ns_ = now.steady_ns;
  at_interval_start_ = now.input;
}

void LiveReport::write_summary(const LiveGauges& now, const std::optional<std::string>& capture_error) {
  analysis::InputResult capture;
  capture.info.path = options_.interface;
  capture.info.format = "live";
  capture.stats = now.input;
  capture.error = capture_error;
  summary_.add_input(capture);
  SummaryView view;
  view.time = now.wall;
  view.interface = options_.interface;
  view.duration_s = seconds(now.steady_ns - start_steady_ns_);
  view.counts = &tally_.total();
  view.input = now.input;
  view.summary = &summary_;
  view.servers = tally_.total_servers().top(kTopShown);
  view.kernel = now.kernel;
  write(options_.format == LiveFormat::Jsonl ? summary_jsonl_line(view) : summary_text_line(view));
}

}  // namespace tlsdiag::app
