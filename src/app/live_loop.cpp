#include "live_loop.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>
#include <optional>
#include <string>

#include "live_clock.h"

namespace tlsdiag::app {

namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::uint64_t kBatch = 4096;  // packets per dispatch: about 10-30 ms of work

// How often idle flows are looked for: a tenth of the timeout is precise enough, and a second
// at most keeps the check (cheap: the flow table keeps flows in order of activity) rare.
std::int64_t expire_period(std::int64_t flow_timeout_ns) {
  return std::clamp<std::int64_t>(flow_timeout_ns / 10, 10'000'000, kSecond);
}

LiveGauges gauges(const LiveParts& p) {
  LiveGauges g;
  g.wall = wall_now();
  g.steady_ns = steady_now_ns();
  g.input = p.pipeline.stats();
  g.open_flows = p.pipeline.open_flows();
  g.kernel = p.source.stats();
  if (p.recorder != nullptr) g.failures = p.recorder->stats();
  return g;
}

void reopen_outputs(LiveParts& p) {
  if (auto error = p.output.reopen()) std::cerr << "tlsdiag live: SIGHUP: " << *error << "; still writing to the old file\n";
  if (p.failures_pcap != nullptr) {
    if (auto error = p.failures_pcap->reopen()) std::cerr << "tlsdiag live: SIGHUP: " << *error << "; still writing to the old file\n";
  }
}

void print_recorder_error(LiveParts& p) {
  if (p.recorder == nullptr) return;
  if (auto error = p.recorder->take_error()) std::cerr << "tlsdiag live: --write-failures: " << *error << "\n";
}

int sleep_ms(std::int64_t until_ns, std::int64_t now_ns) {
  const std::int64_t ms = (until_ns - now_ns + 999'999) / 1'000'000;
  return static_cast<int>(std::clamp<std::int64_t>(ms, 1, 1000));
}

enum class End { Stopped, CaptureBroke, OutputClosed, OutputFailed };

// Timers of one run, in steady nanoseconds.
struct Timers {
  std::int64_t next_expire;
  std::int64_t next_stats;
  std::int64_t deadline;
  std::int64_t next_due() const { return std::min({next_expire, next_stats, deadline}); }
};

// Keeps time between batches: timeouts, stats. Returns false when the run's duration is over.
bool on_time(LiveParts& p, const LiveLoopSettings& s, Timers& t, const LiveClock& clock, std::int64_t now) {
  if (now >= t.deadline) return false;
  if (now >= t.next_expire) {
    p.pipeline.expire(clock.now(now, wall_now()));
    print_recorder_error(p);
    t.next_expire = now + expire_period(s.flow_timeout_ns);
  }
  if (now >= t.next_stats) {
    p.report.write_stats(gauges(p));
    t.next_stats = std::max(t.next_stats + s.stats_interval_ns, now + 1);
  }
  return true;
}

// |capture_error| is set when the capture broke.
End run_capture(LiveParts& p, const LiveLoopSettings& s, SignalWatch& signals, std::optional<std::string>& capture_error) {
  const std::int64_t start = steady_now_ns();
  Timers t{start + expire_period(s.flow_timeout_ns), s.stats_interval_ns > 0 ? start + s.stats_interval_ns : kNever,
           s.duration_ns > 0 ? start + s.duration_ns : kNever};
  LiveClock clock;
  for (;;) {
    if (signals.stop_requested()) return End::Stopped;
    if (signals.take_reopen()) reopen_outputs(p);
    if (p.output.state() == LineOutput::State::BrokenPipe) return End::OutputClosed;
    if (p.output.state() == LineOutput::State::Error) return End::OutputFailed;
    const std::uint64_t delivered = p.source.packets_delivered();
    if (s.count > 0 && delivered >= s.count) return End::Stopped;
    // Bounded: under a steady flood libpcap would otherwise keep reading (a TPACKET_V3 ring is
    // never empty), and timeouts, stats and signals would wait for the flood to stop.
    const auto left = std::min<std::uint64_t>(s.count > 0 ? s.count - delivered : kBatch, kBatch);
    const capture::DispatchResult got = p.source.dispatch(p.pipeline, static_cast<int>(left));
    if (got.error) {
      std::cerr << "tlsdiag live: " << got.error->message << "\n";
      capture_error = got.error->message;
      return End::CaptureBroke;
    }
    const std::int64_t now = steady_now_ns();
    if (got.packets > 0 && p.pipeline.newest_packet()) clock.saw_packets(*p.pipeline.newest_packet(), now);
    print_recorder_error(p);
    if (!on_time(p, s, t, clock, now)) return End::Stopped;
    if (got.packets == 0) signals.wait_readable(p.source.selectable_fd(), sleep_ms(t.next_due(), now));
  }
}

}  // namespace

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Timestamp wall_now() {
  return Timestamp{std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count()};
}

int run_live_loop(LiveParts& p, const LiveLoopSettings& s, SignalWatch& signals) {
  std::optional<std::string> capture_error;
  const End end = run_capture(p, s, signals, capture_error);
  if (end == End::OutputClosed) return 0;  // the reader is gone: nothing more to say, quietly
  if (end == End::OutputFailed) {
    std::cerr << "tlsdiag live: " << p.output.error() << "\n";
    return 2;
  }
  // Flows still open are closed as at the end of a capture file: reported, mostly incomplete.
  p.pipeline.on_end(p.pipeline.newest_packet().value_or(wall_now()));
  print_recorder_error(p);
  // Always a last stats line: the kernel's drop counts are not among the summary's fields.
  p.report.write_stats(gauges(p));
  p.report.write_summary(gauges(p), capture_error);
  if (p.output.state() == LineOutput::State::Error) {
    std::cerr << "tlsdiag live: " << p.output.error() << "\n";
    return 2;
  }
  return end == End::CaptureBroke ? 2 : 0;
}

}  // namespace tlsdiag::app
