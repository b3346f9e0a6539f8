#include "signal_watch.h"

#include <poll.h>

#include <ctime>

namespace tlsdiag::app {

namespace {

// Written only by the handlers, read by the loop: the only mutable statics in tlsdiag, because
// a signal handler can reach nothing else.
volatile std::sig_atomic_t g_stop_signal = 0;
volatile std::sig_atomic_t g_reopen = 0;

extern "C" void on_stop(int sig) { g_stop_signal = sig; }
extern "C" void on_hup(int) { g_reopen = 1; }

void install(int sig, void (*handler)(int), struct sigaction& old) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a signal interrupts poll() at once
  sigaction(sig, &sa, &old);
}

sigset_t watched() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

SignalWatch::SignalWatch() {
  g_stop_signal = 0;
  g_reopen = 0;
  install(SIGINT, on_stop, old_int_);
  install(SIGTERM, on_stop, old_term_);
  install(SIGHUP, on_hup, old_hup_);
  install(SIGPIPE, SIG_IGN, old_pipe_);
}

SignalWatch::~SignalWatch() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  sigaction(SIGHUP, &old_hup_, nullptr);
  sigaction(SIGPIPE, &old_pipe_, nullptr);
}

bool SignalWatch::stop_requested() const { return g_stop_signal != 0; }

int SignalWatch::stop_signal() const { return g_stop_signal; }

bool SignalWatch::take_reopen() {
  if (g_reopen == 0) return false;
  g_reopen = 0;
  return true;
}

void SignalWatch::wait_readable(int fd, int timeout_ms) const {
  const sigset_t set = watched();
  sigset_t during;
  // Block the signals while checking the flags; ppoll() unblocks them (|during|, the mask we
  // had) atomically as it starts sleeping, so none is missed in between.
  pthread_sigmask(SIG_BLOCK, &set, &during);
  if (g_stop_signal == 0 && g_reopen == 0) {
    pollfd pfd{fd, POLLIN, 0};
    const timespec timeout{timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1'000'000};
    ppoll(&pfd, fd >= 0 ? 1 : 0, &timeout, &during);
  }
  pthread_sigmask(SIG_SETMASK, &during, nullptr);
}

}  // namespace tlsdiag::app
