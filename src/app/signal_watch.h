#pragma once
// SignalWatch: live mode's signals. SIGINT and SIGTERM ask the capture to stop (it then closes
// the open flows and writes the summary), SIGHUP asks it to reopen its output files (log
// rotation). SIGPIPE is ignored, so a reader that went away shows up as EPIPE from write(2).
//
// The handlers only set flags; the capture loop reads them between batches of packets, and
// wait_readable() sleeps in ppoll() with the three signals blocked until the sleep starts, so
// one that arrives just before it still wakes it (no lost wake-up until the timeout).
// The flags are process-wide (a signal handler can reach nothing else): one SignalWatch at a
// time. The destructor puts the previous handlers back.
#include <csignal>

namespace tlsdiag::app {

class SignalWatch {
 public:
  SignalWatch();
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  bool stop_requested() const;
  // The signal that asked to stop (SIGINT or SIGTERM), 0 if none.
  int stop_signal() const;
  // True once per SIGHUP received since the last call (several SIGHUPs may fold into one).
  bool take_reopen();
  // Returns when |fd| is readable, a watched signal arrived or timeout_ms passed (-1: no fd).
  void wait_readable(int fd, int timeout_ms) const;

 private:
  struct sigaction old_int_ {}, old_term_ {}, old_hup_ {}, old_pipe_ {};
};

}  // namespace tlsdiag::app
