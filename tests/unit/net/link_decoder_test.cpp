#include "tlsdiag/net/link_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tlsdiag/capture/link_types.h"

namespace tlsdiag::net {
namespace {

namespace lt = capture::link_type;
using Bytes = std::vector<std::uint8_t>;

struct LinkCase {
  std::string name;
  int link_type;
  Bytes frame;          // link header, then the first byte(s) of what follows
  NetworkLayer expect;
  std::size_t offset;   // where the network header starts
};

std::vector<LinkCase> link_cases() {
  return {
      {"ethernet ipv4", lt::kEthernet,
       {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,  // destination MAC
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,  // source MAC
        0x08, 0x00,                          // EtherType: IPv4
        0x45},                               // IP version 4, IHL 5
       NetworkLayer::Ipv4, 14},
      {"ethernet 802.1Q ipv6", lt::kEthernet,
       {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,  // destination MAC
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,  // source MAC
        0x81, 0x00,                          // TPID: 802.1Q
        0x20, 0x0a,                          // TCI: priority 1, VLAN 10
        0x86, 0xdd,                          // EtherType: IPv6
        0x60},                               // IP version 6
       NetworkLayer::Ipv6, 18},
      {"ethernet QinQ 802.1ad + 802.1Q", lt::kEthernet,
       {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,  // destination MAC
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,  // source MAC
        0x88, 0xa8,                          // TPID: 802.1ad service tag
        0x00, 0x64,                          // TCI: VLAN 100
        0x81, 0x00,                          // TPID: 802.1Q customer tag
        0x00, 0xc8,                          // TCI: VLAN 200
        0x08, 0x00,                          // EtherType: IPv4
        0x45},
       NetworkLayer::Ipv4, 22},
      {"ethernet three tags incl. 0x9100", lt::kEthernet,
       {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,  // destination MAC
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,  // source MAC
        0x91, 0x00,                          // TPID: pre-standard QinQ
        0x00, 0x01,                          // TCI: VLAN 1
        0x88, 0xa8,                          // TPID: 802.1ad
        0x00, 0x02,                          // TCI: VLAN 2
        0x81, 0x00,                          // TPID: 802.1Q
        0x00, 0x03,                          // TCI: VLAN 3
        0x86, 0xdd,                          // EtherType: IPv6
        0x60},
       NetworkLayer::Ipv6, 26},
      {"ethernet ARP", lt::kEthernet,
       {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,  // destination MAC
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,  // source MAC
        0x08, 0x06,                          // EtherType: ARP
        0x00},
       NetworkLayer::NotIp, 14},
      {"ethernet 802.3 length frame", lt::kEthernet,
       {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00,  // destination MAC: STP
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,  // source MAC
        0x00, 0x26,                          // length 38 (<= 1500: not an EtherType)
        0x42},                               // LLC DSAP
       NetworkLayer::NotIp, 14},
      {"ethernet PPPoE session ipv4", lt::kEthernet,
       {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,  // destination MAC
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,  // source MAC
        0x88, 0x64,                          // EtherType: PPPoE session
        0x11,                                // version 1, type 1
        0x00,                                // code: session data
        0x0f, 0x07,                          // session id
        0x00, 0x03,                          // length: PPP protocol + 1 byte
        0x00, 0x21,                          // PPP protocol: IPv4
        0x45,                                // IP version 4
        0x00, 0x00},                         // padding past the PPPoE length
       NetworkLayer::Ipv4, 22},
      {"ethernet PPPoE LCP", lt::kEthernet,
       {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,  // destination MAC
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,  // source MAC
        0x88, 0x64,                          // EtherType: PPPoE session
        0x11, 0x00, 0x0f, 0x07,              // version/type, code, session id
        0x00, 0x03,                          // length
        0xc0, 0x21,                          // PPP protocol: LCP
        0x01},
       NetworkLayer::NotIp, 22},
      {"linux cooked v1", lt::kLinuxSll,
       {0x00, 0x00,                          // packet type: to us
        0x00, 0x01,                          // ARPHRD_ETHER
        0x00, 0x06,                          // address length
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // address
        0x00, 0x00,                          // address padding
        0x08, 0x00,                          // protocol: IPv4
        0x45},
       NetworkLayer::Ipv4, 16},
      {"linux cooked v1 with VLAN tag", lt::kLinuxSll,
       {0x00, 0x04,                          // packet type: outgoing
        0x00, 0x01,                          // ARPHRD_ETHER
        0x00, 0x06,                          // address length
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // address
        0x00, 0x00,                          // address padding
        0x81, 0x00,                          // protocol: 802.1Q
        0x00, 0x05,                          // TCI: VLAN 5
        0x86, 0xdd,                          // EtherType: IPv6
        0x60},
       NetworkLayer::Ipv6, 20},
      {"linux cooked v2", lt::kLinuxSll2,
       {0x86, 0xdd,                          // protocol: IPv6
        0x00, 0x00,                          // reserved
        0x00, 0x00, 0x00, 0x02,              // interface index
        0x00, 0x01,                          // ARPHRD_ETHER
        0x00,                                // packet type: to us
        0x06,                                // address length
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // address
        0x00, 0x00,                          // address padding
        0x60},
       NetworkLayer::Ipv6, 20},
      {"null little-endian AF_INET", lt::kNull,
       {0x02, 0x00, 0x00, 0x00,              // AF_INET, little-endian host
        0x45},
       NetworkLayer::Ipv4, 4},
      {"null big-endian AF_INET", lt::kNull,
       {0x00, 0x00, 0x00, 0x02,              // AF_INET, big-endian host
        0x45},
       NetworkLayer::Ipv4, 4},
      {"null AF_INET6 BSD", lt::kNull,
       {0x18, 0x00, 0x00, 0x00,              // 24: NetBSD/OpenBSD AF_INET6, little-endian
        0x60},
       NetworkLayer::Ipv6, 4},
      {"null AF_INET6 FreeBSD", lt::kNull,
       {0x1c, 0x00, 0x00, 0x00,              // 28: FreeBSD AF_INET6
        0x60},
       NetworkLayer::Ipv6, 4},
      {"null AF_INET6 Darwin big-endian", lt::kNull,
       {0x00, 0x00, 0x00, 0x1e,              // 30: Darwin AF_INET6, big-endian host
        0x60},
       NetworkLayer::Ipv6, 4},
      {"null unknown AF", lt::kNull,
       {0x07, 0x00, 0x00, 0x00,              // 7: not IP
        0x00},
       NetworkLayer::NotIp, 4},
      {"loop AF_INET", lt::kLoop,
       {0x00, 0x00, 0x00, 0x02,              // AF_INET, network order
        0x45},
       NetworkLayer::Ipv4, 4},
      {"loop AF_INET6", lt::kLoop,
       {0x00, 0x00, 0x00, 0x18,              // AF_INET6 (24), network order
        0x60},
       NetworkLayer::Ipv6, 4},
      {"LINKTYPE_RAW ipv4", lt::kRaw, {0x45}, NetworkLayer::Ipv4, 0},
      {"LINKTYPE_RAW ipv6", lt::kRaw, {0x60}, NetworkLayer::Ipv6, 0},
      {"DLT_RAW 12", lt::kDltRaw, {0x45}, NetworkLayer::Ipv4, 0},
      {"DLT_RAW 14", lt::kDltRawOpenBsd, {0x60}, NetworkLayer::Ipv6, 0},
      {"raw, not IP", lt::kRaw, {0x10}, NetworkLayer::NotIp, 0},
      {"LINKTYPE_IPV4", lt::kIpv4, {0x45}, NetworkLayer::Ipv4, 0},
      {"LINKTYPE_IPV6", lt::kIpv6, {0x60}, NetworkLayer::Ipv6, 0},
      {"unsupported (802.11)", 105, {0x08, 0x00}, NetworkLayer::Unsupported, 0},
  };
}

TEST(DecodeLink, EachLinkType) {
  for (const LinkCase& c : link_cases()) {
    SCOPED_TRACE(c.name);
    ByteReader r(c.frame);
    EXPECT_EQ(decode_link(c.link_type, r), c.expect);
    if (c.expect == NetworkLayer::Ipv4 || c.expect == NetworkLayer::Ipv6) {
      EXPECT_EQ(r.offset(), c.offset);
    }
  }
}

TEST(DecodeLink, PppoeLengthBoundsThePacket) {
  const LinkCase c = link_cases()[6];
  ASSERT_EQ(c.name, "ethernet PPPoE session ipv4");
  ByteReader r(c.frame);
  ASSERT_EQ(decode_link(c.link_type, r), NetworkLayer::Ipv4);
  EXPECT_EQ(r.remaining(), 1u);  // the two padding bytes are outside
}

TEST(DecodeLink, EveryShortPrefixOfAHeaderIsShort) {
  for (const LinkCase& c : link_cases()) {
    if (c.expect != NetworkLayer::Ipv4 && c.expect != NetworkLayer::Ipv6) continue;
    for (std::size_t n = 0; n < c.offset + (c.offset == 0 ? 1 : 0); ++n) {
      SCOPED_TRACE(c.name + ", " + std::to_string(n) + " bytes");
      ByteReader r(std::span<const std::uint8_t>(c.frame).first(n));
      EXPECT_EQ(decode_link(c.link_type, r), NetworkLayer::Short);
    }
  }
}

}  // namespace
}  // namespace tlsdiag::net
