#pragma once
// DecodeStats: what PacketDecoder saw, for the report's capture summary.
//
// Every packet lands in exactly one of unsupported_link, non_ip, non_tcp, tcp_packets,
// ip_fragments, truncated_headers or malformed. A datagram rebuilt from fragments counts once
// in ip_reassembled and then once more, like a packet, in non_tcp, tcp_packets or malformed:
//   packets + ip_reassembled == unsupported_link + non_ip + non_tcp + tcp_packets +
//                               ip_fragments + truncated_headers + malformed
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tlsdiag::net {

// Why a packet could not be decoded. The header that was wrong names the kind.
enum class MalformedKind : std::uint8_t {
  ShortLinkHeader,   // frame shorter than its link-layer header
  BadIpv4Header,     // version, header length, or header cut short though the frame was not
  BadIpv6Header,     // version, or fixed header cut short though the frame was not
  BadIpv6Extension,  // extension header running past the IPv6 payload
  BadTcpHeader,      // data offset < 5 or past the segment
  BadIpLength,       // IP total length shorter than the IP header
  BadIpFragment,     // fragment past 65535 bytes, or a non-final one not a multiple of 8 bytes
  kCount
};

inline constexpr std::size_t kMalformedKindCount = static_cast<std::size_t>(MalformedKind::kCount);

inline constexpr std::array<std::string_view, kMalformedKindCount> kMalformedKindNames = {
    "short_link_header", "bad_ipv4_header", "bad_ipv6_header", "bad_ipv6_extension",
    "bad_tcp_header",    "bad_ip_length",   "bad_ip_fragment",
};

constexpr std::string_view malformed_kind_name(MalformedKind kind) {
  return kMalformedKindNames[static_cast<std::size_t>(kind)];
}

// All kinds in declaration order: for (MalformedKind k : kMalformedKinds) ...
inline constexpr std::array<MalformedKind, kMalformedKindCount> kMalformedKinds = [] {
  std::array<MalformedKind, kMalformedKindCount> kinds{};
  for (std::size_t i = 0; i < kMalformedKindCount; ++i) kinds[i] = static_cast<MalformedKind>(i);
  return kinds;
}();

struct DecodeStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;       // captured bytes
  std::uint64_t wire_bytes = 0;  // bytes on the wire
  // Categories: each packet is counted in exactly one.
  std::uint64_t unsupported_link = 0;   // link type the decoder does not know
  std::uint64_t non_ip = 0;             // ARP, LLDP, 802.3 length frames, ...
  std::uint64_t non_tcp = 0;            // IP but not TCP (UDP, ICMP, ESP, ...)
  std::uint64_t tcp_packets = 0;        // handed on as a Segment
  std::uint64_t ip_fragments = 0;       // IPv4 or IPv6 fragments (each packet)
  std::uint64_t truncated_headers = 0;  // snapshot length ended inside the link, IP or TCP header
  std::uint64_t malformed = 0;          // sum of malformed_by_kind
  std::array<std::uint64_t, kMalformedKindCount> malformed_by_kind{};
  // Annotations: these packets are also counted in one of the categories.
  std::uint64_t truncated_packets = 0;  // cut by the snapshot length (caplen < len)
  std::uint64_t ip_length_clamped = 0;  // IP length past the end of the frame on the wire: trimmed
  // Fragment reassembly (FragmentTable), per datagram.
  std::uint64_t ip_reassembled = 0;         // datagrams rebuilt from fragments
  std::uint64_t ip_reassembly_dropped = 0;  // given up: timeout, table full, a fragment cut by the
                                            // snapshot length, or incomplete at the end

  std::uint64_t malformed_count(MalformedKind kind) const {
    return malformed_by_kind[static_cast<std::size_t>(kind)];
  }
};

}  // namespace tlsdiag::net
