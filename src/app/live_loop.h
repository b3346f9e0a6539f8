#pragma once
// run_live_loop: live mode's main loop. Reads packets as they come (LiveSource::dispatch into
// the LivePipeline), and between batches keeps time: closes flows idle past the flow timeout
// (on the packet clock, LiveClock), writes a stats line every stats interval, reopens the outputs
// on SIGHUP, and stops on SIGINT/SIGTERM, --count, --duration, a broken capture or a closed
// output. While no packet comes it sleeps in poll() until the capture is readable, a signal
// arrives or the next timer is due. Then it ends the run: closes every open flow (reported,
// mostly "incomplete"), writes a last stats line (also without --stats-interval: it has the
// kernel's drop counts) and the summary.
#include <cstdint>
#include <string>

#include "failure_recorder.h"
#include "line_output.h"
#include "live_pipeline.h"
#include "live_report.h"
#include "signal_watch.h"
#include "tlsdiag/capture/live_source.h"

namespace tlsdiag::app {

struct LiveLoopSettings {
  std::uint64_t count = 0;           // stop after this many packets; 0 = no limit
  std::int64_t duration_ns = 0;      // stop after this long; 0 = no limit
  std::int64_t stats_interval_ns = 0;  // 0 = no stats lines
  std::int64_t flow_timeout_ns = 60'000'000'000;
};

// The parts the loop drives; the recorder and its writer are null without --write-failures.
struct LiveParts {
  capture::LiveSource& source;
  LivePipeline& pipeline;
  LiveReport& report;
  LineOutput& output;
  FailureRecorder* recorder = nullptr;
  PcapWriter* failures_pcap = nullptr;
};

// Returns the process exit status: 0 when stopped (signal, limits, a reader that closed the
// pipe), 2 when the capture broke or the output could not be written (said on stderr).
int run_live_loop(LiveParts& parts, const LiveLoopSettings& settings, SignalWatch& signals);

// Monotonic and wall clocks, in nanoseconds.
std::int64_t steady_now_ns();
Timestamp wall_now();

}  // namespace tlsdiag::app
