#pragma once
#include "tlsdiag/capture/packet.h"

namespace tlsdiag::capture {

// PacketSink: receives packets in capture order, then on_end once when the input is exhausted
// (or stopped), with the timestamp of the last packet read.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  virtual void on_packet(const Packet& packet) = 0;
  virtual void on_end(Timestamp last) = 0;
};

}  // namespace tlsdiag::capture
