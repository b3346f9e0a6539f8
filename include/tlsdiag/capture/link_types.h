#pragma once
// Link-layer header types a capture can carry, as pcap_datalink() reports them (DLT_* values;
// they equal the LINKTYPE_* values in the file except for DLT_RAW, which is 12 on Linux and 14
// on OpenBSD for LINKTYPE_RAW 101). See https://www.tcpdump.org/linktypes.html.
#include <string>

namespace tlsdiag::capture {

namespace link_type {
inline constexpr int kNull = 0;      // BSD loopback: 4-byte AF_ value in the writer's byte order
inline constexpr int kEthernet = 1;  // EN10MB
inline constexpr int kDltRaw = 12;   // DLT_RAW on most systems (LINKTYPE_RAW in the file)
inline constexpr int kDltRawOpenBsd = 14;
inline constexpr int kRaw = 101;       // LINKTYPE_RAW: bare IPv4 or IPv6
inline constexpr int kLoop = 108;      // OpenBSD loopback: 4-byte AF_ value, network byte order
inline constexpr int kLinuxSll = 113;  // Linux "cooked" v1, 16-byte header
inline constexpr int kIpv4 = 228;
inline constexpr int kIpv6 = 229;
inline constexpr int kLinuxSll2 = 276;  // Linux "cooked" v2, 20-byte header
}  // namespace link_type

// "EN10MB", "LINUX_SLL2", "RAW", ... as pcap_datalink_val_to_name() spells them, or
// "LINKTYPE_<n>" for a value libpcap has no name for. Never fails.
std::string link_type_name(int linktype);

}  // namespace tlsdiag::capture
