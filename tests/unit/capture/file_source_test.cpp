#include "tlsdiag/capture/file_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "support/packet_builder.h"
#include "support/pcap_file_writer.h"
#include "temp_file_fixture.h"
#include "tlsdiag/capture/link_types.h"

namespace tlsdiag::capture {
namespace {

using test::Bytes;
using test::Endian;
using test::PcapRecord;

// gmock's HasSubstr, without gmock.
::testing::AssertionResult HasSubstr(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

struct Seen {
  std::uint64_t number;
  Timestamp ts;
  Bytes data;
  std::uint32_t wire_len;
  int link_type;
};

// Recording PacketSink: keeps a copy of every packet and the on_end calls.
class RecordingSink : public PacketSink {
 public:
  void on_packet(const Packet& p) override {
    packets.push_back({p.number, p.ts, Bytes(p.data.begin(), p.data.end()), p.wire_len, p.link_type});
    if (stop_after != 0 && packets.size() == stop_after) stop->store(true);
  }
  void on_end(Timestamp last) override {
    ++ends;
    end_ts = last;
  }
  std::vector<Seen> packets;
  int ends = 0;
  Timestamp end_ts{-1};
  std::size_t stop_after = 0;
  std::atomic<bool>* stop = nullptr;
};

// 2023-11-14T22:13:20.123456789Z
constexpr Timestamp kT0{1'700'000'000'123'456'789};
constexpr Timestamp kT1{1'700'000'001'000'000'999};

std::vector<PcapRecord> three_records() {
  return {
      {.ts = kT0, .data = test::eth_ipv4_tcp({.dst_port = 443}, test::bytes("one"))},
      {.ts = kT1, .data = test::eth_ipv4_tcp({.dst_port = 80}, test::bytes("two")), .wire_len = 200},
      {.ts = kT1, .data = test::eth_ipv4_tcp({.dst_port = 443}, test::bytes("three"))},
  };
}

Timestamp to_micro(Timestamp t) { return Timestamp{t.ns / 1000 * 1000}; }

class FileSourceTest : public TempFileTest {};

// Classic pcap is read in place (PcapRecordReader) or, with libpcap_reader, through libpcap: each
// of these tests runs with both (the parameter is libpcap_reader).
class ClassicPcapTest : public TempFileTest, public ::testing::WithParamInterface<bool> {
 protected:
  FileSourceOptions options(FileSourceOptions o = {}) const {
    o.libpcap_reader = GetParam();
    return o;
  }
};

INSTANTIATE_TEST_SUITE_P(Readers, ClassicPcapTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "Libpcap" : "InPlace";
                         });

TEST_P(ClassicPcapTest, ReadsClassicPcapInEachPrecisionAndByteOrder) {
  const auto records = three_records();
  for (const bool ns : {false, true}) {
    for (const Endian endian : {Endian::Little, Endian::Big}) {
      SCOPED_TRACE(std::string(ns ? "ns" : "us") + (endian == Endian::Big ? " big" : " little"));
      const auto path =
          write("a.pcap", test::pcap_bytes({.nanosecond = ns, .endian = endian}, records));
      FileSource source(path, options());
      ASSERT_EQ(source.open(), std::nullopt);
      EXPECT_EQ(source.reads_in_place(), !GetParam());
      EXPECT_EQ(source.info().path, path);
      EXPECT_EQ(source.info().format, "pcap");
      EXPECT_EQ(source.info().link_type, link_type::kEthernet);
      EXPECT_EQ(source.info().link_name, "EN10MB");
      EXPECT_EQ(source.info().snaplen, 262144u);
      EXPECT_EQ(source.info().nanosecond, ns);
      RecordingSink sink;
      EXPECT_EQ(source.run(sink), std::nullopt);
      ASSERT_EQ(sink.packets.size(), 3u);
      for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(sink.packets[i].number, i + 1);
        EXPECT_EQ(sink.packets[i].data, records[i].data);
        EXPECT_EQ(sink.packets[i].link_type, link_type::kEthernet);
        EXPECT_EQ(sink.packets[i].ts, ns ? records[i].ts : to_micro(records[i].ts));
      }
      EXPECT_EQ(sink.packets[0].wire_len, records[0].data.size());
      EXPECT_EQ(sink.packets[1].wire_len, 200u);  // caplen < len: cut by the snapshot length
      EXPECT_EQ(sink.ends, 1);
      EXPECT_EQ(sink.end_ts, sink.packets[2].ts);
      EXPECT_EQ(source.packets_read(), 3u);
    }
  }
}

TEST_F(FileSourceTest, ReadsPcapng) {
  const auto records = three_records();
  for (const bool ns : {false, true}) {
    for (const Endian endian : {Endian::Little, Endian::Big}) {
      SCOPED_TRACE(std::string(ns ? "ns" : "us") + (endian == Endian::Big ? " big" : " little"));
      const auto path =
          write("a.pcapng", test::pcapng_bytes({{.link_type = 1, .nanosecond = ns}}, records, endian));
      FileSource source(path);
      ASSERT_EQ(source.open(), std::nullopt);
      EXPECT_EQ(source.info().format, "pcapng");
      EXPECT_EQ(source.info().link_name, "EN10MB");
      RecordingSink sink;
      EXPECT_EQ(source.run(sink), std::nullopt);
      ASSERT_EQ(sink.packets.size(), 3u);
      for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(sink.packets[i].number, i + 1);
        EXPECT_EQ(sink.packets[i].data, records[i].data);
        EXPECT_EQ(sink.packets[i].ts, ns ? records[i].ts : to_micro(records[i].ts));
      }
      EXPECT_EQ(sink.packets[1].wire_len, 200u);
      EXPECT_EQ(sink.ends, 1);
    }
  }
}

