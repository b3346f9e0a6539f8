// PacketRing: the last packets of each TCP connection, bounded per connection and in total.
#include "packet_ring.h"

#include <gtest/gtest.h>

#include "app_fixtures.h"
#include "support/packet_builder.h"
#include "tlsdiag/net/link_decoder.h"

namespace tlsdiag::app {
namespace {

using test::Bytes;
using test::Conversation;

net::Endpoint ep(std::string_view ip, std::uint16_t port) { return net::Endpoint{test::ip(ip), port}; }

// A PacketSink that puts every packet in the ring.
struct RingFeeder : capture::PacketSink {
  explicit RingFeeder(PacketRing& r) : ring(r) {}
  void on_packet(const capture::Packet& p) override { ring.add(p); }
  void on_end(Timestamp) override {}
  PacketRing& ring;
};

TEST(TcpTuple, IsTheSameForBothDirections) {
  const Bytes c2s = test::eth_ipv4_tcp({.src_port = 40000, .dst_port = 443});
  const Bytes s2c = test::eth_ipv4_tcp({.src_port = 443, .dst_port = 40000}, {},
                                       {.src = "198.51.100.2", .dst = "192.0.2.1"});
  const auto a = tcp_tuple(capture::link_type::kEthernet, c2s);
  const auto b = tcp_tuple(capture::link_type::kEthernet, s2c);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(*a == *b);
  EXPECT_TRUE(*a == reassembly::TupleKey::of(ep("192.0.2.1", 40000), ep("198.51.100.2", 443)));
}

TEST(TcpTuple, ReadsIpv6) {
  const Bytes frame = test::eth_ipv6_tcp({.src_port = 40000, .dst_port = 8443});
  const auto key = tcp_tuple(capture::link_type::kEthernet, frame);
  ASSERT_TRUE(key);
  EXPECT_TRUE(*key == reassembly::TupleKey::of(ep("2001:db8::1", 40000), ep("2001:db8::2", 8443)));
}

TEST(TcpTuple, NoneForOtherProtocolsAndFragments) {
  struct Case {
    const char* name;
    Bytes frame;
  };
  const Bytes udp = test::ipv4({.protocol = 17}, test::bytes("12345678"));
  const Bytes fragment = test::ipv4({.dont_fragment = false, .more_fragments = true}, test::tcp({}));
  const Case cases[] = {
      {"udp", test::ethernet(net::kEtherTypeIpv4, udp)},
      {"fragment", test::ethernet(net::kEtherTypeIpv4, fragment)},
      {"arp", test::ethernet(0x0806, test::bytes("0123456789abcdefghijklmnopqrstuvwxyz"))},
      {"short", Bytes{0x00, 0x01}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_FALSE(tcp_tuple(capture::link_type::kEthernet, c.frame));
  }
}

TEST(PacketRing, KeepsTheLastPacketsOfAConnectionOldestFirst) {
  PacketRing ring({.packets_per_flow = 3});
  RingFeeder feed(ring);
  Conversation talk;
  talk.handshake(feed);                       // frames 0..2
  talk.c2s(feed, test::bytes("one"));         // 3
  talk.s2c(feed, test::bytes("two"));         // 4
  const auto kept = ring.take(ep("198.51.100.2", 443), ep("192.0.2.1", 40000));  // either order
  ASSERT_EQ(kept.size(), 3U);
  for (std::size_t i = 0; i < kept.size(); ++i) EXPECT_EQ(kept[i].data, talk.frames()[i + 2]);
  EXPECT_LT(kept[0].ts, kept[2].ts);
  EXPECT_EQ(ring.stats().packets_aged_out, 2U);
  // take() forgets the connection.
  EXPECT_EQ(ring.flows(), 0U);
  EXPECT_EQ(ring.bytes(), 0U);
  EXPECT_TRUE(ring.take(ep("192.0.2.1", 40000), ep("198.51.100.2", 443)).empty());
}

TEST(PacketRing, PerConnectionByteCapDropsOlderPackets) {
  const std::size_t frame = test::eth_ipv4_tcp({}, Bytes(1000, 'x')).size();
  PacketRing ring({.packets_per_flow = 64, .bytes_per_flow = 3 * (frame + PacketRing::kPacketOverhead)});
  RingFeeder feed(ring);
  Conversation talk;
  for (int i = 0; i < 5; ++i) talk.c2s(feed, Bytes(1000, static_cast<std::uint8_t>('a' + i)));
  const auto kept = ring.take(ep("192.0.2.1", 40000), ep("198.51.100.2", 443));
  // The connection's own overhead counts too, so two 1000-byte packets fit, not three.
  ASSERT_EQ(kept.size(), 2U);
  EXPECT_EQ(kept.back().data, talk.frames().back());
}

TEST(PacketRing, TotalCapDropsTheLeastRecentlyActiveConnection) {
  const std::size_t per_flow = PacketRing::kFlowOverhead + test::eth_ipv4_tcp({}).size() + PacketRing::kPacketOverhead;
  PacketRing ring({.total_bytes = 2 * per_flow});
  RingFeeder feed(ring);
  Conversation a({.client_port = 1}), b({.client_port = 2}), c({.client_port = 3});
  a.c2s(feed, {}, net::tcp_flags::kAck);
  b.c2s(feed, {}, net::tcp_flags::kAck);
  EXPECT_EQ(ring.flows(), 2U);
  c.c2s(feed, {}, net::tcp_flags::kAck);
  EXPECT_EQ(ring.flows(), 2U);
  EXPECT_EQ(ring.stats().flows_dropped, 1U);
  EXPECT_TRUE(ring.take(ep("192.0.2.1", 1), ep("198.51.100.2", 443)).empty());
  EXPECT_EQ(ring.take(ep("192.0.2.1", 3), ep("198.51.100.2", 443)).size(), 1U);
  EXPECT_LE(ring.bytes(), 2 * per_flow);
}

TEST(PacketRing, ExpireForgetsQuietConnections) {
  PacketRing ring;
  RingFeeder feed(ring);
  Conversation quiet({.client_port = 1}), busy({.client_port = 2});
  quiet.c2s(feed, {}, net::tcp_flags::kAck);
  busy.wait(10'000'000'000);
  busy.c2s(feed, {}, net::tcp_flags::kAck);
  ring.expire(busy.now(), 5'000'000'000);
  EXPECT_EQ(ring.flows(), 1U);
  EXPECT_EQ(ring.take(ep("192.0.2.1", 2), ep("198.51.100.2", 443)).size(), 1U);
}

TEST(PacketRing, SkipsWhatIsNotTcp) {
  PacketRing ring;
  const Bytes udp = test::ethernet(net::kEtherTypeIpv4, test::ipv4({.protocol = 17}, test::bytes("12345678")));
  capture::Packet p;
  p.data = udp;
  p.link_type = capture::link_type::kEthernet;
  ring.add(p);
  EXPECT_EQ(ring.flows(), 0U);
  EXPECT_EQ(ring.stats().packets_skipped, 1U);
}

}  // namespace
}  // namespace tlsdiag::app
