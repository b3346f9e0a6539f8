#include "tlsdiag/net/ipv6.h"

#include <algorithm>
#include <span>

namespace tlsdiag::net {
namespace {

// IANA "Assigned Internet Protocol Numbers" used in an IPv6 header chain.
constexpr std::uint8_t kHopByHop = 0;
constexpr std::uint8_t kRouting = 43;
constexpr std::uint8_t kFragment = 44;
constexpr std::uint8_t kAuthentication = 51;
constexpr std::uint8_t kDestinationOptions = 60;
constexpr std::uint8_t kMobility = 135;

// Total length of a generic extension header from its Hdr Ext Len field, or 0 when |type| is
// not an extension header (an upper-layer protocol, ESP, No Next Header, or unknown).
std::size_t extension_length(std::uint8_t type, std::uint8_t hdr_ext_len) {
  switch (type) {
    case kHopByHop:
    case kRouting:
    case kDestinationOptions:
    case kMobility:
      return (hdr_ext_len + 1u) * 8;  // RFC 8200 §4.3: 8-octet units, not counting the first
    case kAuthentication: return (hdr_ext_len + 2u) * 4;  // RFC 4302 §2.2: 4-octet units, less 2
    default: return 0;
  }
}

bool is_extension(std::uint8_t type) { return extension_length(type, 0) != 0; }

}  // namespace

// RFC 8200 §3.
Result<Ipv6Packet> parse_ipv6(ByteReader r) {
  const std::size_t start = r.offset();
  Ipv6Packet ip;
  std::uint32_t version_class_flow = 0;
  std::uint16_t payload_length = 0;
  std::span<const std::uint8_t> src, dst;
  r.read_u32(version_class_flow);
  r.read_u16(payload_length);
  r.read_u8(ip.next_header);
  r.read_u8(ip.hop_limit);
  r.read_bytes(16, src);
  r.read_bytes(16, dst);
  if (r.failed()) return ParseError{Errc::Truncated, r.offset()};
  if (version_class_flow >> 28 != 6) return ParseError{Errc::BadVersion, start};
  ip.src.family = ip.dst.family = 6;
  std::copy(src.begin(), src.end(), ip.src.bytes.begin());
  std::copy(dst.begin(), dst.end(), ip.dst.bytes.begin());
  ip.payload_length = payload_length;
  if (payload_length == 0) {
    ip.payload_length = static_cast<std::uint32_t>(r.remaining());
    ip.length_from_capture = true;
  }
  r.sub(std::min<std::size_t>(r.remaining(), ip.payload_length), ip.payload);
  return ip;
}

// RFC 8200 §4.
Result<Ipv6Chain> walk_ipv6_extensions(std::uint8_t next_header, ByteReader& payload,
                                       std::uint32_t payload_length) {
  // A header running past the captured bytes is the capture's fault only if the capture ended
  // before payload_length did.
  const bool cut = payload_length > payload.remaining();
  const std::size_t start = payload.offset();
  Ipv6Chain chain;
  for (;;) {
    const std::size_t at = payload.offset();
    std::uint8_t following = 0, hdr_ext_len = 0;
    if (next_header == kFragment) {
      // RFC 8200 §4.5: next header, reserved, offset(13) | res(2) | M, identification.
      std::uint16_t offset_flags = 0;
      Ipv6Fragment fragment;
      payload.read_u8(following);
      payload.skip(1);
      payload.read_u16(offset_flags);
      payload.read_u32(fragment.identification);
      if (payload.failed()) return ParseError{cut ? Errc::Truncated : Errc::BadExtension, at};
      fragment.offset = static_cast<std::uint16_t>(offset_flags & 0xfff8);
      fragment.more = (offset_flags & 1) != 0;
      next_header = following;
      if (fragment.offset != 0 || fragment.more) {
        chain.fragment = fragment;
        break;
      }
      continue;  // RFC 6946 atomic fragment: a whole datagram
    }
    if (!is_extension(next_header))
      break;  // upper layer: TCP, UDP, ICMPv6, ESP, No Next Header, ...
    payload.read_u8(following);
    payload.read_u8(hdr_ext_len);
    if (!payload.skip(extension_length(next_header, hdr_ext_len) - 2)) {
      return ParseError{cut ? Errc::Truncated : Errc::BadExtension, at};
    }
    next_header = following;
  }
  chain.protocol = next_header;
  chain.consumed = static_cast<std::uint32_t>(payload.offset() - start);
  return chain;
}

}  // namespace tlsdiag::net
