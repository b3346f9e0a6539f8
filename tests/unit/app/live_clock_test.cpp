// LiveClock: flow timeouts run on the packets' clock, advanced by elapsed time while idle.
#include "live_clock.h"

#include <gtest/gtest.h>

namespace tlsdiag::app {
namespace {

TEST(LiveClock, BeforeAnyPacketItIsTheWallClock) {
  LiveClock clock;
  EXPECT_EQ(clock.now(123, Timestamp{5'000}), Timestamp{5'000});
}

TEST(LiveClock, IsTheNewestPacketPlusTheTimeSinceItWasRead) {
  LiveClock clock;
  clock.saw_packets(Timestamp{1'000'000}, /*steady_ns=*/500);
  EXPECT_EQ(clock.now(500, Timestamp{9'999'999}), Timestamp{1'000'000});  // wall clock ignored
  EXPECT_EQ(clock.now(2'500, Timestamp{9'999'999}), Timestamp{1'002'000});
}

TEST(LiveClock, OlderPacketsDoNotMoveItBack) {
  LiveClock clock;
  clock.saw_packets(Timestamp{1'000'000}, 0);
  clock.saw_packets(Timestamp{900'000}, 100);  // reordered across CPUs
  EXPECT_EQ(clock.now(100, Timestamp{}), Timestamp{1'000'100});
}

}  // namespace
}  // namespace tlsdiag::app
