#pragma once
// parse_ipv4: the IPv4 header (RFC 791 §3.1) and the bounds of its payload.
//
// Options are skipped, the checksum is not verified (loopback captures carry offloaded,
// unfilled checksums). Link-layer padding after total_length is trimmed. A total_length of 0 is
// taken as "whatever was captured" (segmentation offload: the NIC fills it in later).
// Errors: Truncated (header runs past the bytes given), BadVersion, BadHeader (IHL < 5),
// BadLength (total_length shorter than the header).
#include <cstdint>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/util/byte_reader.h"
#include "tlsdiag/util/result.h"

namespace tlsdiag::net {

inline constexpr std::uint8_t kIpProtoTcp = 6;

struct Ipv4Packet {
  IpAddress src;
  IpAddress dst;
  std::uint8_t ttl = 0;
  std::uint8_t protocol = 0;
  std::uint16_t identification = 0;
  std::uint16_t header_length = 0;    // bytes, 20..60
  std::uint16_t fragment_offset = 0;  // bytes (the field is in 8-byte units)
  bool dont_fragment = false;
  bool more_fragments = false;
  ByteReader payload;                // captured part of the payload, padding trimmed
  std::uint32_t payload_length = 0;  // per total_length; > payload.remaining() when cut short
  bool length_from_capture = false;   // total_length was 0: payload_length is what was captured

  bool is_fragment() const { return more_fragments || fragment_offset != 0; }
};

// |r| is left past the packet (its payload is Ipv4Packet::payload).
Result<Ipv4Packet> parse_ipv4(ByteReader& r);

}  // namespace tlsdiag::net
