// FileSource reads uncompressed classic pcap in place (PcapRecordReader) instead of through
// libpcap's pcap_next_ex. These tests hold the two readers to the same output: every packet's
// number, timestamp, bytes, wire length and link type, where reading stops, and at which byte of
// the file an error is reported (the wording of the messages differs). libpcap is the reference.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/packet_builder.h"
#include "support/paths.h"
#include "support/pcap_file_writer.h"
#include "temp_file_fixture.h"
#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/capture/pcap_record_reader.h"

namespace tlsdiag::capture {
namespace {

using test::Bytes;
using test::Endian;

struct Seen {
  std::uint64_t number;
  std::int64_t ts_ns;
  Bytes data;
  std::uint32_t wire_len;
  int link_type;
  bool operator==(const Seen&) const = default;
};

struct Reading {
  bool opened = false;
  bool in_place = false;
  std::vector<Seen> packets;
  int ends = 0;
  std::int64_t end_ts_ns = -1;
  bool failed = false;
  std::optional<std::uint64_t> error_offset;
  std::string error_message;
  std::uint64_t packets_read = 0;
};

class Recorder : public PacketSink {
 public:
  explicit Recorder(Reading& r) : r_(r) {}
  void on_packet(const Packet& p) override {
    r_.packets.push_back({p.number, p.ts.ns, Bytes(p.data.begin(), p.data.end()), p.wire_len, p.link_type});
  }
  void on_end(Timestamp last) override {
    ++r_.ends;
    r_.end_ts_ns = last.ns;
  }

