#include "tlsdiag/net/tcp_header.h"

#include <optional>

namespace tlsdiag::net {

namespace {

// RFC 9293 §3.1. The fixed 20 bytes are taken with one bounds check (the decoder's hot path).
std::optional<ParseError> parse_into(ByteReader& segment, std::uint32_t segment_length, TcpHeader& tcp) {
  const std::size_t start = segment.offset();
  const auto h = segment.take<20>();
  if (!h) return ParseError{segment_length < 20 ? Errc::BadHeader : Errc::Truncated, start};
  tcp.src_port = h.u16<0>();
  tcp.dst_port = h.u16<2>();
  tcp.seq = h.u32<4>();
  tcp.ack = h.u32<8>();
  const std::uint8_t offset_reserved = h.u8<12>();
  tcp.flags = h.u8<13>();
  tcp.window = h.u16<14>();  // then 16-17: checksum, not verified (offloaded on loopback);
                              // 18-19: urgent pointer
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
