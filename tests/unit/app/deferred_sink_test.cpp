#include "deferred_sink.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "call_log.h"

namespace tlsdiag::app {
namespace {

analysis::FlowRecord flow(std::uint64_t first_packet) {
  analysis::FlowRecord f;
  f.first_packet = first_packet;
  return f;
}

// What an ordered Correlator does with flows 1..7 where 2, 4, 5 and 7 close before earlier ones.
// |before_step| runs before each call (index 0..n), to connect the sink at any point.
void correlator_calls(analysis::FlowSink& sink, const std::function<void(int)>& before_step) {
  int step = 0;
  auto next = [&] { before_step(step++); };
  next();
  auto h2 = sink.hold(flow(2));
  next();
  sink.on_flow(flow(1));
  next();
  sink.release(std::move(h2));
  next();
  auto h4 = sink.hold(flow(4));
  next();
  auto h5 = sink.hold(flow(5));
  next();
  sink.on_flow(flow(3));
  next();
  sink.release(std::move(h4));
  next();
  auto h7 = sink.hold(flow(7));
  next();
  if (h5) sink.release(std::move(h5));
  next();
  sink.on_flow(flow(6));
  next();
  if (h7) sink.release(std::move(h7));
  next();
}

TEST(DeferredSink, TheReportSeesTheSameCallsWhereverTheInputIsConnected) {
  CallLog direct;
  correlator_calls(direct, [](int) {});
  // A report's null hold means "no release": the correlator then never calls it for flow 5.
  const std::vector<std::string> want = {"hold 2",  "flow 1", "release 2", "hold 4",
                                         "hold 5",  "flow 3", "release 4", "hold 7",
                                         "flow 6",  "release 7"};
  ASSERT_EQ(direct.log, want);

  // Connected before the first call (the input's turn came first), between any two, or after
  // the last (the input finished before its turn).
  for (int connect_at = 0; connect_at <= 12; ++connect_at) {
    SCOPED_TRACE("connected before call " + std::to_string(connect_at));
    CallLog report;
    DeferredSink deferred;
    correlator_calls(deferred, [&](int step) {
      if (step == connect_at) deferred.forward_to(report);
    });
    if (connect_at == 12) deferred.forward_to(report);
    EXPECT_EQ(report.log, want);
  }
}

TEST(DeferredSink, AHeldFlowCostsTheRecordUntilConnectedThenWhatTheReportKeeps) {
  CallLog report;  // keeps whole records, as FlowSink's default says
  DeferredSink deferred;
  EXPECT_GE(deferred.held_bytes(1'000), 1'000u + 32u);  // the record, recorded, and a token
  deferred.forward_to(report);
  EXPECT_EQ(deferred.held_bytes(1'000), 1'000u);
}

TEST(DeferredSink, RecordsUntilConnected) {
  CallLog report;
  DeferredSink deferred;
  deferred.on_flow(flow(1));
  auto held = deferred.hold(flow(3));
  EXPECT_EQ(deferred.recorded(), 2u);
  EXPECT_TRUE(report.log.empty());
  deferred.forward_to(report);
  EXPECT_EQ(deferred.recorded(), 0u);
  EXPECT_EQ(report.log, (std::vector<std::string>{"flow 1", "hold 3"}));
  deferred.release(std::move(held));
  EXPECT_EQ(report.log.back(), "release 3");
}

// A report that, in hold(), says it is there and waits for the test's go.
class BlockingReport final : public analysis::FlowSink {
 public:
  void on_flow(const analysis::FlowRecord&) override {}
  std::unique_ptr<analysis::HeldFlow> hold(analysis::FlowRecord&&) override {
    entered.set_value();
    go_future.wait();
    return nullptr;
  }
  void on_input_done(const analysis::InputResult&) override {}
  void on_finish() override {}
  std::size_t held_bytes(std::size_t) const override { return 48; }

  std::promise<void> entered;
  std::promise<void> go;
  std::shared_future<void> go_future = go.get_future().share();
};

// The correlator asks what a held flow costs while the main thread may be inside the report
// with the sink's lock held: the answer must not wait for it (a lock there once made the
// default run 40-70 % slower).
TEST(DeferredSink, HeldBytesDoesNotWaitForTheReport) {
  BlockingReport report;
  DeferredSink deferred;
  deferred.forward_to(report);
  std::thread in_report([&] { deferred.hold(flow(1)); });
  report.entered.get_future().wait();  // inside report.hold, with the sink's lock held
  auto asked = std::async(std::launch::async, [&] { return deferred.held_bytes(0); });
  const bool answered = asked.wait_for(std::chrono::seconds(2)) == std::future_status::ready;
  report.go.set_value();
  in_report.join();
  EXPECT_TRUE(answered);
  EXPECT_EQ(asked.get(), 48u);
}

}  // namespace
}  // namespace tlsdiag::app