TEST_F(FileSourceTest, RawIpFileReportsDltRaw) {
  const Bytes ip = test::ipv4({}, test::tcp({}));
  const auto path =
      write("raw.pcap", test::pcap_bytes({.link_type = link_type::kRaw}, {{.ts = kT0, .data = ip}}));
  FileSource source(path);
  ASSERT_EQ(source.open(), std::nullopt);
  // libpcap maps LINKTYPE_RAW (101) in the file to DLT_RAW (12 on Linux).
  EXPECT_EQ(source.info().link_type, link_type::kDltRaw);
  EXPECT_EQ(source.info().link_name, "RAW");
}

TEST_F(FileSourceTest, OpenErrorsNameTheFile) {
  const Bytes good = test::pcap_bytes({}, three_records());
  const struct {
    const char* name;
    Bytes bytes;
    const char* says;
  } cases[] = {
      {"empty.pcap", {}, "empty file"},
      {"short.pcap", {0xd4, 0xc3}, "only 2 bytes"},
      {"text.pcap", test::bytes("hello, world\n"),
       "not a pcap or pcapng capture (starts with 0x68656c6c)"},
      {"header.pcap", Bytes(good.begin(), good.begin() + 10), "truncated"},
      {"gz.pcap", {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0}, "gzip"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto path = write(c.name, c.bytes);
    FileSource source(path);
    const auto error = source.open();
    ASSERT_NE(error, std::nullopt);
    EXPECT_TRUE(HasSubstr(error->message, path));
    EXPECT_TRUE(HasSubstr(error->message, c.says));
  }
}

TEST_F(FileSourceTest, MissingFile) {
  const auto path = dir_.file("nope.pcap").string();
  FileSource source(path);
  const auto error = source.open();
  ASSERT_NE(error, std::nullopt);
  EXPECT_TRUE(HasSubstr(error->message, path));
  EXPECT_TRUE(HasSubstr(error->message, "No such file"));
}

TEST_P(ClassicPcapTest, TruncatedRecordStopsWithItsOffsetAfterDeliveringTheOthers) {
  const auto records = three_records();
  const Bytes whole = test::pcap_bytes({}, records);
  const std::size_t third = test::pcap_record_offset(records, 2);
  const struct {
    const char* name;
    std::size_t keep;
  } cuts[] = {
      {"inside record header", third + 7},
      {"inside record data", third + 16 + 10},
  };
  for (const auto& cut : cuts) {
    SCOPED_TRACE(cut.name);
    const auto path =
        write("cut.pcap", Bytes(whole.begin(), whole.begin() + static_cast<long>(cut.keep)));
    FileSource source(path, options());
    ASSERT_EQ(source.open(), std::nullopt);
    RecordingSink sink;
    const auto error = source.run(sink);
    ASSERT_NE(error, std::nullopt);
    EXPECT_EQ(error->offset, third);
    EXPECT_TRUE(HasSubstr(error->message, path));
    EXPECT_TRUE(HasSubstr(error->message, "packet 3 at byte " + std::to_string(third)));
    EXPECT_TRUE(HasSubstr(error->message, "ends in the middle of a record"));
    ASSERT_EQ(sink.packets.size(), 2u);
    EXPECT_EQ(sink.ends, 1);
    EXPECT_EQ(sink.end_ts, sink.packets[1].ts);
  }
}

TEST_P(ClassicPcapTest, RecordLongerThanSnaplenIsAnError) {
  auto records = three_records();
  records[1].data.resize(150);
  records[1].wire_len = 150;
  const auto path = write("snap.pcap", test::pcap_bytes({.snaplen = 100}, records));
  FileSource source(path, options());
  ASSERT_EQ(source.open(), std::nullopt);
  RecordingSink sink;
  const auto error = source.run(sink);
  ASSERT_NE(error, std::nullopt);
  EXPECT_EQ(error->offset, test::pcap_record_offset(records, 1));
  EXPECT_TRUE(HasSubstr(error->message,
                        "record claims 150 captured bytes, more than the snapshot length 100"));
  EXPECT_EQ(sink.packets.size(), 1u);
  EXPECT_EQ(sink.ends, 1);
}

TEST_P(ClassicPcapTest, AbsurdCaplenIsAnError) {
  const auto records = three_records();
  Bytes bytes = test::pcap_bytes({}, records);
  const std::size_t second = test::pcap_record_offset(records, 1);
  // incl_len of the second record (little-endian) := 300000 (0x000493e0).
  bytes[second + 8] = 0xe0;
  bytes[second + 9] = 0x93;
  bytes[second + 10] = 0x04;
  bytes[second + 11] = 0x00;
  const auto path = write("absurd.pcap", bytes);
  FileSource source(path, options());
  ASSERT_EQ(source.open(), std::nullopt);
  RecordingSink sink;
  const auto error = source.run(sink);
  ASSERT_NE(error, std::nullopt);
  EXPECT_EQ(error->offset, second);
  EXPECT_TRUE(HasSubstr(error->message, "300000"));
  EXPECT_EQ(sink.packets.size(), 1u);
  EXPECT_EQ(sink.ends, 1);
}

TEST_F(FileSourceTest, CorruptPcapngBlockStopsWithAnOffset) {
  const auto records = three_records();
  Bytes bytes = test::pcapng_bytes({{}}, records);
  // Block total length of the last EPB := 5 (not a multiple of 4, shorter than a block).
  const std::size_t last_epb = bytes.size() - (32 + ((records[2].data.size() + 3) / 4 * 4));
  ASSERT_EQ(bytes[last_epb], 6);
  bytes[last_epb + 4] = 5;
  bytes[last_epb + 5] = 0;
  const auto path = write("corrupt.pcapng", bytes);
  FileSource source(path);
  ASSERT_EQ(source.open(), std::nullopt);
  RecordingSink sink;
  const auto error = source.run(sink);
  ASSERT_NE(error, std::nullopt);
  ASSERT_TRUE(error->offset.has_value());
  EXPECT_GE(*error->offset, last_epb);
  EXPECT_TRUE(HasSubstr(error->message, "packet 3"));
  EXPECT_EQ(sink.packets.size(), 2u);
  EXPECT_EQ(sink.ends, 1);
}

TEST_F(FileSourceTest, PcapngWithMixedLinkTypesIsExplained) {
  std::vector<PcapRecord> records = {
      {.ts = kT0, .data = test::eth_ipv4_tcp(), .interface_id = 0},
      {.ts = kT1, .data = test::ipv4({}, test::tcp({})), .interface_id = 1},
  };
  const auto path =
      write("mixed.pcapng", test::pcapng_bytes({{.link_type = 1}, {.link_type = 101}}, records));
  FileSource source(path);
  ASSERT_EQ(source.open(), std::nullopt);
  RecordingSink sink;
  const auto error = source.run(sink);
  ASSERT_NE(error, std::nullopt);
  EXPECT_TRUE(HasSubstr(error->message, "interfaces with different link types"));
  EXPECT_TRUE(HasSubstr(error->message, "first EN10MB, then RAW"));
  EXPECT_EQ(sink.ends, 1);
}

TEST_P(ClassicPcapTest, BpfFilterDropsPacketsButKeepsTheirNumbers) {
  const auto path = write("f.pcap", test::pcap_bytes({}, three_records()));
  FileSource source(path, options({.bpf_filter = "tcp dst port 443"}));
  ASSERT_EQ(source.open(), std::nullopt);
  RecordingSink sink;
  EXPECT_EQ(source.run(sink), std::nullopt);
  ASSERT_EQ(sink.packets.size(), 2u);
  EXPECT_EQ(sink.packets[0].number, 1u);
  EXPECT_EQ(sink.packets[1].number, 3u);
  EXPECT_EQ(source.packets_read(), 3u);
  EXPECT_EQ(sink.end_ts, to_micro(kT1));  // the last record read, though filtered out
}

TEST_F(FileSourceTest, BadFilterIsAnOpenError) {
  const auto path = write("f.pcap", test::pcap_bytes({}, three_records()));
  FileSource source(path, {.bpf_filter = "tcp port nonsense(("});
  const auto error = source.open();
  ASSERT_NE(error, std::nullopt);
  EXPECT_TRUE(HasSubstr(error->message, path));
  EXPECT_TRUE(HasSubstr(error->message, "bad BPF filter \"tcp port nonsense((\""));
}

TEST_P(ClassicPcapTest, StopFlagEndsTheRunEarly) {
  const auto path = write("s.pcap", test::pcap_bytes({}, three_records()));
  std::atomic<bool> stop{false};
  FileSource source(path, options());
  ASSERT_EQ(source.open(), std::nullopt);
  RecordingSink sink;
  sink.stop_after = 1;
  sink.stop = &stop;
  EXPECT_EQ(source.run(sink, &stop), std::nullopt);
  EXPECT_EQ(sink.packets.size(), 1u);
  EXPECT_EQ(sink.ends, 1);
}

TEST_P(ClassicPcapTest, EmptyCaptureEndsAtTimeZero) {
  const auto path = write("none.pcap", test::pcap_bytes({}, {}));
  FileSource source(path, options());
  ASSERT_EQ(source.open(), std::nullopt);
  RecordingSink sink;
  EXPECT_EQ(source.run(sink), std::nullopt);
  EXPECT_TRUE(sink.packets.empty());
  EXPECT_EQ(sink.ends, 1);
  EXPECT_EQ(sink.end_ts, Timestamp{});
}

TEST_F(FileSourceTest, RunWithoutOpenStillEnds) {
  FileSource source(dir_.file("x.pcap").string());
  RecordingSink sink;
  EXPECT_NE(source.run(sink), std::nullopt);
  EXPECT_EQ(sink.ends, 1);
}

}  // namespace
}  // namespace tlsdiag::capture
