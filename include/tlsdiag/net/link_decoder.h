#pragma once
// decode_link: strips the link-layer header of one frame and says what follows it.
//
// Knows Ethernet II (with any stack of 802.1Q 0x8100 / 802.1ad 0x88a8 / 0x9100 tags, and PPPoE
// sessions carrying IP), Linux cooked v1 and v2 (also followed by VLAN tags or PPPoE), BSD NULL
// (AF_ value in either byte order), OpenBSD LOOP (network order), raw IP (LINKTYPE_RAW 101, DLT_RAW
// 12/14, IPV4 228, IPV6 229). On Ipv4/Ipv6 the reader is left at the first byte of the IP header,
// and ends where the link layer says the packet ends (a PPPoE length), or at the end of the
// captured bytes.
#include <cstdint>

#include "tlsdiag/util/byte_reader.h"

namespace tlsdiag::net {

enum class NetworkLayer : std::uint8_t {
  Ipv4,
  Ipv6,
  NotIp,        // another protocol (ARP, LLDP, 802.3 length frame, unknown AF_ value, ...)
  Unsupported,  // link type this decoder does not know
  Short,        // frame ends inside the link-layer header
};

inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr std::uint16_t kEtherTypeVlan = 0x8100;          // IEEE 802.1Q
inline constexpr std::uint16_t kEtherTypeQinQ = 0x88a8;          // IEEE 802.1ad service tag
inline constexpr std::uint16_t kEtherTypeQinQLegacy = 0x9100;    // pre-standard QinQ
inline constexpr std::uint16_t kEtherTypePppoeSession = 0x8864;  // RFC 2516

NetworkLayer decode_link(int link_type, ByteReader& frame);

}  // namespace tlsdiag::net
