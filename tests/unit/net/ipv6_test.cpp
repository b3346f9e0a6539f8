#include "tlsdiag/net/ipv6.h"

#include <gtest/gtest.h>

#include <vector>

#include "support/packet_builder.h"

namespace tlsdiag::net {
namespace {

using Bytes = std::vector<std::uint8_t>;

// IPv6 + hop-by-hop (8) + destination options (16) + Fragment (offset 0, M=1) + 4 data bytes.
const Bytes kChain = {
    0x60, 0x00, 0x00, 0x00,  // version 6, traffic class 0, flow label 0
    0x00, 0x24,              // payload length 36
    0x00,                    // next header: hop-by-hop options
    0x40,                    // hop limit 64
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,  // source 2001:db8::1
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,  // destination 2001:db8::2
    // hop-by-hop options
    0x3c,                    // next header: destination options
    0x00,                    // Hdr Ext Len 0: 8 bytes
    0x01, 0x04, 0, 0, 0, 0,  // PadN, 4 bytes
    // destination options
    0x2c,                    // next header: fragment
    0x01,                    // Hdr Ext Len 1: 16 bytes
    0x01, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // PadN, 12 bytes
    // fragment
    0x06,                    // next header: TCP
    0x00,                    // reserved
    0x00, 0x01,              // offset 0, M = 1
    0xca, 0xfe, 0xba, 0xbe,  // identification
    'd', 'a', 't', 'a',      // fragment data
};

TEST(ParseIpv6, FixedHeader) {
  auto ip = parse_ipv6(ByteReader(kChain));
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->src, test::ip("2001:db8::1"));
  EXPECT_EQ(ip->dst, test::ip("2001:db8::2"));
  EXPECT_EQ(ip->hop_limit, 64);
  EXPECT_EQ(ip->next_header, 0);
  EXPECT_EQ(ip->payload_length, 36u);
  EXPECT_EQ(ip->payload.offset(), 40u);
  EXPECT_EQ(ip->payload.remaining(), 36u);
}

TEST(ParseIpv6, Errors) {
  Bytes v4 = kChain;
  v4[0] = 0x45;
  EXPECT_EQ(parse_ipv6(ByteReader(v4)).error().code, Errc::BadVersion);
  const Bytes cut(kChain.begin(), kChain.begin() + 39);
  EXPECT_EQ(parse_ipv6(ByteReader(cut)).error().code, Errc::Truncated);
}

TEST(WalkIpv6Extensions, HopByHopDestinationOptionsFragment) {
  auto ip = parse_ipv6(ByteReader(kChain));
  ASSERT_TRUE(ip.ok());
  auto chain = walk_ipv6_extensions(ip->next_header, ip->payload, ip->payload_length);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(chain->protocol, 6);
  EXPECT_EQ(chain->consumed, 32u);
  ASSERT_TRUE(chain->fragment.has_value());
  EXPECT_EQ(chain->fragment->identification, 0xcafebabeu);
  EXPECT_EQ(chain->fragment->offset, 0);
  EXPECT_TRUE(chain->fragment->more);
  EXPECT_EQ(ip->payload.remaining(), 4u);  // the fragment data
}

TEST(WalkIpv6Extensions, AtomicFragmentIsSteppedOver) {
  Bytes b = kChain;
  b[40 + 8 + 16 + 3] = 0x00;  // M = 0: offset 0 and last, RFC 6946
  auto ip = parse_ipv6(ByteReader(b));
  auto chain = walk_ipv6_extensions(ip->next_header, ip->payload, ip->payload_length);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(chain->protocol, 6);
  EXPECT_FALSE(chain->fragment.has_value());
}

TEST(WalkIpv6Extensions, RoutingAuthenticationMobilityThenTcp) {
  const Bytes body = {
      // routing header
      0x33,                    // next header: AH
      0x00,                    // Hdr Ext Len 0: 8 bytes
      0x00, 0x00, 0, 0, 0, 0,  // routing type 0, segments left 0, reserved
      // authentication header (RFC 4302)
      0x87,                    // next header: mobility
      0x04,                    // Payload Len 4: (4 + 2) * 4 = 24 bytes
      0x00, 0x00,              // reserved
      0, 0, 0, 1,              // SPI
      0, 0, 0, 1,              // sequence number
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // ICV
      // mobility header
      0x06,                    // payload proto: TCP
      0x00,                    // Hdr Ext Len 0: 8 bytes
      0, 0, 0, 0, 0, 0,
      'T',                     // upper layer starts here
  };
  ByteReader r(body);
  auto chain = walk_ipv6_extensions(43, r, static_cast<std::uint32_t>(body.size()));
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(chain->protocol, 6);
  EXPECT_EQ(chain->consumed, 40u);
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(WalkIpv6Extensions, EspAndNoNextHeaderEndTheChain) {
  const Bytes body = {0x32, 0x00, 1, 4, 0, 0, 0, 0, 0xaa, 0xbb};  // destination options -> ESP
  ByteReader r(body);
  auto chain = walk_ipv6_extensions(60, r, static_cast<std::uint32_t>(body.size()));
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(chain->protocol, 50);
  ByteReader empty;
  EXPECT_EQ(walk_ipv6_extensions(59, empty, 0)->protocol, 59);
}

TEST(WalkIpv6Extensions, HeaderPastThePayloadIsBadUnlessTheCaptureWasCut) {
  const Bytes body = {0x06, 0x02, 1, 20, 0, 0, 0, 0, 0, 0, 0, 0};  // claims 24 bytes, 12 present
  ByteReader whole(body);
  EXPECT_EQ(walk_ipv6_extensions(0, whole, 12).error().code, Errc::BadExtension);
  ByteReader cut(body);
  EXPECT_EQ(walk_ipv6_extensions(0, cut, 100).error().code, Errc::Truncated);
  ByteReader short_fragment(std::span<const std::uint8_t>(body).first(5));
  EXPECT_EQ(walk_ipv6_extensions(44, short_fragment, 5).error().code, Errc::BadExtension);
}

TEST(WalkIpv6Extensions, ZeroPayloadLengthMeansWhateverWasCaptured) {
  Bytes b = kChain;
  b[4] = 0;
  b[5] = 0;
  auto ip = parse_ipv6(ByteReader(b));
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->payload_length, 36u);
}

}  // namespace
}  // namespace tlsdiag::net
