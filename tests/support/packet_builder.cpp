#include "support/packet_builder.h"

#include <arpa/inet.h>

#include <algorithm>
#include <stdexcept>

#include "tlsdiag/capture/link_types.h"

namespace tlsdiag::test {
namespace {

void put_u8(Bytes& out, std::uint32_t v) { out.push_back(static_cast<std::uint8_t>(v)); }
void put_u16(Bytes& out, std::uint32_t v) {
  put_u8(out, v >> 8);
  put_u8(out, v);
}
void put_u32(Bytes& out, std::uint32_t v) {
  put_u16(out, v >> 16);
  put_u16(out, v);
}
void put(Bytes& out, std::span<const std::uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); }
void set_u16(Bytes& out, std::size_t at, std::uint32_t v) {
  out[at] = static_cast<std::uint8_t>(v >> 8);
  out[at + 1] = static_cast<std::uint8_t>(v);
}

Bytes padded(Bytes b, std::size_t multiple) {
  while (b.size() % multiple != 0) b.push_back(0);
  return b;
}

// RFC 1071 one's-complement sum, not yet folded.
std::uint32_t sum16(std::span<const std::uint8_t> b, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < b.size(); i += 2)
    sum += static_cast<std::uint32_t>(b[i] << 8 | b[i + 1]);
  if (b.size() % 2 != 0) sum += static_cast<std::uint32_t>(b.back() << 8);
  return sum;
}
std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

// RFC 9293 §3.1: the TCP checksum of |segment| under the pseudo-header of |src| and |dst|.
void fill_tcp_checksum(std::span<std::uint8_t> segment, std::span<const std::uint8_t> src,
                       std::span<const std::uint8_t> dst) {
  if (segment.size() < 20) return;
  segment[16] = segment[17] = 0;
  const std::uint32_t pseudo =
      sum16(src) + sum16(dst) + 6 + static_cast<std::uint32_t>(segment.size());
  const std::uint16_t sum = fold(sum16(segment, pseudo));
  segment[16] = static_cast<std::uint8_t>(sum >> 8);
  segment[17] = static_cast<std::uint8_t>(sum);
}

// Where TCP starts in |bytes|, which begin with header |type|, stepping over options-style
// IPv6 extension headers; nullopt when something else (a Fragment header, UDP, ...) is in the way.
std::optional<std::size_t> tcp_offset(std::uint8_t type, std::span<const std::uint8_t> bytes) {
  std::size_t at = 0;
  while (type == 0 || type == 43 || type == 60 || type == 135) {
    if (bytes.size() < at + 2) return std::nullopt;
    type = bytes[at];
    at += (bytes[at + 1] + 1u) * 8;
  }
  if (type != 6 || at > bytes.size()) return std::nullopt;
  return at;
}

}  // namespace

Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes cat(std::initializer_list<std::span<const std::uint8_t>> parts) {
  Bytes out;
  for (auto part : parts) put(out, part);
  return out;
}

std::array<std::uint8_t, 4> ipv4_address(std::string_view dotted) {
  std::array<std::uint8_t, 4> out{};
  if (inet_pton(AF_INET, std::string(dotted).c_str(), out.data()) != 1) {
    throw std::invalid_argument("bad IPv4 address: " + std::string(dotted));
  }
  return out;
}

std::array<std::uint8_t, 16> ipv6_address(std::string_view text) {
  std::array<std::uint8_t, 16> out{};
  if (inet_pton(AF_INET6, std::string(text).c_str(), out.data()) != 1) {
    throw std::invalid_argument("bad IPv6 address: " + std::string(text));
  }
  return out;
}

net::IpAddress ip(std::string_view text) {
  net::IpAddress out;
  if (text.find(':') != std::string_view::npos) {
    const auto a = ipv6_address(text);
    std::copy(a.begin(), a.end(), out.bytes.begin());
    out.family = 6;
  } else {
    const auto a = ipv4_address(text);
    std::copy(a.begin(), a.end(), out.bytes.begin());
    out.family = 4;
  }
  return out;
}

Bytes tcp(const TcpSpec& spec, std::span<const std::uint8_t> payload) {
  const Bytes options = padded(spec.options, 4);
  const auto words = spec.data_offset.value_or(static_cast<std::uint8_t>(5 + options.size() / 4));
  Bytes out;
  put_u16(out, spec.src_port);
  put_u16(out, spec.dst_port);
  put_u32(out, spec.seq);
  put_u32(out, spec.ack);
  put_u8(out, static_cast<std::uint32_t>(words) << 4);  // data offset, reserved
  put_u8(out, spec.flags);
  put_u16(out, spec.window);
  put_u16(out, 0);  // checksum: filled in by ipv4()/ipv6()
  put_u16(out, 0);  // urgent pointer
  put(out, options);
  put(out, payload);
  return out;
}

