#pragma once
// LiveClock: "now" for live mode's flow timeouts, on the packets' clock.
//
// The flow table stamps flows with packet times. After a burst the kernel buffer still holds
// packets whose times lie behind the wall clock; expiring flows on the wall clock would close
// flows whose next packets are already queued. So now = the newest packet's time plus the time
// (monotonic) that passed since it was read; it keeps running when no packet comes, so idle
// flows still time out. Before the first packet it is the wall clock.
#include <cstdint>

#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::app {

class LiveClock {
 public:
  // |newest| is the newest packet time read so far; |steady_ns| the monotonic time of reading it.
  void saw_packets(Timestamp newest, std::int64_t steady_ns) {
    if (started_ && newest <= newest_) return;
    newest_ = newest;
    read_at_ = steady_ns;
    started_ = true;
  }
  Timestamp now(std::int64_t steady_ns, Timestamp wall) const {
    if (!started_) return wall;
    return Timestamp{newest_.ns + (steady_ns - read_at_)};
  }

 private:
  Timestamp newest_;
  std::int64_t read_at_ = 0;
  bool started_ = false;
};

}  // namespace tlsdiag::app