 private:
  Reading& r_;
};

Reading read_all(const std::string& path, bool libpcap, const std::string& filter = "") {
  Reading r;
  FileSource source(path, {.bpf_filter = filter, .libpcap_reader = libpcap});
  if (source.open()) return r;
  r.opened = true;
  r.in_place = source.reads_in_place();
  Recorder sink(r);
  if (const auto error = source.run(sink)) {
    r.failed = true;
    r.error_offset = error->offset;
    r.error_message = error->message;
  }
  r.packets_read = source.packets_read();
  return r;
}

// The in-place reading of |path| equals libpcap's; returns whether it was read in place.
bool expect_same_as_libpcap(const std::string& path, const std::string& filter = "") {
  SCOPED_TRACE(path);
  const Reading reference = read_all(path, true, filter);
  const Reading in_place = read_all(path, false, filter);
  EXPECT_FALSE(reference.in_place);
  EXPECT_EQ(in_place.opened, reference.opened);
  EXPECT_EQ(in_place.packets.size(), reference.packets.size());
  const std::size_t n = std::min(in_place.packets.size(), reference.packets.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (in_place.packets[i] == reference.packets[i]) continue;
    ADD_FAILURE() << "packet " << reference.packets[i].number << " differs: ts " << in_place.packets[i].ts_ns
                  << " / " << reference.packets[i].ts_ns << ", wire_len " << in_place.packets[i].wire_len << " / "
                  << reference.packets[i].wire_len;
    break;
  }
  EXPECT_EQ(in_place.ends, reference.ends);
  EXPECT_EQ(in_place.end_ts_ns, reference.end_ts_ns);
  EXPECT_EQ(in_place.failed, reference.failed) << in_place.error_message << " | " << reference.error_message;
  EXPECT_EQ(in_place.error_offset, reference.error_offset) << in_place.error_message << " | " << reference.error_message;
  EXPECT_EQ(in_place.packets_read, reference.packets_read);
  return in_place.in_place;
}

std::vector<test::PcapRecord> some_records() {
  return {
      {.ts = Timestamp{1'700'000'000'123'456'789}, .data = test::eth_ipv4_tcp({.dst_port = 443}, test::bytes("one"))},
      {.ts = Timestamp{1'700'000'001'000'000'999}, .data = test::eth_ipv4_tcp({}, test::bytes("second")), .wire_len = 900},
      {.ts = Timestamp{1'700'000'002'000'000'000}, .data = {}},  // caplen 0
      {.ts = Timestamp{1'700'000'003'000'000'000}, .data = test::eth_ipv4_tcp({.dst_port = 443}, Bytes(3000, 0x17))},
  };
}

// Overwrites the 32-bit field at |at| in the file's byte order.
void put_u32(Bytes& bytes, std::size_t at, std::uint32_t value, Endian endian) {
  for (int i = 0; i < 4; ++i) {
    const int shift = endian == Endian::Big ? 24 - 8 * i : 8 * i;
    bytes[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value >> shift);
  }
}

class InPlaceReaderTest : public TempFileTest {};

TEST_F(InPlaceReaderTest, SameAsLibpcapOnEverySampleAndCorpusCapture) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(test::source_dir() / "samples")) {
    if (e.path().extension() == ".pcap" || e.path().extension() == ".pcapng") files.push_back(e.path());
  }
  if (const auto corpus = test::zeek_corpus_dir()) {
    for (const auto& e : std::filesystem::directory_iterator(*corpus)) {
      if (e.path().extension() == ".pcap" || e.path().extension() == ".pcapng") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 50u);
  std::size_t in_place = 0;
  for (const auto& f : files) in_place += expect_same_as_libpcap(f.string()) ? 1 : 0;
  // samples/ alone has 60 classic Ethernet captures; the corpus adds NULL, SLL, SLL2, RAW, IPV4.
  EXPECT_GE(in_place, 60u);
  // With a BPF filter (SYNs only), on one capture: same packets kept, same numbers.
  const auto mixed = (test::source_dir() / "samples/many-flows-mixed.pcap").string();
  EXPECT_TRUE(expect_same_as_libpcap(mixed, "tcp[13] & 2 != 0"));
  const Reading filtered = read_all(mixed, false, "tcp[13] & 2 != 0");
  EXPECT_GT(filtered.packets.size(), 0u);
  EXPECT_LT(filtered.packets.size(), filtered.packets_read);
}

TEST_F(InPlaceReaderTest, SameAsLibpcapWhereverTheFileIsCut) {
  for (const bool ns : {false, true}) {
    for (const Endian endian : {Endian::Little, Endian::Big}) {
      SCOPED_TRACE(std::string(ns ? "ns" : "us") + (endian == Endian::Big ? " big" : " little"));
      const auto records = some_records();
      const Bytes whole = test::pcap_bytes({.nanosecond = ns, .endian = endian}, records);
      // Every length up to the second record, then around each record's header and end.
      std::vector<std::size_t> cuts;
      for (std::size_t keep = 24; keep <= test::pcap_record_offset(records, 1); ++keep) cuts.push_back(keep);
      for (std::size_t i = 1; i < records.size(); ++i) {
        const std::size_t at = test::pcap_record_offset(records, i);
        for (const std::size_t d : {1, 7, 15, 16, 17}) cuts.push_back(at + d);
        cuts.push_back(at + 16 + records[i].data.size() - 1);
      }
      cuts.push_back(whole.size());
      for (const std::size_t keep : cuts) {
        const auto path = write("cut.pcap", Bytes(whole.begin(), whole.begin() + static_cast<long>(keep)));
        ASSERT_TRUE(expect_same_as_libpcap(path)) << keep;
        if (HasFailure()) return;  // one cut is enough to see it
      }
    }
  }
}

TEST_F(InPlaceReaderTest, SameAsLibpcapOnOddTimestampsAndLengths) {
  // Fractions of a second's worth and more, a wire length shorter than the captured bytes, and
  // captured lengths at and past the snapshot length. (Values from 2^31 up: next test.)
  const std::uint32_t seconds[] = {0, 1, 0x7fffffff};
  const std::uint32_t fractions[] = {0, 999'999, 1'000'000, 999'999'999, 0x7fffffff};
  for (const bool ns : {false, true}) {
    for (const Endian endian : {Endian::Little, Endian::Big}) {
      SCOPED_TRACE(std::string(ns ? "ns" : "us") + (endian == Endian::Big ? " big" : " little"));
      std::vector<test::PcapRecord> records;
      for (std::size_t i = 0; i < std::size(seconds) * std::size(fractions); ++i) {
        records.push_back({.ts = Timestamp{}, .data = test::eth_ipv4_tcp({}, Bytes(i, 0x42))});
      }
      Bytes bytes = test::pcap_bytes({.snaplen = 1500, .nanosecond = ns, .endian = endian}, records);
      for (std::size_t i = 0; i < records.size(); ++i) {
        const std::size_t at = test::pcap_record_offset(records, i);
        put_u32(bytes, at, seconds[i / std::size(fractions)], endian);
        put_u32(bytes, at + 4, fractions[i % std::size(fractions)], endian);
        if (i % 3 == 0) put_u32(bytes, at + 12, 1, endian);  // wire length 1 < captured length
      }
      EXPECT_TRUE(expect_same_as_libpcap(write("odd.pcap", bytes)));
      // A record claiming exactly the snapshot length is fine; one byte more is not.
      for (const std::uint32_t caplen : {1500u, 1501u, 262144u, 262145u, 0xffffffffu}) {
        SCOPED_TRACE(caplen);
        Bytes big = bytes;
        const std::size_t last = test::pcap_record_offset(records, records.size() - 1);
        put_u32(big, last + 8, caplen, endian);
        big.resize(std::max<std::size_t>(big.size(), last + 16 + std::min<std::uint32_t>(caplen, 300'000)), 0);
        EXPECT_TRUE(expect_same_as_libpcap(write("long.pcap", big)));
      }
    }
  }
}

TEST_F(InPlaceReaderTest, SameAsLibpcapOnRecordsAcrossItsBuffer) {
  // Records up to the longest allowed (256 KiB) that start and end anywhere in the reader's
  // 512 KiB buffer, so that refills move a partial record to its front.
  std::vector<test::PcapRecord> records;
  const std::size_t sizes[] = {200'000, 262'144, 60, 262'144, 262'143, 1, 150'001, 262'144, 0, 90'000};
  for (std::size_t i = 0; i < std::size(sizes); ++i) {
    Bytes data(sizes[i]);
    for (std::size_t j = 0; j < data.size(); ++j) data[j] = static_cast<std::uint8_t>(j * 31 + i);
    records.push_back({.ts = Timestamp{static_cast<std::int64_t>(i) * 1'000'000'000}, .data = std::move(data)});
  }
  for (const Endian endian : {Endian::Little, Endian::Big}) {
    const Bytes bytes = test::pcap_bytes({.snaplen = 262'144, .endian = endian}, records);
    ASSERT_GT(bytes.size(), 2u * (512 << 10));
    const auto path = write("big.pcap", bytes);
    EXPECT_TRUE(expect_same_as_libpcap(path));
    EXPECT_EQ(read_all(path, false).packets.size(), records.size());
  }
}

TEST_F(InPlaceReaderTest, ReadsTimesPast2038AsUnsignedAsTheFormatSays) {
  // libpcap 1.10 on a little-endian machine reads these as negative in a little-endian file
  // (1901) and as unsigned in a big-endian one; the format's fields are unsigned.
  const struct {
    std::uint32_t sec, fraction;
  } times[] = {{0x80000000, 0}, {0xffffffff, 999'999}, {1, 0xffffffff}};
  for (const bool ns : {false, true}) {
    for (const Endian endian : {Endian::Little, Endian::Big}) {
      SCOPED_TRACE(std::string(ns ? "ns" : "us") + (endian == Endian::Big ? " big" : " little"));
      std::vector<test::PcapRecord> records(std::size(times), {.ts = Timestamp{}, .data = Bytes(20, 0)});
      Bytes bytes = test::pcap_bytes({.nanosecond = ns, .endian = endian}, records);
      for (std::size_t i = 0; i < records.size(); ++i) {
        put_u32(bytes, test::pcap_record_offset(records, i), times[i].sec, endian);
        put_u32(bytes, test::pcap_record_offset(records, i) + 4, times[i].fraction, endian);
      }
      const std::string path = write("t.pcap", bytes);
      // A big-endian file is where libpcap 1.10 reads them unsigned too.
      if (endian == Endian::Big) {
        EXPECT_TRUE(expect_same_as_libpcap(path));
      }
      const Reading r = read_all(path, false);
      ASSERT_TRUE(r.in_place);
      ASSERT_EQ(r.packets.size(), records.size());
      for (std::size_t i = 0; i < records.size(); ++i) {
        const std::int64_t fraction_ns = std::int64_t{times[i].fraction} * (ns ? 1 : 1000);
        EXPECT_EQ(r.packets[i].ts_ns, std::int64_t{times[i].sec} * 1'000'000'000 + fraction_ns) << i;
      }
    }
  }
}

TEST_F(InPlaceReaderTest, LeavesToLibpcapWhatItRewrites) {
  const std::vector<test::PcapRecord> one = {{.ts = Timestamp{1'000'000'000}, .data = Bytes(64, 0)}};
  const struct {
    const char* name;
    test::PcapFormat format;
    bool in_place;
  } cases[] = {
      {"ethernet, little-endian", {.link_type = 1}, true},
      {"ethernet, big-endian", {.link_type = 1, .endian = Endian::Big}, true},
      {"raw IP", {.link_type = 101}, true},
      {"Linux cooked, this machine's byte order", {.link_type = 113}, true},
      // libpcap swaps parts of these pseudo-headers: its reading stays the reference.
      {"Linux cooked, other byte order", {.link_type = 113, .endian = Endian::Big}, false},
      {"Linux USB", {.link_type = 189}, false},
      {"NFLOG", {.link_type = 239}, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto path = write("l.pcap", test::pcap_bytes(c.format, one));
    EXPECT_EQ(expect_same_as_libpcap(path), c.in_place);
  }
  // Version 2.3: the length fields may be swapped, which libpcap guesses at.
  Bytes old = test::pcap_bytes({}, one);
  old[6] = 3;
  EXPECT_FALSE(expect_same_as_libpcap(write("old.pcap", old)));
  // pcapng is libpcap's.
  EXPECT_FALSE(expect_same_as_libpcap(write("n.pcapng", test::pcapng_bytes({{}}, one))));
}

TEST(PcapRecordReader, AFailedReadIsAnIoErrorAtTheRecordItStopped) {
  // pread on a directory fails with EISDIR: no packet, the error and where it happened.
  const test::TempDir dir;
  const int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  PcapRecordReader reader(fd, 24, {.big_endian = false, .nanosecond = false, .record_limit = 65535});
  PcapRecord record;
  EXPECT_EQ(reader.next(record), RecordStatus::IoError);
  EXPECT_EQ(reader.errno_value(), EISDIR);
  EXPECT_EQ(reader.offset(), 24u);
  ::close(fd);
}

}  // namespace
}  // namespace tlsdiag::capture
