#include "tlsdiag/net/ipv4.h"

#include <gtest/gtest.h>

#include <vector>

#include "support/packet_builder.h"

namespace tlsdiag::net {
namespace {

using Bytes = std::vector<std::uint8_t>;

// IPv4 with a 4-byte Router Alert option, 6 bytes of payload, 4 bytes of Ethernet padding.
const Bytes kWithOptions = {
    0x46,                    // version 4, IHL 6 (24 bytes)
    0x00,                    // DSCP, ECN
    0x00, 0x1e,              // total length 30
    0x12, 0x34,              // identification
    0x40, 0x00,              // flags DF, fragment offset 0
    0x3f,                    // TTL 63
    0x06,                    // protocol TCP
    0x00, 0x00,              // header checksum (not checked)
    0xc0, 0x00, 0x02, 0x01,  // source 192.0.2.1
    0xc6, 0x33, 0x64, 0x02,  // destination 198.51.100.2
    0x94, 0x04, 0x00, 0x00,  // option: Router Alert (RFC 2113)
    'p', 'a', 'y', 'l', 'o', 'd',  // payload
    0x00, 0x00, 0x00, 0x00,  // link-layer padding
};

TEST(ParseIpv4, HeaderWithOptionsAndPadding) {
  ByteReader r(kWithOptions);
  auto ip = parse_ipv4(r);
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->src, test::ip("192.0.2.1"));
  EXPECT_EQ(ip->dst, test::ip("198.51.100.2"));
  EXPECT_EQ(ip->ttl, 63);
  EXPECT_EQ(ip->protocol, kIpProtoTcp);
  EXPECT_EQ(ip->identification, 0x1234);
  EXPECT_EQ(ip->header_length, 24);
  EXPECT_TRUE(ip->dont_fragment);
  EXPECT_FALSE(ip->is_fragment());
  EXPECT_EQ(ip->payload_length, 6u);
  EXPECT_EQ(ip->payload.offset(), 24u);
  EXPECT_EQ(ip->payload.remaining(), 6u);  // padding trimmed
}

TEST(ParseIpv4, FragmentFields) {
  Bytes b = kWithOptions;
  b[6] = 0x20;  // MF
  b[7] = 0x03;  // offset 3 * 8 = 24 bytes
  ByteReader r(b);
  auto ip = parse_ipv4(r);
  ASSERT_TRUE(ip.ok());
  EXPECT_TRUE(ip->more_fragments);
  EXPECT_FALSE(ip->dont_fragment);
  EXPECT_EQ(ip->fragment_offset, 24);
  EXPECT_TRUE(ip->is_fragment());
}

TEST(ParseIpv4, TotalLengthLongerThanCapturedKeepsTheHeaderLength) {
  Bytes b(kWithOptions.begin(), kWithOptions.begin() + 27);  // 3 payload bytes captured
  ByteReader r(b);
  auto ip = parse_ipv4(r);
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->payload_length, 6u);
  EXPECT_EQ(ip->payload.remaining(), 3u);
}

TEST(ParseIpv4, ZeroTotalLengthMeansSegmentationOffload) {
  Bytes b = kWithOptions;
  b[2] = 0x00;
  b[3] = 0x00;
  ByteReader r(b);
  auto ip = parse_ipv4(r);
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->payload_length, 10u);  // everything after the header, padding included
}

TEST(ParseIpv4, Errors) {
  const struct {
    const char* name;
    std::size_t byte;
    std::uint8_t value;
    std::size_t keep;
    Errc expect;
  } cases[] = {
      {"version 5", 0, 0x56, 99, Errc::BadVersion},
      {"IHL 4", 0, 0x44, 99, Errc::BadHeader},
      {"total length 20 < header 24", 3, 20, 99, Errc::BadLength},
      {"header cut at 19 bytes", 0, 0x46, 19, Errc::Truncated},
      {"options cut", 0, 0x46, 22, Errc::Truncated},
      {"IHL 15 past the packet", 0, 0x4f, 99, Errc::Truncated},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Bytes b = kWithOptions;
    b[c.byte] = c.value;
    b.resize(std::min(c.keep, b.size()));
    ByteReader r(b);
    auto ip = parse_ipv4(r);
    ASSERT_FALSE(ip.ok());
    EXPECT_EQ(ip.error().code, c.expect);
  }
}

}  // namespace
}  // namespace tlsdiag::net
