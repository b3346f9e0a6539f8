#pragma once
// parse_ipv6 / walk_ipv6_extensions: the IPv6 header (RFC 8200 §3) and its extension chain.
//
// parse_ipv6 reads the fixed 40 bytes; walk_ipv6_extensions then steps over hop-by-hop (0),
// routing (43), destination options (60), mobility (135) and AH (51, RFC 4302) headers until an
// upper-layer protocol, or until a Fragment header (44) that starts a real fragment. An atomic
// fragment (offset 0, M=0, RFC 6946) is stepped over like any other extension. ESP (50) and
// No Next Header (59) end the chain: what follows cannot be read.
// A payload_length of 0 (jumbogram, or segmentation offload) is taken as "whatever was captured".
#include <cstdint>
#include <optional>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/util/byte_reader.h"
#include "tlsdiag/util/result.h"

namespace tlsdiag::net {

struct Ipv6Packet {
  IpAddress src;
  IpAddress dst;
  std::uint8_t hop_limit = 0;
  std::uint8_t next_header = 0;      // first header after the fixed header
  ByteReader payload;                // captured part of the payload (extension headers included)
  std::uint32_t payload_length = 0;  // per payload_length; > payload.remaining() when cut short
  bool length_from_capture = false;   // payload_length was 0: payload_length is what was captured
};

// Errors: Truncated (fewer than 40 bytes), BadVersion.
Result<Ipv6Packet> parse_ipv6(ByteReader r);

struct Ipv6Fragment {
  std::uint32_t identification = 0;
  std::uint16_t offset = 0;  // bytes
  bool more = false;
};

struct Ipv6Chain {
  std::uint8_t protocol = 0;             // upper-layer protocol (or 44's next header)
  std::optional<Ipv6Fragment> fragment;  // set when |payload| is a fragment's data
  std::uint32_t consumed = 0;            // bytes of extension headers stepped over
};

// Steps over the extension headers at the front of |payload|, which starts with header type
// |next_header| and is |payload_length| bytes long per the IP header (more than
// payload.remaining() when the capture cut it). On success |payload| is left at the upper-layer
// header (or the fragment data). Errors: Truncated (the capture ended inside the chain),
// BadExtension (a header runs past payload_length).
Result<Ipv6Chain> walk_ipv6_extensions(std::uint8_t next_header, ByteReader& payload,
                                       std::uint32_t payload_length);

}  // namespace tlsdiag::net
