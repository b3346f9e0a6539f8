#include "tlsdiag/capture/merged_source.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/pcap_file_writer.h"

namespace tlsdiag::capture {
namespace {

using test::Bytes;
using test::PcapRecord;

::testing::AssertionResult HasSubstr(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

struct Seen {
  std::uint64_t number;
  std::int64_t ts;
  std::uint16_t port;  // which packet: its destination port
  bool operator==(const Seen&) const = default;
};

class Recorder : public PacketSink {
 public:
  void on_packet(const Packet& p) override {
    // Ethernet 14 + IPv4 20: the destination port is at 36.
    const auto port = static_cast<std::uint16_t>(p.data[36] << 8 | p.data[37]);
    seen.push_back({p.number, p.ts.ns, port});
  }
  void on_end(Timestamp last) override {
    ++ends;
    end = last;
  }
  std::vector<Seen> seen;
  int ends = 0;
  Timestamp end{};
};

constexpr std::int64_t kT0 = 1'700'000'000'000'000'000;

// A packet at kT0 + |ms| milliseconds, told apart by its destination port.
PcapRecord at(std::int64_t ms, std::uint16_t port) {
  return {.ts = Timestamp{kT0 + ms * 1'000'000}, .data = test::eth_ipv4_tcp({.dst_port = port}, test::bytes("x"))};
}

class MergedSourceTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::vector<PcapRecord>& records, int link_type = 1) {
    const auto path = dir_.file(name);
    test::write_file(path, test::pcap_bytes({.link_type = link_type}, records));
    return path.string();
  }
  test::TempDir dir_;
};

TEST_F(MergedSourceTest, ConsecutivePiecesReadAsOneCaptureNumberedThroughout) {
  const std::string a = write("t.pcap", {at(0, 1), at(1, 2), at(2, 3)});
  const std::string b = write("t.pcap1", {at(3, 4), at(4, 5)});
  const std::string c = write("t.pcap2", {at(5, 6)});
  MergedSource source({a, b, c});
  ASSERT_FALSE(source.open());
  EXPECT_EQ(source.info().path, a);
  EXPECT_EQ(source.info().parts, (std::vector<std::string>{a, b, c}));
  Recorder sink;
  EXPECT_FALSE(source.run(sink));
  const std::vector<Seen> want = {
      {1, kT0, 1}, {2, kT0 + 1'000'000, 2}, {3, kT0 + 2'000'000, 3},
      {4, kT0 + 3'000'000, 4}, {5, kT0 + 4'000'000, 5}, {6, kT0 + 5'000'000, 6},
  };
  EXPECT_EQ(sink.seen, want);
  EXPECT_EQ(sink.ends, 1);
  EXPECT_EQ(sink.end.ns, kT0 + 5'000'000);
  EXPECT_TRUE(source.info().notes.empty());
}

TEST_F(MergedSourceTest, OrderOfTheFilesDoesNotMatterTimeDoes) {
  const std::string late = write("t.pcap1", {at(10, 3), at(11, 4)});
  const std::string early = write("t.pcap2", {at(0, 1), at(1, 2)});
  MergedSource source({late, early});
  ASSERT_FALSE(source.open());
  Recorder sink;
  EXPECT_FALSE(source.run(sink));
  ASSERT_EQ(sink.seen.size(), 4u);
  for (std::uint16_t i = 0; i < 4; ++i) EXPECT_EQ(sink.seen[i].port, i + 1);
  // Out of name order but not overlapping in time.
  EXPECT_TRUE(source.info().notes.empty());
}

TEST_F(MergedSourceTest, OverlappingPiecesAreInterleavedAndNoted) {
  const std::string a = write("t.pcap", {at(0, 1), at(2, 3), at(4, 5)});
  const std::string b = write("t.pcap1", {at(1, 2), at(2, 4), at(5, 6)});
  MergedSource source({a, b});
  ASSERT_FALSE(source.open());
  Recorder sink;
  EXPECT_FALSE(source.run(sink));
  std::vector<std::uint16_t> ports;
  for (const Seen& s : sink.seen) ports.push_back(s.port);
  // Equal timestamps (2 ms): the earlier file first.
  EXPECT_EQ(ports, (std::vector<std::uint16_t>{1, 2, 3, 4, 5, 6}));
  ASSERT_EQ(source.info().notes.size(), 1u);
  EXPECT_TRUE(HasSubstr(source.info().notes[0], "rotated pieces overlap in time: " + a));
  EXPECT_TRUE(HasSubstr(source.info().notes[0], "after " + b + " starts at"));
}

TEST_F(MergedSourceTest, DifferentLinkTypesAreNotMerged) {
  const std::string a = write("t.pcap", {at(0, 1)}, 1);
  const std::string b = write("t.pcap1", {at(1, 2)}, 113);
  const auto error = MergedSource({a, b}).open();
  ASSERT_TRUE(error);
  EXPECT_TRUE(HasSubstr(error->message, b + ": cannot be merged with " + a));
}

TEST_F(MergedSourceTest, BrokenPieceIsReportedAndTheOthersStillRead) {
  const std::vector<PcapRecord> middle = {at(2, 3), at(3, 4)};
  Bytes cut = test::pcap_bytes({}, middle);
  cut.resize(cut.size() - 1);  // the second record loses a byte
  const std::string a = write("t.pcap", {at(0, 1), at(1, 2)});
  const std::string b = dir_.file("t.pcap1").string();
  test::write_file(b, cut);
  const std::string c = write("t.pcap2", {at(4, 5)});
  MergedSource source({a, b, c});
  ASSERT_FALSE(source.open());
  Recorder sink;
  const auto error = source.run(sink);
  ASSERT_TRUE(error);
  EXPECT_TRUE(HasSubstr(error->message, b + ": packet 2 at byte"));
  std::vector<std::uint16_t> ports;
  for (const Seen& s : sink.seen) ports.push_back(s.port);
  EXPECT_EQ(ports, (std::vector<std::uint16_t>{1, 2, 3, 5}));
}

TEST_F(MergedSourceTest, FilterDropsPacketsButNumbersCountThem) {
  const std::string a = write("t.pcap", {at(0, 443), at(1, 80)});
  const std::string b = write("t.pcap1", {at(2, 443)});
  MergedSource source({a, b}, FileSourceOptions{.bpf_filter = "tcp port 443"});
  ASSERT_FALSE(source.open());
  Recorder sink;
  EXPECT_FALSE(source.run(sink));
  ASSERT_EQ(sink.seen.size(), 2u);
  EXPECT_EQ(sink.seen[0].number, 1u);
  EXPECT_EQ(sink.seen[1].number, 3u);
}

TEST_F(MergedSourceTest, ProgressCountsEveryPiece) {
  const std::string a = write("t.pcap", {at(0, 1)});
  const std::string b = write("t.pcap1", {at(1, 2)});
  std::atomic<std::uint64_t> progress{0};
  MergedSource source({a, b}, FileSourceOptions{.bpf_filter = {}, .progress = &progress});
  ASSERT_FALSE(source.open());
  Recorder sink;
  EXPECT_FALSE(source.run(sink));
  EXPECT_EQ(progress.load(), std::filesystem::file_size(a) + std::filesystem::file_size(b));
}

}  // namespace
}  // namespace tlsdiag::capture
