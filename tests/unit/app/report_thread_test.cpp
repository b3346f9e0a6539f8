// ReportThread: the report gets the correlator's calls in the same order, on another thread;
// drain() delivers everything and rethrows what the report threw; a whole input analysed with
// the report on its own thread prints what it prints without.
#include "report_thread.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "call_log.h"
#include "deferred_sink.h"
#include "pipeline.h"
#include "support/paths.h"
#include "tlsdiag/report/report.h"

namespace tlsdiag::app {
namespace {

std::unique_ptr<analysis::FlowRecord> flow(std::uint64_t first_packet) {
  auto f = std::make_unique<analysis::FlowRecord>();
  f->first_packet = first_packet;
  return f;
}

// An ordered correlator's calls for flows 1..n: every third flow closes before the one before it
// (held, by hold or take_and_hold in turn, and released at its turn), the others are delivered
// as they close.
void correlator_calls(analysis::FlowSink& sink, std::uint64_t n) {
  for (std::uint64_t i = 1; i + 1 <= n; i += 3) {
    auto held = i % 2 == 1 ? sink.hold(std::move(*flow(i + 1))) : sink.take_and_hold(flow(i + 1));
    sink.take_flow(flow(i));
    if (held) sink.release(std::move(held));
    if (i + 2 <= n) sink.on_flow(*flow(i + 2));
  }
}

TEST(ReportThread, TheReportGetsTheSameCallsInOrderOnAnotherThread) {
  for (const std::uint64_t n : {7u, 64u, 1000u, 20000u}) {  // under and past kWakeBatch, kMaxQueued
    SCOPED_TRACE(n);
    CallLog direct;
    correlator_calls(direct, n);
    CallLog report;
    {
      ReportThread threaded(report);
      correlator_calls(threaded, n);
      threaded.drain();
      EXPECT_EQ(report.log, direct.log);
    }
    ASSERT_FALSE(report.threads.empty());
    EXPECT_NE(report.threads.front(), std::this_thread::get_id());
  }
}

TEST(ReportThread, ANullHoldMeansTheReleaseIsDropped) {
  CallLog report;
  ReportThread threaded(report);
  auto held5 = threaded.hold(std::move(*flow(5)));
  ASSERT_NE(held5, nullptr);  // the report's answer is not known yet on this thread
  auto held6 = threaded.hold(std::move(*flow(6)));
  threaded.release(std::move(held6));
  threaded.release(std::move(held5));
  threaded.drain();
  EXPECT_EQ(report.log, (std::vector<std::string>{"hold 5", "hold 6", "release 6"}));
}

TEST(ReportThread, DrainRethrowsWhatTheReportThrewAndLaterCallsToo) {
  CallLog report;
  report.throw_at = "flow 3";
  ReportThread threaded(report);
  for (std::uint64_t i = 1; i <= 5; ++i) threaded.take_flow(flow(i));
  EXPECT_THROW(threaded.drain(), std::runtime_error);
  EXPECT_EQ(report.log, (std::vector<std::string>{"flow 1", "flow 2"}));
  EXPECT_THROW(threaded.take_flow(flow(6)), std::runtime_error);
}

TEST(ReportThread, AHeldFlowCostsItsTokenAndWhatTheReportKeeps) {
  CallLog report;  // keeps whole records, as FlowSink's default says
  ReportThread threaded(report);
  EXPECT_EQ(threaded.held_bytes(1'000) - threaded.held_bytes(0), 1'000u);
  EXPECT_GE(threaded.held_bytes(0), 40u);  // a token (a heap block of at least 32) and its slot
}

// A report that, in hold(), says it is there and waits for the test's go.
class BlockingReport final : public analysis::FlowSink {
 public:
  void on_flow(const analysis::FlowRecord&) override {}
  std::unique_ptr<analysis::HeldFlow> hold(analysis::FlowRecord&&) override {
    if (holds_++ == 0) entered.set_value();
    go_future.wait();
    return nullptr;
  }
  void on_input_done(const analysis::InputResult&) override {}
  void on_finish() override {}
  std::size_t held_bytes(std::size_t) const override { return 48; }

  std::promise<void> entered;
  std::promise<void> go;
  std::shared_future<void> go_future = go.get_future().share();

 private:
  int holds_ = 0;
};

// The correlator asks what a held flow costs on the analysis thread, while the report thread may
// be inside the report with the DeferredSink's lock held: the answer must not wait for it (a lock
// there once made the default run 40-70 % slower).
TEST(ReportThread, HeldBytesDoesNotWaitForTheReportThread) {
  BlockingReport report;
  DeferredSink deferred;
  deferred.forward_to(report);
  ReportThread threaded(deferred);
  std::vector<std::unique_ptr<analysis::HeldFlow>> tokens;
  for (std::size_t i = 0; i < ReportThread::kWakeBatch; ++i) tokens.push_back(threaded.hold(analysis::FlowRecord{}));
  report.entered.get_future().wait();  // the report thread is in report.hold, inside the sink's lock
  auto asked = std::async(std::launch::async, [&] { return threaded.held_bytes(0); });
  const bool answered = asked.wait_for(std::chrono::seconds(2)) == std::future_status::ready;
  report.go.set_value();
  EXPECT_TRUE(answered);
  EXPECT_EQ(asked.get(), threaded.held_bytes(0));
  EXPECT_GT(threaded.held_bytes(0), 48u);
  for (auto& token : tokens) threaded.release(std::move(token));
  threaded.drain();
}

TEST(ReportThread, DestroyedWithoutDrainStopsWithoutDelivering) {
  CallLog report;
  {
    ReportThread threaded(report);
    for (std::uint64_t i = 1; i <= 10; ++i) threaded.take_flow(flow(i));
  }  // fewer than kWakeBatch calls: never woken, so nothing reached the report
  EXPECT_TRUE(report.log.empty());
}

std::string report_of(const std::string& sample, report::Format format, bool report_thread) {
  std::ostringstream out;
  auto report = report::make_report(format, out, {});
  PipelineOptions options;
  options.report_thread = report_thread;
  const analysis::InputResult result =
      analyze_file((test::source_dir() / "samples" / sample).string(), options, *report);
  report->on_input_done(result);
  report->on_finish();
  return out.str();
}

TEST(ReportThread, AnInputReportsTheSameWithTheReportOnItsOwnThread) {
  for (const char* sample : {"many-flows-mixed.pcap", "tls13-reordered-duplicated.pcap", "tls12-ok-openssl.pcap"}) {
    for (const report::Format format : {report::Format::Text, report::Format::Json, report::Format::Jsonl}) {
      SCOPED_TRACE(std::string(sample) + " format " + std::to_string(static_cast<int>(format)));
      const std::string expected = report_of(sample, format, false);
      EXPECT_GT(expected.size(), 100u);
      EXPECT_EQ(report_of(sample, format, true), expected);
    }
  }
}

}  // namespace
}  // namespace tlsdiag::app