Bytes ipv4(const Ipv4Spec& spec, std::span<const std::uint8_t> payload) {
  const Bytes options = padded(spec.options, 4);
  const std::size_t header = 20 + options.size();
  const auto ihl = spec.ihl.value_or(static_cast<std::uint8_t>(header / 4));
  const auto src = ipv4_address(spec.src);
  const auto dst = ipv4_address(spec.dst);
  Bytes out;
  put_u8(out, 0x40u | (ihl & 0x0fu));
  put_u8(out, 0);  // DSCP, ECN
  put_u16(out, spec.total_length.value_or(static_cast<std::uint16_t>(header + payload.size())));
  put_u16(out, spec.identification);
  put_u16(out, (spec.dont_fragment ? 0x4000u : 0u) | (spec.more_fragments ? 0x2000u : 0u) |
                   (spec.fragment_offset / 8u));
  put_u8(out, spec.ttl);
  put_u8(out, spec.protocol);
  put_u16(out, 0);  // header checksum, below
  put(out, src);
  put(out, dst);
  put(out, options);
  set_u16(out, 10, fold(sum16(out)));
  put(out, payload);
  if (spec.protocol == 6 && !spec.more_fragments && spec.fragment_offset == 0) {
    fill_tcp_checksum(std::span(out).subspan(header), src, dst);
  }
  return out;
}

Bytes ipv6(const Ipv6Spec& spec, std::span<const std::uint8_t> payload) {
  const auto src = ipv6_address(spec.src);
  const auto dst = ipv6_address(spec.dst);
  Bytes out;
  put_u32(out, 0x60000000);  // version 6, traffic class 0, flow label 0
  put_u16(out, spec.payload_length.value_or(static_cast<std::uint16_t>(payload.size())));
  put_u8(out, spec.next_header);
  put_u8(out, spec.hop_limit);
  put(out, src);
  put(out, dst);
  put(out, payload);
  if (const auto at = tcp_offset(spec.next_header, payload)) {
    fill_tcp_checksum(std::span(out).subspan(40 + *at), src, dst);
  }
  return out;
}

Bytes ipv6_extension(std::uint8_t type, std::uint8_t next_header, std::size_t length,
                     std::span<const std::uint8_t> payload) {
  if (length < 8 || length % 8 != 0) throw std::invalid_argument("extension length must be 8k");
  Bytes out;
  put_u8(out, next_header);
  put_u8(out, static_cast<std::uint32_t>(type == 51 ? length / 4 - 2 : length / 8 - 1));
  // PadN option (type 1) covering the rest: RFC 8200 §4.2.
  put_u8(out, 1);
  put_u8(out, static_cast<std::uint32_t>(length - 4));
  out.resize(length, 0);
  put(out, payload);
  return out;
}

Bytes ipv6_fragment_header(std::uint8_t next_header, std::uint16_t offset, bool more,
                           std::uint32_t identification, std::span<const std::uint8_t> payload) {
  Bytes out;
  put_u8(out, next_header);
  put_u8(out, 0);  // reserved
  put_u16(out, (offset & 0xfff8u) | (more ? 1u : 0u));
  put_u32(out, identification);
  put(out, payload);
  return out;
}

std::vector<Bytes> ipv4_fragments(Ipv4Spec spec, std::span<const std::uint8_t> transport,
                                  std::size_t chunk) {
  chunk = std::max<std::size_t>(8, chunk / 8 * 8);
  Bytes whole(transport.begin(), transport.end());
  if (spec.protocol == 6) fill_tcp_checksum(whole, ipv4_address(spec.src), ipv4_address(spec.dst));
  transport = whole;
  std::vector<Bytes> out;
  spec.dont_fragment = false;
  for (std::size_t at = 0; at < transport.size(); at += chunk) {
    const std::size_t n = std::min(chunk, transport.size() - at);
    spec.fragment_offset = static_cast<std::uint16_t>(at);
    spec.more_fragments = at + n < transport.size();
    out.push_back(ipv4(spec, transport.subspan(at, n)));
  }
  return out;
}

