#pragma once
#include "tlsdiag/net/tcp_segment.h"

namespace tlsdiag::net {

// SegmentSink: receives TCP segments in capture order, then on_end once.
class SegmentSink {
 public:
  virtual ~SegmentSink() = default;
  virtual void on_segment(const Segment& segment) = 0;
  virtual void on_end(Timestamp last) = 0;
};

}  // namespace tlsdiag::net
