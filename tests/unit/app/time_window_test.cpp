#include "time_window.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tlsdiag::app {
namespace {

TEST(ParseTime, GoodAndBad) {
  struct Case {
    const char* text;
    bool end_of_day;
    std::optional<std::int64_t> want_ns;
  };
  constexpr std::int64_t kDay = 1704153600;  // 2024-01-02T00:00:00Z
  constexpr std::int64_t kSec = 1'000'000'000;
  const Case cases[] = {
      {"2024-01-02T03:04:05Z", false, (kDay + 3 * 3600 + 4 * 60 + 5) * kSec},
      {"2024-01-02t03:04:05z", false, (kDay + 3 * 3600 + 4 * 60 + 5) * kSec},
      {"2024-01-02 03:04:05.25Z", false, (kDay + 3 * 3600 + 4 * 60 + 5) * kSec + 250'000'000},
      {"2024-01-02T04:04:05+01:00", false, (kDay + 3 * 3600 + 4 * 60 + 5) * kSec},
      {"2024-01-01T22:04:05-05:00", false, (kDay + 3 * 3600 + 4 * 60 + 5) * kSec},
      {"2024-01-02", false, kDay * kSec},
      {"2024-01-02", true, (kDay + 86400) * kSec},
      {"1970-01-01T00:00:00Z", false, 0},
      {"2024-01-02T03:04:05", false, std::nullopt},  // no zone
      {"2024-13-02", false, std::nullopt},
      {"2024-01-02T25:00:00Z", false, std::nullopt},
      {"yesterday", false, std::nullopt},
      {"2024-01-02T03:04:05.Z", false, std::nullopt},
      {"", false, std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const std::optional<Timestamp> got = parse_time(c.text, c.end_of_day);
    ASSERT_EQ(got.has_value(), c.want_ns.has_value());
    if (got) {
      EXPECT_EQ(got->ns, *c.want_ns);
    }
  }
}

class Recorder final : public analysis::FlowSink {
 public:
  struct Held final : analysis::HeldFlow {
    explicit Held(std::uint64_t n) : first_packet(n) {}
    std::uint64_t first_packet;
  };
  void on_flow(const analysis::FlowRecord& flow) override { log.push_back("flow " + std::to_string(flow.first_packet)); }
  std::unique_ptr<analysis::HeldFlow> hold(analysis::FlowRecord&& flow) override {
    log.push_back("hold " + std::to_string(flow.first_packet));
    return std::make_unique<Held>(flow.first_packet);
  }
  void release(std::unique_ptr<analysis::HeldFlow> held) override {
    log.push_back("release " + std::to_string(static_cast<Held&>(*held).first_packet));
  }
  void on_input_done(const analysis::InputResult& r) override {
    log.push_back("input reported " + std::to_string(r.stats.flows_reported) + " outside " +
                  std::to_string(r.stats.flows_outside_window));
  }
  void on_finish() override { log.push_back("finish"); }
  std::vector<std::string> log;
};

analysis::FlowRecord flow_at(std::uint64_t n, std::int64_t sec) {
  analysis::FlowRecord f;
  f.first_packet = n;
  f.first_seen = Timestamp::from_sec_nsec(sec, 0);
  return f;
}

TEST(WindowSink, KeepsFlowsInTheWindowAndCountsTheOthers) {
  Recorder next;
  WindowSink sink(next, report::TimeWindow{Timestamp::from_sec_nsec(100, 0), Timestamp::from_sec_nsec(200, 0)});
  sink.on_flow(flow_at(1, 99));   // before
  sink.on_flow(flow_at(2, 100));  // since is inclusive
  std::unique_ptr<analysis::HeldFlow> held = sink.hold(flow_at(3, 150));
  EXPECT_EQ(sink.hold(flow_at(4, 200)), nullptr);  // until is exclusive
  sink.release(std::move(held));
  analysis::InputResult r;
  r.stats.flows_reported = 4;
  sink.on_input_done(r);
  sink.on_flow(flow_at(5, 300));
  r.stats.flows_reported = 1;
  sink.on_input_done(r);  // the count is per input
  sink.on_finish();
  EXPECT_EQ(next.log, (std::vector<std::string>{"flow 2", "hold 3", "release 3", "input reported 2 outside 2",
                                                "input reported 0 outside 1", "finish"}));
}

}  // namespace
}  // namespace tlsdiag::app
