#include "tlsdiag/net/packet_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/packet_builder.h"
#include "tlsdiag/capture/link_types.h"

namespace tlsdiag::net {
namespace {

namespace lt = capture::link_type;
using test::Bytes;

struct Seen {
  Endpoint src;
  Endpoint dst;
  std::uint32_t seq;
  std::uint32_t ack;
  std::uint8_t flags;
  std::uint16_t window;
  std::uint8_t ttl;
  Bytes payload;
  std::uint32_t payload_len;
  Timestamp ts;
  std::uint64_t number;
};

// Recording SegmentSink: copies every segment and counts on_end calls.
class RecordingSink : public SegmentSink {
 public:
  void on_segment(const Segment& s) override {
    segments.push_back({s.src, s.dst, s.seq, s.ack, s.flags, s.window, s.ttl,
                        Bytes(s.payload.begin(), s.payload.end()), s.payload_len, s.ts,
                        s.packet_number});
  }
  void on_end(Timestamp last) override {
    ++ends;
    end_ts = last;
  }
  std::vector<Seen> segments;
  int ends = 0;
  Timestamp end_ts;
};

struct Frame {
  Bytes data;
  std::uint32_t wire_len = 0;  // 0: data.size()
};

struct Decoded {
  std::vector<Seen> segments;
  DecodeStats stats;
};

void expect_partition(const DecodeStats& s) {
  EXPECT_EQ(s.packets + s.ip_reassembled, s.unsupported_link + s.non_ip + s.non_tcp +
                                              s.tcp_packets + s.ip_fragments +
                                              s.truncated_headers + s.malformed);
  std::uint64_t by_kind = 0;
  for (MalformedKind k : kMalformedKinds) by_kind += s.malformed_count(k);
  EXPECT_EQ(by_kind, s.malformed);
}

// Frames numbered 1, 2, ... at 1 µs, 2 µs, ...; then on_end.
Decoded decode(int link_type, const std::vector<Frame>& frames) {
  RecordingSink sink;
  PacketDecoder decoder(sink);
  std::uint64_t number = 0;
  for (const Frame& f : frames) {
    ++number;
    capture::Packet p;
    p.ts = Timestamp{static_cast<std::int64_t>(number) * 1000};
    p.data = f.data;
    p.wire_len = f.wire_len != 0 ? f.wire_len : static_cast<std::uint32_t>(f.data.size());
    p.link_type = link_type;
    p.number = number;
    decoder.on_packet(p);
  }
  decoder.on_end(Timestamp{999});
  EXPECT_EQ(sink.ends, 1);
  EXPECT_EQ(sink.end_ts, Timestamp{999});
  expect_partition(decoder.stats());
  return {sink.segments, decoder.stats()};
}

Decoded decode_one(int link_type, Bytes data, std::uint32_t wire_len = 0) {
  return decode(link_type, {Frame{std::move(data), wire_len}});
}

TEST(PacketDecoder, EveryLinkTypeCarriesTcpOverIpv4AndIpv6) {
  const test::TcpSpec tcp{.src_port = 5555, .dst_port = 443, .seq = 7, .ack = 9,
                          .flags = tcp_flags::kPsh | tcp_flags::kAck, .window = 512};
  const Bytes v4 = test::ipv4({.ttl = 33}, test::tcp(tcp, test::bytes("hello")));
  const Bytes v6 = test::ipv6({.hop_limit = 44}, test::tcp(tcp, test::bytes("hello")));
  const int link_types[] = {lt::kNull,       lt::kEthernet, lt::kDltRaw, lt::kDltRawOpenBsd,
                            lt::kRaw,        lt::kLoop,     lt::kLinuxSll, lt::kIpv4,
                            lt::kIpv6,       lt::kLinuxSll2};
  for (const int link : link_types) {
    for (const bool six : {false, true}) {
      if ((link == lt::kIpv4 && six) || (link == lt::kIpv6 && !six)) continue;
      SCOPED_TRACE(capture::link_type_name(link) + (six ? " ipv6" : " ipv4"));
      const auto d = decode_one(link, test::frame(link, six ? v6 : v4));
      ASSERT_EQ(d.segments.size(), 1u);
      const Seen& s = d.segments[0];
      EXPECT_EQ(s.src, (Endpoint{test::ip(six ? "2001:db8::1" : "192.0.2.1"), 5555}));
      EXPECT_EQ(s.dst, (Endpoint{test::ip(six ? "2001:db8::2" : "198.51.100.2"), 443}));
      EXPECT_EQ(s.seq, 7u);
      EXPECT_EQ(s.ack, 9u);
      EXPECT_EQ(s.flags, tcp_flags::kPsh | tcp_flags::kAck);
      EXPECT_EQ(s.window, 512);
      EXPECT_EQ(s.ttl, six ? 44 : 33);
      EXPECT_EQ(s.payload, test::bytes("hello"));
      EXPECT_EQ(s.payload_len, 5u);
      EXPECT_EQ(s.ts, Timestamp{1000});
      EXPECT_EQ(s.number, 1u);
      EXPECT_EQ(d.stats.tcp_packets, 1u);
    }
  }
}

TEST(PacketDecoder, QinQIpv4OptionsTcpOptionsByteExact) {
  const Bytes frame = {
      0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // Ethernet destination
      0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // Ethernet source
      0x88, 0xa8, 0x00, 0x64,              // 802.1ad tag, VLAN 100
      0x81, 0x00, 0x00, 0xc8,              // 802.1Q tag, VLAN 200
      0x08, 0x00,                          // EtherType IPv4
      0x46,                                // IPv4, IHL 6
      0x00,                                // DSCP, ECN
      0x00, 0x37,                          // total length 55 = 24 + 28 + 3
      0x00, 0x01,                          // identification
      0x40, 0x00,                          // DF
      0x40,                                // TTL 64
      0x06,                                // protocol TCP
      0x00, 0x00,                          // header checksum (not checked)
      0xc0, 0x00, 0x02, 0x01,              // source 192.0.2.1
      0xc6, 0x33, 0x64, 0x02,              // destination 198.51.100.2
      0x01, 0x01, 0x01, 0x00,              // options: NOP NOP NOP EOL
      0x9c, 0x40,                          // TCP source port 40000
      0x01, 0xbb,                          // destination port 443
      0x00, 0x00, 0x03, 0xe8,              // sequence number 1000
      0x00, 0x00, 0x07, 0xd0,              // acknowledgment number 2000
      0x70,                                // data offset 7 (28 bytes)
      0x18,                                // flags PSH ACK
      0x72, 0x10,                          // window 29200
      0x00, 0x00,                          // checksum (not checked)
      0x00, 0x00,                          // urgent pointer
      0x02, 0x04, 0x05, 0xb4,              // option MSS 1460
      0x01, 0x01, 0x04, 0x02,              // NOP NOP SACK-permitted
      'a', 'b', 'c',                       // payload
      0xde, 0xad, 0xbe, 0xef,              // Ethernet FCS: outside the IP total length
  };
  const auto d = decode_one(lt::kEthernet, frame);
  ASSERT_EQ(d.segments.size(), 1u);
  const Seen& s = d.segments[0];
  EXPECT_EQ(s.src, (Endpoint{test::ip("192.0.2.1"), 40000}));
  EXPECT_EQ(s.dst, (Endpoint{test::ip("198.51.100.2"), 443}));
  EXPECT_EQ(s.seq, 1000u);
  EXPECT_EQ(s.ack, 2000u);
  EXPECT_EQ(s.flags, tcp_flags::kPsh | tcp_flags::kAck);
  EXPECT_EQ(s.window, 29200);
  EXPECT_EQ(s.ttl, 64);
  EXPECT_EQ(s.payload, test::bytes("abc"));
  EXPECT_EQ(s.payload_len, 3u);
}

TEST(PacketDecoder, Sll2Ipv6ExtensionChainByteExact) {
  const Bytes frame = {
      0x86, 0xdd,                          // SLL2 protocol IPv6
      0x00, 0x00,                          // reserved
      0x00, 0x00, 0x00, 0x01,              // interface index
      0x00, 0x01,                          // ARPHRD_ETHER
      0x04,                                // packet type: outgoing
      0x06,                                // address length
      0x02, 0, 0, 0, 0, 0x01, 0, 0,        // address, padded
      0x60, 0x00, 0x00, 0x00,              // IPv6, traffic class, flow label
      0x00, 0x2e,                          // payload length 46 = 8 + 8 + 8 + 20 + 2
      0x00,                                // next header: hop-by-hop
      0x39,                                // hop limit 57
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,  // 2001:db8::1
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,  // 2001:db8::2
      0x3c, 0x00, 0x01, 0x04, 0, 0, 0, 0,  // hop-by-hop: next dest. options, PadN
      0x2c, 0x00, 0x01, 0x04, 0, 0, 0, 0,  // destination options: next fragment, PadN
      0x06, 0x00, 0x00, 0x00,              // fragment: next TCP, offset 0, M = 0 (atomic)
      0x00, 0x00, 0x00, 0x2a,              // identification
      0x01, 0xbb,                          // TCP source port 443
      0xd4, 0x31,                          // destination port 54321
      0xff, 0xff, 0xff, 0xff,              // sequence number
      0x00, 0x00, 0x00, 0x01,              // acknowledgment number
      0x50,                                // data offset 5
      0x11,                                // flags FIN ACK
      0x01, 0x00,                          // window 256
      0x00, 0x00, 0x00, 0x00,              // checksum, urgent pointer
      'x', 'y',                            // payload
  };
  const auto d = decode_one(lt::kLinuxSll2, frame);
  ASSERT_EQ(d.segments.size(), 1u);
  const Seen& s = d.segments[0];
  EXPECT_EQ(s.src, (Endpoint{test::ip("2001:db8::1"), 443}));
  EXPECT_EQ(s.dst, (Endpoint{test::ip("2001:db8::2"), 54321}));
  EXPECT_EQ(s.seq, 0xffffffffu);
  EXPECT_EQ(s.flags, tcp_flags::kFin | tcp_flags::kAck);
  EXPECT_EQ(s.ttl, 57);
  EXPECT_EQ(s.payload, test::bytes("xy"));
  EXPECT_EQ(d.stats.ip_fragments, 0u);  // an atomic fragment is a whole datagram
}

TEST(PacketDecoder, EthernetPaddingIsNotPayload) {
  Bytes frame = test::eth_ipv4_tcp({.flags = tcp_flags::kSyn});
  ASSERT_EQ(frame.size(), 54u);
  frame.resize(60, 0);  // minimum Ethernet frame
  const auto d = decode_one(lt::kEthernet, frame);
  ASSERT_EQ(d.segments.size(), 1u);
  EXPECT_TRUE(d.segments[0].payload.empty());
  EXPECT_EQ(d.segments[0].payload_len, 0u);
}

TEST(PacketDecoder, FrameCutBySnaplenDeliversTheCapturedPayload) {
  Bytes frame = test::eth_ipv4_tcp({}, Bytes(100, 0x17));
  const auto wire = static_cast<std::uint32_t>(frame.size());
  frame.resize(14 + 20 + 20 + 10);
  const auto d = decode_one(lt::kEthernet, frame, wire);
  ASSERT_EQ(d.segments.size(), 1u);
  EXPECT_EQ(d.segments[0].payload, Bytes(10, 0x17));
  EXPECT_EQ(d.segments[0].payload_len, 100u);
  EXPECT_EQ(d.stats.truncated_packets, 1u);
  EXPECT_EQ(d.stats.tcp_packets, 1u);
}

TEST(PacketDecoder, SnaplenEndingInAHeaderIsNotMalformed) {
  const Bytes v4 = test::eth_ipv4_tcp({.options = {2, 4, 5, 0xb4}}, Bytes(100, 1));
  const Bytes v6 = test::ethernet(0x86dd, test::ipv6({.next_header = 0},
                                                     test::ipv6_extension(0, 6, 16, test::tcp({}))));
  const struct {
    const char* name;
    const Bytes& frame;
    std::size_t keep;
  } cases[] = {
      {"in the Ethernet header", v4, 10},
      {"in the IPv4 header", v4, 14 + 12},
      {"in the TCP header", v4, 14 + 20 + 15},
      {"in the TCP options", v4, 14 + 20 + 22},
      {"in the IPv6 header", v6, 14 + 30},
      {"in the IPv6 extension chain", v6, 14 + 40 + 10},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Bytes cut(c.frame.begin(), c.frame.begin() + static_cast<long>(c.keep));
    const auto d = decode_one(lt::kEthernet, cut, static_cast<std::uint32_t>(c.frame.size()));
    EXPECT_TRUE(d.segments.empty());
    EXPECT_EQ(d.stats.truncated_headers, 1u);
    EXPECT_EQ(d.stats.truncated_packets, 1u);
    EXPECT_EQ(d.stats.malformed, 0u);
  }
}

TEST(PacketDecoder, MalformedHeadersAreCountedByKind) {
  const Bytes tcp = test::tcp({});
  Bytes bad_offset = tcp;
  bad_offset[12] = 0x40;  // data offset 4
  Bytes long_offset = tcp;
  long_offset[12] = 0xf0;  // data offset 15: 60 bytes, segment has 20
  Bytes v4_version = test::ipv4({}, tcp);
  v4_version[0] = 0x55;
  Bytes v4_ihl = test::ipv4({}, tcp);
  v4_ihl[0] = 0x43;
  Bytes v6_version = test::ipv6({}, tcp);
  v6_version[0] = 0x40;
  const struct {
    const char* name;
    Bytes frame;
    MalformedKind kind;
  } cases[] = {
      {"Ethernet header of 10 bytes", Bytes(10, 0), MalformedKind::ShortLinkHeader},
      {"VLAN tag cut", test::ethernet(0x8100, Bytes{0x00}), MalformedKind::ShortLinkHeader},
      {"IPv4 version 5", test::ethernet(0x0800, v4_version), MalformedKind::BadIpv4Header},
      {"IPv4 IHL 3", test::ethernet(0x0800, v4_ihl), MalformedKind::BadIpv4Header},
      {"IPv4 header of 12 bytes", test::ethernet(0x0800, Bytes(v4_ihl.begin(), v4_ihl.begin() + 12)),
       MalformedKind::BadIpv4Header},
      {"IPv4 total length < IHL", test::ethernet(0x0800, test::ipv4({.total_length = 10}, tcp)),
       MalformedKind::BadIpLength},
      {"IPv6 version 4", test::ethernet(0x86dd, v6_version), MalformedKind::BadIpv6Header},
      {"IPv6 header of 30 bytes",
       test::ethernet(0x86dd, Bytes(v6_version.begin(), v6_version.begin() + 30)),
       MalformedKind::BadIpv6Header},
      {"IPv6 hop-by-hop past the payload",
       test::ethernet(0x86dd, test::ipv6({.next_header = 0}, Bytes{6, 3, 1, 2, 0, 0, 0, 0})),
       MalformedKind::BadIpv6Extension},
      {"TCP data offset 4", test::ethernet(0x0800, test::ipv4({}, bad_offset)),
       MalformedKind::BadTcpHeader},
      {"TCP data offset past the segment", test::ethernet(0x0800, test::ipv4({}, long_offset)),
       MalformedKind::BadTcpHeader},
      {"TCP segment of 12 bytes",
       test::ethernet(0x0800, test::ipv4({}, Bytes(tcp.begin(), tcp.begin() + 12))),
       MalformedKind::BadTcpHeader},
      {"IPv4 fragment not a multiple of 8",
       test::ethernet(0x0800,
                      test::ipv4({.dont_fragment = false, .more_fragments = true}, Bytes(12, 0))),
       MalformedKind::BadIpFragment},
      {"IPv4 fragment past 65535",
       test::ethernet(0x0800,
                      test::ipv4({.dont_fragment = false, .fragment_offset = 65528}, Bytes(16, 0))),
       MalformedKind::BadIpFragment},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto d = decode_one(lt::kEthernet, c.frame);
    EXPECT_TRUE(d.segments.empty());
    EXPECT_EQ(d.stats.malformed, 1u);
    EXPECT_EQ(d.stats.malformed_count(c.kind), 1u) << malformed_kind_name(c.kind);
  }
}

TEST(PacketDecoder, OtherTrafficIsCountedNotDelivered) {
  const Bytes esp_after_options =
      test::ipv6({.next_header = 60}, test::ipv6_extension(60, 50, 8, Bytes(16, 0)));
  const auto d = decode(lt::kEthernet, {
      {test::ethernet(0x0806, Bytes(28, 0))},                          // ARP
      {test::ethernet(0x0800, test::ipv4({.protocol = 17}, Bytes(8, 0)))},  // UDP
      {test::ethernet(0x86dd, test::ipv6({.next_header = 58}, Bytes(8, 0)))},  // ICMPv6
      {test::ethernet(0x86dd, esp_after_options)},                     // ESP
      {test::eth_ipv4_tcp()},
  });
  EXPECT_EQ(d.stats.packets, 5u);
  EXPECT_EQ(d.stats.non_ip, 1u);
  EXPECT_EQ(d.stats.non_tcp, 3u);
  EXPECT_EQ(d.stats.tcp_packets, 1u);
  ASSERT_EQ(d.segments.size(), 1u);
  EXPECT_EQ(d.segments[0].number, 5u);
  EXPECT_EQ(decode_one(105, Bytes(40, 0)).stats.unsupported_link, 1u);
}

TEST(PacketDecoder, StatsCountBytes) {
  Bytes frame = test::eth_ipv4_tcp({}, Bytes(10, 0));
  const auto d = decode(lt::kEthernet, {{frame}, {Bytes(frame.begin(), frame.begin() + 60), 64}});
  EXPECT_EQ(d.stats.packets, 2u);
  EXPECT_EQ(d.stats.bytes, 64u + 60u);
  EXPECT_EQ(d.stats.wire_bytes, 64u + 64u);
  EXPECT_EQ(d.stats.truncated_packets, 1u);
}

TEST(PacketDecoder, IpLengthLongerThanTheFrameIsClampedToIt) {
  const Bytes frame =
      test::ethernet(0x0800, test::ipv4({.total_length = 200}, test::tcp({}, Bytes(10, 1))));
  const auto d = decode_one(lt::kEthernet, frame);
  ASSERT_EQ(d.segments.size(), 1u);
  EXPECT_EQ(d.segments[0].payload_len, 10u);
  EXPECT_EQ(d.stats.ip_length_clamped, 1u);
}

TEST(PacketDecoder, ZeroIpv4TotalLengthMeansOffload) {
  const Bytes frame =
      test::ethernet(0x0800, test::ipv4({.total_length = 0}, test::tcp({}, Bytes(3000, 1))));
  const auto d = decode_one(lt::kEthernet, frame);
  ASSERT_EQ(d.segments.size(), 1u);
  EXPECT_EQ(d.segments[0].payload_len, 3000u);
  // Cut by the snapshot length: the length on the wire still counts.
  const auto cut = decode_one(lt::kEthernet, Bytes(frame.begin(), frame.begin() + 100),
                              static_cast<std::uint32_t>(frame.size()));
  ASSERT_EQ(cut.segments.size(), 1u);
  EXPECT_EQ(cut.segments[0].payload_len, 3000u);
  EXPECT_EQ(cut.segments[0].payload.size(), 100u - 54);
}

TEST(PacketDecoder, Ipv4FragmentsInAndOutOfOrder) {
  Bytes payload(100, 0);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i);
  const Bytes segment = test::tcp({.seq = 42}, payload);
  const auto pieces = test::ipv4_fragments({.identification = 0x1234}, segment, 48);
  ASSERT_EQ(pieces.size(), 3u);  // 48 + 48 + 24
  const std::vector<std::vector<std::size_t>> orders = {{0, 1, 2}, {2, 0, 1}, {1, 2, 0}};
  for (const auto& order : orders) {
    SCOPED_TRACE(::testing::PrintToString(order));
    std::vector<Frame> frames;
    for (std::size_t i : order) frames.push_back({test::ethernet(0x0800, pieces[i])});
    const auto d = decode(lt::kEthernet, frames);
    ASSERT_EQ(d.segments.size(), 1u);
    EXPECT_EQ(d.segments[0].seq, 42u);
    EXPECT_EQ(d.segments[0].payload, payload);
    EXPECT_EQ(d.segments[0].payload_len, 100u);
    EXPECT_EQ(d.segments[0].number, 3u);  // the fragment that completed it
    EXPECT_EQ(d.segments[0].ts, Timestamp{3000});
    EXPECT_EQ(d.stats.ip_fragments, 3u);
    EXPECT_EQ(d.stats.ip_reassembled, 1u);
    EXPECT_EQ(d.stats.tcp_packets, 1u);
    EXPECT_EQ(d.stats.ip_reassembly_dropped, 0u);
  }
}

TEST(PacketDecoder, Ipv6FragmentsWithExtensionHeadersOnBothSides) {
  const Bytes payload(64, 0x33);
  // Fragmentable part: destination options, then TCP.
  const Bytes fragmentable = test::ipv6_extension(60, 6, 8, test::tcp({.seq = 5}, payload));
  std::vector<Frame> frames;
  for (std::size_t at = 0; at < fragmentable.size(); at += 40) {
    const std::size_t n = std::min<std::size_t>(40, fragmentable.size() - at);
    const bool more = at + n < fragmentable.size();
    // Unfragmentable part: hop-by-hop, then the Fragment header.
    const auto chunk = std::span<const std::uint8_t>(fragmentable).subspan(at, n);
    frames.insert(frames.begin(),  // last fragment first
                  Frame{test::ethernet(0x86dd, test::ipv6({.next_header = 0},
                        test::ipv6_extension(0, 44, 8, test::ipv6_fragment_header(
                            60, static_cast<std::uint16_t>(at), more, 0xabcd, chunk))))});
  }
  ASSERT_EQ(frames.size(), 3u);  // 8 + 20 + 64 = 92 bytes: 40 + 40 + 12
  const auto d = decode(lt::kEthernet, frames);
  ASSERT_EQ(d.segments.size(), 1u);
  EXPECT_EQ(d.segments[0].seq, 5u);
  EXPECT_EQ(d.segments[0].payload, payload);
  EXPECT_EQ(d.segments[0].src.ip, test::ip("2001:db8::1"));
  EXPECT_EQ(d.stats.ip_fragments, 3u);
  EXPECT_EQ(d.stats.ip_reassembled, 1u);
}

TEST(PacketDecoder, IncompleteDatagramIsCountedAtTheEnd) {
  const auto pieces = test::ipv4_fragments({}, test::tcp({}, Bytes(100, 0)), 48);
  const auto d = decode(lt::kEthernet,
                        {{test::ethernet(0x0800, pieces[0])}, {test::ethernet(0x0800, pieces[2])}});
  EXPECT_TRUE(d.segments.empty());
  EXPECT_EQ(d.stats.ip_fragments, 2u);
  EXPECT_EQ(d.stats.ip_reassembly_dropped, 1u);
}

}  // namespace
}  // namespace tlsdiag::net
