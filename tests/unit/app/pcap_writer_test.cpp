// PcapWriter: files libpcap reads back byte for byte, appended to across runs, rotated by
// rename (reopen) or by copytruncate.
#include "pcap_writer.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "app_fixtures.h"
#include "support/pcap_file_writer.h"

namespace tlsdiag::app {
namespace {

using test::Bytes;

constexpr int kEthernet = capture::link_type::kEthernet;

std::vector<PcapPacket> two_packets(const Bytes& a, const Bytes& b) {
  return {PcapPacket{Timestamp{1'700'000'000'123'456'789}, static_cast<std::uint32_t>(a.size()), a},
          PcapPacket{Timestamp{1'700'000'001'000'000'001}, static_cast<std::uint32_t>(b.size() + 100), b}};
}

TEST(PcapWriter, LibpcapReadsBackTheSamePackets) {
  test::TempDir dir;
  const Bytes a = test::eth_ipv4_tcp({}, test::bytes("hello"));
  const Bytes b = test::eth_ipv4_tcp({.src_port = 443, .dst_port = 40000});
  {
    PcapWriter w(dir.file("f.pcap").string(), kEthernet, 262144);
    ASSERT_FALSE(w.open());
    ASSERT_FALSE(w.write_packets(two_packets(a, b)));
  }
  const auto back = test::read_capture(dir.file("f.pcap"));
  ASSERT_EQ(back.error, "");
  EXPECT_EQ(back.link_type, kEthernet);
  ASSERT_EQ(back.packets.size(), 2U);
  EXPECT_EQ(Bytes(back.packets[0].data.begin(), back.packets[0].data.end()), a);
  EXPECT_EQ(back.packets[0].ts, Timestamp{1'700'000'000'123'456'789});  // nanoseconds kept
  EXPECT_EQ(back.packets[1].wire_len, b.size() + 100);
}

TEST(PcapWriter, AppendsToAnEarlierFileOfTheSameKind) {
  test::TempDir dir;
  const Bytes a = test::eth_ipv4_tcp();
  for (int run = 0; run < 2; ++run) {
    PcapWriter w(dir.file("f.pcap").string(), kEthernet, 262144);
    ASSERT_FALSE(w.open());
    ASSERT_FALSE(w.write_packets(two_packets(a, a)));
  }
  EXPECT_EQ(test::read_capture(dir.file("f.pcap")).packets.size(), 4U);
}

TEST(PcapWriter, RefusesAFileOfAnotherLinkTypeOrFormat) {
  test::TempDir dir;
  test::write_file(dir.file("raw.pcap"), test::pcap_bytes({.link_type = 101, .nanosecond = true}, {}));
  test::write_file(dir.file("text.pcap"), test::bytes("this is not a capture file at all"));
  for (const char* name : {"raw.pcap", "text.pcap"}) {
    SCOPED_TRACE(name);
    PcapWriter w(dir.file(name).string(), kEthernet, 262144);
    const auto error = w.open();
    ASSERT_TRUE(error);
    EXPECT_NE(error->find("move it away"), std::string::npos) << *error;
  }
}

TEST(PcapWriter, WritesTheHeaderAgainAfterCopytruncate) {
  test::TempDir dir;
  const auto path = dir.file("f.pcap");
  const Bytes a = test::eth_ipv4_tcp();
  PcapWriter w(path.string(), kEthernet, 262144);
  ASSERT_FALSE(w.open());
  ASSERT_FALSE(w.write_packets(two_packets(a, a)));
  std::filesystem::resize_file(path, 0);  // logrotate copytruncate
  ASSERT_FALSE(w.write_packets(two_packets(a, a)));
  const auto back = test::read_capture(path);
  EXPECT_EQ(back.error, "");
  EXPECT_EQ(back.packets.size(), 2U);
}

TEST(PcapWriter, ReopenAfterARenameStartsANewFile) {
  test::TempDir dir;
  const auto path = dir.file("f.pcap");
  const Bytes a = test::eth_ipv4_tcp();
  PcapWriter w(path.string(), kEthernet, 262144);
  ASSERT_FALSE(w.open());
  ASSERT_FALSE(w.write_packets(two_packets(a, a)));
  std::filesystem::rename(path, dir.file("f.pcap.1"));  // logrotate's rename, then SIGHUP
  ASSERT_FALSE(w.reopen());
  ASSERT_FALSE(w.write_packets(std::vector<PcapPacket>{two_packets(a, a)[0]}));
  EXPECT_EQ(test::read_capture(dir.file("f.pcap.1")).packets.size(), 2U);
  EXPECT_EQ(test::read_capture(path).packets.size(), 1U);
}

TEST(PcapLinkType, DltRawIsStoredAsLinktypeRaw) {
  EXPECT_EQ(pcap_link_type(capture::link_type::kDltRaw), capture::link_type::kRaw);
  EXPECT_EQ(pcap_link_type(capture::link_type::kLinuxSll2), capture::link_type::kLinuxSll2);
  EXPECT_EQ(pcap_link_type(kEthernet), kEthernet);
}

}  // namespace
}  // namespace tlsdiag::app
