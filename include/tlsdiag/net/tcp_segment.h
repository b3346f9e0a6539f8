#pragma once
// Segment: one decoded TCP segment with the IP facts the later stages need. The payload view is
// valid only during the SegmentSink call.
#include <cstdint>
#include <span>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::net {

namespace tcp_flags {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
inline constexpr std::uint8_t kUrg = 0x20;
}  // namespace tcp_flags

struct Segment {
  Endpoint src;
  Endpoint dst;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 0;
  std::uint8_t ttl = 0;                   // IPv4 TTL or IPv6 hop limit
  std::span<const std::uint8_t> payload;  // the captured part of the TCP payload
  std::uint32_t payload_len = 0;          // payload length per the IP header (>= payload.size())
  Timestamp ts;
  std::uint64_t packet_number = 0;
  bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
  bool truncated() const { return payload_len > payload.size(); }
};

}  // namespace tlsdiag::net
