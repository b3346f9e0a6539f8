#pragma once
// Test fixture builders: frames made layer by layer, inside out.
//
//   Bytes frame = ethernet(kEtherTypeIpv4, ipv4({}, tcp({.flags = kSyn})));
//   Bytes frame = eth_ipv4_tcp({.src_port = 5555}, bytes("hello"));   // the same, with defaults
//
// Each builder takes the inner bytes and returns them with its header in front. ipv4() fills in
// the IPv4 header checksum; ipv4(), ipv6() and the *_fragments() helpers fill in the TCP checksum
// when the TCP segment is whole (after any IPv6 options-style extension headers), so tshark
// shows no checksum errors. Lengths are computed
// unless a spec overrides them (to build malformed packets). Defaults: 192.0.2.1:40000 ->
// 198.51.100.2:443 (2001:db8::1 -> 2001:db8::2), TTL 64, ACK, window 65535.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/net/tcp_segment.h"

namespace tlsdiag::test {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes(std::string_view text);  // the characters of |text|, e.g. a payload
Bytes cat(std::initializer_list<std::span<const std::uint8_t>> parts);

std::array<std::uint8_t, 4> ipv4_address(std::string_view dotted);  // "192.0.2.1"
std::array<std::uint8_t, 16> ipv6_address(std::string_view text);   // "2001:db8::1"
net::IpAddress ip(std::string_view text);  // either family, for expectations

// RFC 9293 §3.1. |options| are padded with zeros (EOL) to a multiple of 4 bytes.
struct TcpSpec {
  std::uint16_t src_port = 40000;
  std::uint16_t dst_port = 443;
  std::uint32_t seq = 1000;
  std::uint32_t ack = 0;
  std::uint8_t flags = net::tcp_flags::kAck;
  std::uint16_t window = 65535;
  Bytes options{};
  std::optional<std::uint8_t> data_offset{};  // in 32-bit words; default from the options
};
Bytes tcp(const TcpSpec& spec, std::span<const std::uint8_t> payload = {});

// RFC 791 §3.1. |options| are padded with zeros to a multiple of 4 bytes.
struct Ipv4Spec {
  std::string src = "192.0.2.1";
  std::string dst = "198.51.100.2";
  std::uint8_t ttl = 64;
  std::uint8_t protocol = 6;
  std::uint16_t identification = 0;
  bool dont_fragment = true;
  bool more_fragments = false;
  std::uint16_t fragment_offset = 0;  // bytes, a multiple of 8
  Bytes options{};
  std::optional<std::uint16_t> total_length{};  // default: header + payload
  std::optional<std::uint8_t> ihl{};            // default from the options
};
Bytes ipv4(const Ipv4Spec& spec, std::span<const std::uint8_t> payload);

// RFC 8200 §3. |payload| starts with any extension headers; next_header names the first.
struct Ipv6Spec {
  std::string src = "2001:db8::1";
  std::string dst = "2001:db8::2";
  std::uint8_t hop_limit = 64;
  std::uint8_t next_header = 6;
  std::optional<std::uint16_t> payload_length{};  // default: payload size
};
Bytes ipv6(const Ipv6Spec& spec, std::span<const std::uint8_t> payload);

// An options-style extension header (hop-by-hop 0, routing 43, destination options 60,
// mobility 135) of |length| bytes (a multiple of 8), padded with a PadN option, in front of
// |payload|. For AH (51) the length field is in 4-byte units (RFC 4302).
Bytes ipv6_extension(std::uint8_t type, std::uint8_t next_header, std::size_t length,
                     std::span<const std::uint8_t> payload);
// RFC 8200 §4.5 Fragment header in front of |payload|.
Bytes ipv6_fragment_header(std::uint8_t next_header, std::uint16_t offset, bool more,
                           std::uint32_t identification, std::span<const std::uint8_t> payload);

// Cuts |transport| (e.g. a tcp() segment; for IPv6 it may start with extension headers named by
// spec.next_header, which then belong to the fragmentable part) into IP packets of at most |chunk|
// payload bytes (rounded down to a multiple of 8), in order. IPv6 puts a Fragment header after the
// fixed header.
std::vector<Bytes> ipv4_fragments(Ipv4Spec spec, std::span<const std::uint8_t> transport,
                                  std::size_t chunk);
std::vector<Bytes> ipv6_fragments(const Ipv6Spec& spec, std::uint32_t identification,
                                  std::span<const std::uint8_t> transport, std::size_t chunk);

// Link layers.
struct VlanTag {
  std::uint16_t tpid = 0x8100;  // 0x8100 802.1Q, 0x88a8 802.1ad, 0x9100
  std::uint16_t tci = 0;        // priority, DEI, VLAN id
};
Bytes ethernet(std::uint16_t ethertype, std::span<const std::uint8_t> payload,
               const std::vector<VlanTag>& tags = {});
Bytes linux_sll(std::uint16_t protocol, std::span<const std::uint8_t> payload);
Bytes linux_sll2(std::uint16_t protocol, std::span<const std::uint8_t> payload);
Bytes bsd_null(std::uint32_t af, std::span<const std::uint8_t> payload, bool little_endian = true);
Bytes bsd_loop(std::uint32_t af, std::span<const std::uint8_t> payload);

// |ip_packet| (IPv4 or IPv6, by its version nibble) framed for |link_type| (capture::link_type).
Bytes frame(int link_type, std::span<const std::uint8_t> ip_packet);

// Whole Ethernet frames.
Bytes eth_ipv4_tcp(const TcpSpec& tcp_spec = {}, std::span<const std::uint8_t> payload = {},
                   const Ipv4Spec& ip_spec = {});
Bytes eth_ipv6_tcp(const TcpSpec& tcp_spec = {}, std::span<const std::uint8_t> payload = {},
                   const Ipv6Spec& ip_spec = {});

}  // namespace tlsdiag::test
