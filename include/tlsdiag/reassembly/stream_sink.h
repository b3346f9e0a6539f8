#pragma once
// Reassembled bytes of one TCP connection, in order, per direction. Spans are valid only during
// the call; copy what you keep.
#include <cstdint>
#include <span>

#include "tlsdiag/reassembly/flow.h"

namespace tlsdiag::reassembly {

// The lifecycle events every stage after reassembly passes on.
class FlowLifecycleSink {
 public:
  virtual ~FlowLifecycleSink() = default;
  virtual void on_open(const FlowInfo& flow) = 0;
  virtual void on_tcp(FlowId flow, const TcpEvent& event) = 0;
  // missing_bytes of this direction will not be delivered: never captured, or (GapKind::GivenUp)
  // skipped when a reassembly buffer cap was hit. Bytes after them follow in on_data.
  virtual void on_gap(FlowId flow, Direction dir, std::uint64_t missing_bytes, GapKind kind, Timestamp ts) = 0;
  // Last event of a flow; nothing follows for this id.
  virtual void on_close(FlowId flow, CloseReason why, Timestamp ts, const FlowStats& stats) = 0;
  // The input is exhausted; every open flow has been closed before this.
  virtual void on_end(Timestamp last) = 0;
};

class StreamSink : public FlowLifecycleSink {
 public:
  // In-order payload. Returns false when this direction's bytes are no longer wanted (its
  // handshake is over): the reassembler then only counts them and stops buffering.
  virtual bool on_data(FlowId flow, Direction dir, std::span<const std::uint8_t> bytes,
                       Timestamp ts, std::uint64_t packet_number) = 0;
};

}  // namespace tlsdiag::reassembly
