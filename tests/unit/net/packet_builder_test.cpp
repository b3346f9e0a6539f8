// The fixture builders other stages' tests rely on, checked byte for byte. (Their output was also
// read back with tshark 4.0 when written: no checksum or length complaints.)
#include "support/packet_builder.h"

#include <gtest/gtest.h>

#include "support/pcap_file_writer.h"

namespace tlsdiag::test {
namespace {

// RFC 1071: a correct checksum makes the one's-complement sum of the covered words 0xffff.
std::uint32_t ones_sum(std::span<const std::uint8_t> b, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i < b.size(); i += 2) {
    sum += static_cast<std::uint32_t>(b[i] << 8 | (i + 1 < b.size() ? b[i + 1] : 0));
  }
  while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

bool tcp_checksum_ok(std::span<const std::uint8_t> src, std::span<const std::uint8_t> dst,
                     std::span<const std::uint8_t> segment) {
  const auto length = static_cast<std::uint32_t>(segment.size());
  const std::uint32_t pseudo = ones_sum(src) + ones_sum(dst) + 6 + length;
  return ones_sum(segment, pseudo) == 0xffff;
}

TEST(PacketBuilder, TcpIpv4Ethernet) {
  const Bytes frame =
      eth_ipv4_tcp({.seq = 0x01020304, .ack = 5, .flags = 0x12, .options = {2, 4, 5, 0xb4}},
                   bytes("hi"));
  const Bytes expect_without_checksums = {
      0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // destination MAC
      0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // source MAC
      0x08, 0x00,                          // EtherType IPv4
      0x45, 0x00,                          // version 4, IHL 5, DSCP/ECN
      0x00, 0x2e,                          // total length 46 = 20 + 24 + 2
      0x00, 0x00,                          // identification
      0x40, 0x00,                          // DF
      0x40, 0x06,                          // TTL 64, TCP
      0x00, 0x00,                          // header checksum (zeroed below)
      192, 0, 2, 1,                        // source
      198, 51, 100, 2,                     // destination
      0x9c, 0x40, 0x01, 0xbb,              // ports 40000 -> 443
      0x01, 0x02, 0x03, 0x04,              // sequence number
      0x00, 0x00, 0x00, 0x05,              // acknowledgment number
      0x60, 0x12,                          // data offset 6, SYN ACK
      0xff, 0xff,                          // window
      0x00, 0x00,                          // checksum (zeroed below)
      0x00, 0x00,                          // urgent pointer
      0x02, 0x04, 0x05, 0xb4,              // MSS 1460
      'h', 'i',
  };
  ASSERT_EQ(frame.size(), expect_without_checksums.size());
  Bytes zeroed = frame;
  zeroed[24] = zeroed[25] = 0;
  zeroed[50] = zeroed[51] = 0;
  EXPECT_EQ(zeroed, expect_without_checksums);
  EXPECT_EQ(ones_sum(std::span(frame).subspan(14, 20)), 0xffffu);
  EXPECT_TRUE(tcp_checksum_ok(ipv4_address("192.0.2.1"), ipv4_address("198.51.100.2"),
                              std::span(frame).subspan(34)));
}

TEST(PacketBuilder, Ipv6WithExtensionsFillsTheTcpChecksum) {
  const Bytes packet = ipv6(
      {.next_header = 0},
      ipv6_extension(0, 60, 8, ipv6_extension(60, 6, 16, tcp({}, bytes("x")))));
  ASSERT_EQ(packet.size(), 40u + 8 + 16 + 21);
  EXPECT_EQ(packet[4], 0x00);
  EXPECT_EQ(packet[5], 45);   // payload length
  EXPECT_EQ(packet[6], 0);    // next header: hop-by-hop
  EXPECT_EQ(packet[40], 60);  // hop-by-hop: next destination options
  EXPECT_EQ(packet[41], 0);   // 8 bytes
  EXPECT_EQ(packet[48], 6);   // destination options: next TCP
  EXPECT_EQ(packet[49], 1);   // 16 bytes
  EXPECT_TRUE(tcp_checksum_ok(ipv6_address("2001:db8::1"), ipv6_address("2001:db8::2"),
                              std::span(packet).subspan(64)));
}

TEST(PacketBuilder, FragmentsCarryTheWholeSegmentsChecksum) {
  const Bytes segment = tcp({}, Bytes(100, 7));
  const auto pieces = ipv4_fragments({.identification = 9}, segment, 50);  // 48 + 48 + 24
  ASSERT_EQ(pieces.size(), 3u);
  Bytes rebuilt;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const std::uint16_t flags_offset = static_cast<std::uint16_t>(pieces[i][6] << 8 | pieces[i][7]);
    EXPECT_EQ(flags_offset & 0x1fff, i * 6);                     // offset in 8-byte units
    EXPECT_EQ((flags_offset & 0x2000) != 0, i + 1 < pieces.size());  // MF
    rebuilt.insert(rebuilt.end(), pieces[i].begin() + 20, pieces[i].end());
  }
  EXPECT_TRUE(tcp_checksum_ok(ipv4_address("192.0.2.1"), ipv4_address("198.51.100.2"), rebuilt));
}

TEST(PacketBuilder, LinkHeaders) {
  const Bytes ip = {0x45};
  EXPECT_EQ(ethernet(0x0800, ip, {{0x88a8, 100}, {0x8100, 200}}),
            (Bytes{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1,  // MACs
                   0x88, 0xa8, 0, 100, 0x81, 0, 0, 200,    // tags
                   8, 0, 0x45}));
  EXPECT_EQ(linux_sll(0x0800, ip), (Bytes{0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 8, 0, 0x45}));
  EXPECT_EQ(linux_sll2(0x86dd, ip),
            (Bytes{0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x45}));
  EXPECT_EQ(bsd_null(2, ip), (Bytes{2, 0, 0, 0, 0x45}));
  EXPECT_EQ(bsd_null(30, ip, false), (Bytes{0, 0, 0, 30, 0x45}));
  EXPECT_EQ(bsd_loop(24, ip), (Bytes{0, 0, 0, 24, 0x45}));
}

TEST(PcapFileWriter, ClassicHeaderAndRecordInBothByteOrders) {
  const std::vector<PcapRecord> records = {
      {.ts = Timestamp{1'000'000'001'234'567'891}, .data = {0xaa, 0xbb}, .wire_len = 60}};
  const Bytes le = pcap_bytes({.link_type = 113, .snaplen = 65535}, records);
  const Bytes expect_le = {
      0xd4, 0xc3, 0xb2, 0xa1,  // magic, µs, little-endian
      0x02, 0x00, 0x04, 0x00,  // version 2.4
      0, 0, 0, 0,              // thiszone
      0, 0, 0, 0,              // sigfigs
      0xff, 0xff, 0x00, 0x00,  // snaplen 65535
      0x71, 0x00, 0x00, 0x00,  // link type 113
      0x01, 0xca, 0x9a, 0x3b,  // ts_sec 1000000001
      0x47, 0x94, 0x03, 0x00,  // ts_usec 234567
      0x02, 0x00, 0x00, 0x00,  // incl_len 2
      0x3c, 0x00, 0x00, 0x00,  // orig_len 60
      0xaa, 0xbb,
  };
  EXPECT_EQ(le, expect_le);
  const Bytes be = pcap_bytes({.link_type = 1, .nanosecond = true, .endian = Endian::Big}, records);
  EXPECT_EQ(Bytes(be.begin(), be.begin() + 4), (Bytes{0xa1, 0xb2, 0x3c, 0x4d}));  // ns magic
  // ts_nsec 234567891, big-endian
  EXPECT_EQ(Bytes(be.begin() + 28, be.begin() + 32), (Bytes{0x0d, 0xfb, 0x38, 0xd3}));
  EXPECT_EQ(pcap_record_offset(records, 0), 24u);
}

TEST(PcapFileWriter, PcapngBlocksAreWellFormed) {
  const std::vector<PcapRecord> records = {{.ts = Timestamp{5}, .data = Bytes(5, 1)}};
  const Bytes ng = pcapng_bytes({{.link_type = 1, .nanosecond = true}}, records);
  // SHB 28 + IDB (20 + if_tsresol 8 + end 4 = 32) + EPB (32 + 8 padded data = 40).
  ASSERT_EQ(ng.size(), 28u + 32 + 40);
  EXPECT_EQ(Bytes(ng.begin(), ng.begin() + 4), (Bytes{0x0a, 0x0d, 0x0d, 0x0a}));
  EXPECT_EQ(ng[28], 1);        // IDB
  EXPECT_EQ(ng[28 + 4], 32);   // its length
  EXPECT_EQ(ng[28 + 16], 9);   // option if_tsresol
  EXPECT_EQ(ng[28 + 20], 9);   // 10^-9
  EXPECT_EQ(ng[60], 6);        // EPB
  EXPECT_EQ(ng[60 + 4], 40);   // its length
  EXPECT_EQ(ng[60 + 16], 5);   // timestamp low: 5 ns
  EXPECT_EQ(Bytes(ng.end() - 4, ng.end()), (Bytes{40, 0, 0, 0}));  // trailing length
}

}  // namespace
}  // namespace tlsdiag::test