std::vector<Bytes> ipv6_fragments(const Ipv6Spec& spec, std::uint32_t identification,
                                  std::span<const std::uint8_t> transport, std::size_t chunk) {
  chunk = std::max<std::size_t>(8, chunk / 8 * 8);
  Bytes whole(transport.begin(), transport.end());
  if (const auto at = tcp_offset(spec.next_header, whole)) {
    fill_tcp_checksum(std::span(whole).subspan(*at), ipv6_address(spec.src),
                      ipv6_address(spec.dst));
  }
  transport = whole;
  std::vector<Bytes> out;
  Ipv6Spec outer = spec;
  outer.next_header = 44;
  for (std::size_t at = 0; at < transport.size(); at += chunk) {
    const std::size_t n = std::min(chunk, transport.size() - at);
    const bool more = at + n < transport.size();
    out.push_back(
        ipv6(outer, ipv6_fragment_header(spec.next_header, static_cast<std::uint16_t>(at), more,
                                         identification, transport.subspan(at, n))));
  }
  return out;
}

Bytes ethernet(std::uint16_t ethertype, std::span<const std::uint8_t> payload,
               const std::vector<VlanTag>& tags) {
  Bytes out = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02,   // destination MAC
               0x02, 0x00, 0x00, 0x00, 0x00, 0x01};  // source MAC
  for (const VlanTag& tag : tags) {
    put_u16(out, tag.tpid);
    put_u16(out, tag.tci);
  }
  put_u16(out, ethertype);
  put(out, payload);
  return out;
}

Bytes linux_sll(std::uint16_t protocol, std::span<const std::uint8_t> payload) {
  Bytes out;
  put_u16(out, 0);  // packet type: to us
  put_u16(out, 1);  // ARPHRD_ETHER
  put_u16(out, 6);  // address length
  put(out, std::array<std::uint8_t, 8>{0x02, 0, 0, 0, 0, 0x01, 0, 0});
  put_u16(out, protocol);
  put(out, payload);
  return out;
}

Bytes linux_sll2(std::uint16_t protocol, std::span<const std::uint8_t> payload) {
  Bytes out;
  put_u16(out, protocol);
  put_u16(out, 0);  // reserved
  put_u32(out, 1);  // interface index
  put_u16(out, 1);  // ARPHRD_ETHER
  put_u8(out, 0);   // packet type: to us
  put_u8(out, 6);   // address length
  put(out, std::array<std::uint8_t, 8>{0x02, 0, 0, 0, 0, 0x01, 0, 0});
  put(out, payload);
  return out;
}

Bytes bsd_null(std::uint32_t af, std::span<const std::uint8_t> payload, bool little_endian) {
  Bytes out;
  if (little_endian) {
    for (int i = 0; i < 4; ++i) put_u8(out, af >> (8 * i));
  } else {
    put_u32(out, af);
  }
  put(out, payload);
  return out;
}

Bytes bsd_loop(std::uint32_t af, std::span<const std::uint8_t> payload) {
  return bsd_null(af, payload, false);
}

Bytes frame(int link_type, std::span<const std::uint8_t> ip_packet) {
  namespace lt = capture::link_type;
  const bool v6 = !ip_packet.empty() && ip_packet[0] >> 4 == 6;
  const std::uint16_t ethertype = v6 ? 0x86dd : 0x0800;
  switch (link_type) {
    case lt::kEthernet: return ethernet(ethertype, ip_packet);
    case lt::kLinuxSll: return linux_sll(ethertype, ip_packet);
    case lt::kLinuxSll2: return linux_sll2(ethertype, ip_packet);
    case lt::kNull: return bsd_null(v6 ? 30 : 2, ip_packet);
    case lt::kLoop: return bsd_loop(v6 ? 24 : 2, ip_packet);
    case lt::kRaw:
    case lt::kDltRaw:
    case lt::kDltRawOpenBsd:
    case lt::kIpv4:
    case lt::kIpv6: return Bytes(ip_packet.begin(), ip_packet.end());
    default: throw std::invalid_argument("frame(): link type " + std::to_string(link_type));
  }
}

Bytes eth_ipv4_tcp(const TcpSpec& tcp_spec, std::span<const std::uint8_t> payload,
                   const Ipv4Spec& ip_spec) {
  return ethernet(0x0800, ipv4(ip_spec, tcp(tcp_spec, payload)));
}

Bytes eth_ipv6_tcp(const TcpSpec& tcp_spec, std::span<const std::uint8_t> payload,
                   const Ipv6Spec& ip_spec) {
  return ethernet(0x86dd, ipv6(ip_spec, tcp(tcp_spec, payload)));
}

}  // namespace tlsdiag::test
