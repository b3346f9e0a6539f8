#include "tlsdiag/net/tcp_header.h"

#include <optional>

namespace tlsdiag::net {

namespace {

// RFC 9293 §3.1.
std::optional<ParseError> parse_into(ByteReader& segment, std::uint32_t segment_length, TcpHeader& tcp) {
  const std::size_t start = segment.offset();
  std::uint8_t offset_reserved = 0;
  segment.read_u16(tcp.src_port);
  segment.read_u16(tcp.dst_port);
  segment.read_u32(tcp.seq);
  segment.read_u32(tcp.ack);
  segment.read_u8(offset_reserved);
  segment.read_u8(tcp.flags);
  segment.read_u16(tcp.window);
  segment.skip(2);  // checksum: not verified (offloaded on loopback)
  segment.skip(2);  // urgent pointer
  if (segment.failed()) {
    return ParseError{segment_length < 20 ? Errc::BadHeader : Errc::Truncated, segment.offset()};
  }
  tcp.header_length = static_cast<std::uint8_t>((offset_reserved >> 4) * 4);
  if (tcp.header_length < 20 || tcp.header_length > segment_length) {
    return ParseError{Errc::BadHeader, start + 12};
  }
  if (!segment.skip(tcp.header_length - 20u))
    return ParseError{Errc::Truncated, segment.offset()};  // options
  return std::nullopt;
}

}  // namespace

// Parsed in place, as parse_ipv4 (ipv4.cpp) says why.
Result<TcpHeader> parse_tcp(ByteReader& segment, std::uint32_t segment_length) {
  Result<TcpHeader> out{std::in_place};
  if (auto err = parse_into(segment, segment_length, *out)) out = *err;
  return out;
}

}  // namespace tlsdiag::net
