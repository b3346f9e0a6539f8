#include "tlsdiag/net/link_decoder.h"

#include "tlsdiag/capture/link_types.h"

namespace tlsdiag::net {
namespace {

namespace lt = capture::link_type;

// BSD AF_ values (https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html): AF_INET is 2
// everywhere; AF_INET6 is 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD), 30 (Darwin).
constexpr std::uint32_t kBsdAfInet = 2;
constexpr std::uint32_t kBsdAfInet6Bsd = 24;
constexpr std::uint32_t kBsdAfInet6FreeBsd = 28;
constexpr std::uint32_t kBsdAfInet6Darwin = 30;

// PPP protocol numbers (RFC 1332, RFC 5072).
constexpr std::uint16_t kPppIpv4 = 0x0021;
constexpr std::uint16_t kPppIpv6 = 0x0057;

// RFC 2516 §4 PPPoE session header, then the PPP protocol field (RFC 1661 §2). The PPPoE length
// bounds what follows, as the frame's own length would: bytes after it are padding.
NetworkLayer pppoe_session(ByteReader& r) {
  std::uint16_t length = 0, protocol = 0;
  r.skip(1);  // version, type
  r.skip(1);  // code: 0 in a session
  r.skip(2);  // session id
  r.read_u16(length);
  if (!r.read_u16(protocol)) return NetworkLayer::Short;
  if (length >= 2 && length - 2u <= r.remaining()) {
    ByteReader body;
    r.sub(length - 2u, body);
    r = body;
  }
  if (protocol == kPppIpv4) return NetworkLayer::Ipv4;
  if (protocol == kPppIpv6) return NetworkLayer::Ipv6;
  return NetworkLayer::NotIp;  // LCP, IPCP, ...
}

// An EtherType, after stepping over any VLAN tags that follow it.
NetworkLayer from_ethertype(std::uint16_t type, ByteReader& r) {
  while (type == kEtherTypeVlan || type == kEtherTypeQinQ || type == kEtherTypeQinQLegacy) {
    r.skip(2);  // TCI: priority, DEI, VLAN id
    if (!r.read_u16(type)) return NetworkLayer::Short;
  }
  if (type == kEtherTypePppoeSession) return pppoe_session(r);
  if (type == kEtherTypeIpv4) return NetworkLayer::Ipv4;
  if (type == kEtherTypeIpv6) return NetworkLayer::Ipv6;
  return NetworkLayer::NotIp;  // includes 802.3 length fields (<= 1500)
}

NetworkLayer from_ip_version(const ByteReader& r) {
  std::uint8_t first = 0;
  if (!r.peek_u8(first)) return NetworkLayer::Short;
  if (first >> 4 == 4) return NetworkLayer::Ipv4;
  if (first >> 4 == 6) return NetworkLayer::Ipv6;
  return NetworkLayer::NotIp;
}

NetworkLayer from_bsd_af(std::uint32_t af) {
  if (af == kBsdAfInet) return NetworkLayer::Ipv4;
  if (af == kBsdAfInet6Bsd || af == kBsdAfInet6FreeBsd || af == kBsdAfInet6Darwin) {
    return NetworkLayer::Ipv6;
  }
  return NetworkLayer::NotIp;
}

// IEEE 802.3 Ethernet II: destination, source, EtherType.
NetworkLayer ethernet(ByteReader& r) {
  std::uint16_t type = 0;
  r.skip(6);  // destination MAC
  r.skip(6);  // source MAC
  if (!r.read_u16(type)) return NetworkLayer::Short;
  return from_ethertype(type, r);
}

// https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
NetworkLayer linux_sll(ByteReader& r) {
  std::uint16_t protocol = 0;
  r.skip(2);  // packet type
  r.skip(2);  // ARPHRD_ type
  r.skip(2);  // link-layer address length
  r.skip(8);  // link-layer address, padded
  if (!r.read_u16(protocol)) return NetworkLayer::Short;
  return from_ethertype(protocol, r);
}

// https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
NetworkLayer linux_sll2(ByteReader& r) {
  std::uint16_t protocol = 0;
  r.read_u16(protocol);
  r.skip(2);  // reserved
  r.skip(4);  // interface index
  r.skip(2);  // ARPHRD_ type
  r.skip(1);  // packet type
  r.skip(1);  // link-layer address length
  r.skip(8);  // link-layer address, padded
  if (r.failed()) return NetworkLayer::Short;
  return from_ethertype(protocol, r);
}

// LINKTYPE_NULL: the AF_ value in the capturing host's byte order. AF_ values are small, so a
// value with high bits set was written little-endian.
NetworkLayer bsd_null(ByteReader& r) {
  std::uint32_t af = 0;
  if (!r.read_u32(af)) return NetworkLayer::Short;
  if (af > 0xffff) af = __builtin_bswap32(af);
  return from_bsd_af(af);
}

// LINKTYPE_LOOP: like NULL, but always network byte order.
NetworkLayer bsd_loop(ByteReader& r) {
  std::uint32_t af = 0;
  if (!r.read_u32(af)) return NetworkLayer::Short;
  return from_bsd_af(af);
}

}  // namespace

NetworkLayer decode_link(int link_type, ByteReader& frame) {
  switch (link_type) {
    case lt::kEthernet: return ethernet(frame);
    case lt::kLinuxSll: return linux_sll(frame);
    case lt::kLinuxSll2: return linux_sll2(frame);
    case lt::kNull: return bsd_null(frame);
    case lt::kLoop: return bsd_loop(frame);
    case lt::kRaw:
    case lt::kDltRaw:
    case lt::kDltRawOpenBsd: return from_ip_version(frame);
    case lt::kIpv4: return frame.remaining() == 0 ? NetworkLayer::Short : NetworkLayer::Ipv4;
    case lt::kIpv6: return frame.remaining() == 0 ? NetworkLayer::Short : NetworkLayer::Ipv6;
    default: return NetworkLayer::Unsupported;
  }
}

}  // namespace tlsdiag::net
