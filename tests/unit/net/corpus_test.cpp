// PacketDecoder over real captures from ../shared/corpus/zeek (skipped when absent): one file per
// link type. Expected segment counts and TCP payload bytes are tshark 4.0's
// (tshark -r F -Y tcp -T fields -e tcp.len), checked frame by frame when these were written.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/paths.h"
#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/net/packet_decoder.h"

namespace tlsdiag::net {
namespace {

class Totals : public SegmentSink {
 public:
  void on_segment(const Segment& s) override {
    ++segments;
    payload_bytes += s.payload_len;
    captured_bytes += s.payload.size();
  }
  void on_end(Timestamp) override { ++ends; }
  std::uint64_t segments = 0;
  std::uint64_t payload_bytes = 0;
  std::uint64_t captured_bytes = 0;
  int ends = 0;
};

TEST(PacketDecoderCorpus, OneCapturePerLinkTypeMatchesTshark) {
  const auto corpus = test::zeek_corpus_dir();
  if (!corpus) GTEST_SKIP() << "../shared/corpus/zeek not found (set TLSDIAG_CORPUS)";
  const struct {
    const char* file;
    const char* link_name;
    std::uint64_t segments;
    std::uint64_t payload_bytes;
  } cases[] = {
      {"ecdhe.pcap", "EN10MB", 28, 5146},
      {"certificate-request-failed.pcap", "EN10MB", 12, 4091},  // IPv6
      {"pppoe-over-qinq.pcap", "EN10MB", 86, 34520},  // QinQ + PPPoE; IP lengths that count padding
      {"connect-with-header.pcap", "NULL", 58, 59143},  // IPv6 loopback
      {"pop3-starttls.pcap", "NULL", 33, 3441},
      {"irc-starttls.pcap", "LINUX_SLL", 20, 2816},
      {"openjdk-25.0.2-zeek.org.pcap", "LINUX_SLL2", 6, 3377},
      {"ml-dsa-44-cert.pcap", "RAW", 5, 4175},
      {"ocsp-empty-responderid.pcap", "IPV4", 7, 420},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    capture::FileSource source((*corpus / c.file).string());
    ASSERT_EQ(source.open(), std::nullopt);
    EXPECT_EQ(source.info().link_name, c.link_name);
    Totals totals;
    PacketDecoder decoder(totals);
    EXPECT_EQ(source.run(decoder), std::nullopt);
    EXPECT_EQ(totals.segments, c.segments);
    EXPECT_EQ(totals.payload_bytes, c.payload_bytes);
    EXPECT_EQ(totals.captured_bytes, c.payload_bytes);
    EXPECT_EQ(totals.ends, 1);
    EXPECT_EQ(decoder.stats().packets, source.packets_read());
    EXPECT_EQ(decoder.stats().malformed, 0u);
  }
}

TEST(PacketDecoderCorpus, EveryCaptureReadsToTheEndWithoutMalformedPackets) {
  const auto corpus = test::zeek_corpus_dir();
  if (!corpus) GTEST_SKIP() << "../shared/corpus/zeek not found (set TLSDIAG_CORPUS)";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(*corpus)) {
    if (entry.path().extension() != ".pcap" && entry.path().extension() != ".pcapng") continue;
    SCOPED_TRACE(entry.path().filename().string());
    capture::FileSource source(entry.path().string());
    if (source.open()) continue;  // e.g. a gzip-compressed trace: FileSourceTest covers the message
    Totals totals;
    PacketDecoder decoder(totals);
    EXPECT_EQ(source.run(decoder), std::nullopt);
    const DecodeStats& s = decoder.stats();
    EXPECT_EQ(s.malformed, 0u);
    EXPECT_EQ(s.packets + s.ip_reassembled, s.unsupported_link + s.non_ip + s.non_tcp +
                                                s.tcp_packets + s.ip_fragments +
                                                s.truncated_headers + s.malformed);
    ++files;
  }
  EXPECT_GT(files, 50);
}

}  // namespace
}  // namespace tlsdiag::net
