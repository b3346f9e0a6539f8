// SignalWatch: SIGHUP asks for a reopen (once), SIGINT/SIGTERM for a stop, SIGPIPE is ignored,
// and a signal that arrived before the wait ends the wait at once.
#include "signal_watch.h"

#include <csignal>

#include <gtest/gtest.h>

namespace tlsdiag::app {
namespace {

TEST(SignalWatch, SighupAsksForOneReopen) {
  SignalWatch watch;
  EXPECT_FALSE(watch.take_reopen());
  std::raise(SIGHUP);
  std::raise(SIGHUP);  // folded into one
  EXPECT_TRUE(watch.take_reopen());
  EXPECT_FALSE(watch.take_reopen());
  EXPECT_FALSE(watch.stop_requested());
}

TEST(SignalWatch, SigtermAndSigintAskToStop) {
  for (int sig : {SIGTERM, SIGINT}) {
    SCOPED_TRACE(sig);
    SignalWatch watch;
    EXPECT_FALSE(watch.stop_requested());
    std::raise(sig);
    EXPECT_TRUE(watch.stop_requested());
    EXPECT_EQ(watch.stop_signal(), sig);
  }
}

TEST(SignalWatch, SigpipeIsIgnored) {
  SignalWatch watch;
  std::raise(SIGPIPE);  // would end the test binary otherwise
  EXPECT_FALSE(watch.stop_requested());
}

TEST(SignalWatch, ASignalBeforeTheWaitEndsItAtOnce) {
  SignalWatch watch;
  std::raise(SIGTERM);
  watch.wait_readable(-1, 60'000);  // returns without sleeping: the stop is already asked for
  EXPECT_TRUE(watch.stop_requested());
}

TEST(SignalWatch, RestoresThePreviousHandlers) {
  struct sigaction before {};
  sigaction(SIGHUP, nullptr, &before);
  { SignalWatch watch; }
  struct sigaction after {};
  sigaction(SIGHUP, nullptr, &after);
  EXPECT_EQ(before.sa_handler, after.sa_handler);
}

}  // namespace
}  // namespace tlsdiag::app
