#include "tlsdiag/net/tcp_header.h"

#include <gtest/gtest.h>

#include <vector>

#include "tlsdiag/net/tcp_segment.h"

namespace tlsdiag::net {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A SYN-ACK with the options Linux sends, then 2 payload bytes.
const Bytes kSynAck = {
    0x01, 0xbb,              // source port 443
    0x9c, 0x40,              // destination port 40000
    0x11, 0x22, 0x33, 0x44,  // sequence number
    0x00, 0x00, 0x03, 0xe9,  // acknowledgment number 1001
    0xa0,                    // data offset 10 (40 bytes), reserved
    0x12,                    // flags SYN ACK
    0xfe, 0x88,              // window 65160
    0x00, 0x00,              // checksum (not checked)
    0x00, 0x00,              // urgent pointer
    0x02, 0x04, 0x05, 0xb4,  // MSS 1460
    0x04, 0x02,              // SACK permitted
    0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2,  // timestamps
    0x01,                    // NOP
    0x03, 0x03, 0x07,        // window scale 7
    'h', 'i',                // payload
};

TEST(ParseTcp, HeaderWithOptions) {
  ByteReader r(kSynAck);
  auto tcp = parse_tcp(r, static_cast<std::uint32_t>(kSynAck.size()));
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->src_port, 443);
  EXPECT_EQ(tcp->dst_port, 40000);
  EXPECT_EQ(tcp->seq, 0x11223344u);
  EXPECT_EQ(tcp->ack, 1001u);
  EXPECT_EQ(tcp->header_length, 40);
  EXPECT_EQ(tcp->flags, tcp_flags::kSyn | tcp_flags::kAck);
  EXPECT_EQ(tcp->window, 65160);
  EXPECT_EQ(r.offset(), 40u);
  EXPECT_EQ(r.remaining(), 2u);
}

TEST(ParseTcp, Errors) {
  const struct {
    const char* name;
    std::uint8_t data_offset_byte;
    std::size_t captured;
    std::uint32_t segment_length;
    Errc expect;
  } cases[] = {
      {"data offset 4", 0x40, 42, 42, Errc::BadHeader},
      {"data offset 15 past the segment", 0xf0, 42, 42, Errc::BadHeader},
      {"segment shorter than 20 bytes", 0x50, 19, 19, Errc::BadHeader},
      {"capture ends in the fixed header", 0xa0, 19, 42, Errc::Truncated},
      {"capture ends in the options", 0xa0, 30, 42, Errc::Truncated},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Bytes b = kSynAck;
    b[12] = c.data_offset_byte;
    b.resize(c.captured);
    ByteReader r(b);
    auto tcp = parse_tcp(r, c.segment_length);
    ASSERT_FALSE(tcp.ok());
    EXPECT_EQ(tcp.error().code, c.expect);
  }
}

}  // namespace
}  // namespace tlsdiag::net
