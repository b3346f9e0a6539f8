#pragma once
// parse_tcp: the TCP header (RFC 9293 §3.1). Options are stepped over, not interpreted; the
// checksum is not verified.
#include <cstdint>

#include "tlsdiag/util/byte_reader.h"
#include "tlsdiag/util/result.h"

namespace tlsdiag::net {

struct TcpHeader {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t header_length = 0;  // bytes, data offset * 4 (20..60)
  std::uint8_t flags = 0;          // CWR ECE URG ACK PSH RST SYN FIN (tcp_flags::k*)
  std::uint16_t window = 0;
};

// |segment| holds the captured part of a TCP segment that is |segment_length| bytes long per the
// IP header. On success it is left at the first payload byte.
// Errors: BadHeader (data offset < 5, or a header longer than the segment), Truncated (the
// capture ended inside the header).
Result<TcpHeader> parse_tcp(ByteReader& segment, std::uint32_t segment_length);

}  // namespace tlsdiag::net
