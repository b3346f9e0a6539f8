// Compressed captures: the codecs on their own (any split of the input, concatenated members),
// and FileSource reading gzip, zstd and xz files whole, cut short, corrupt, or misnamed.
#include "tlsdiag/capture/decompressor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compressors.h"
#include "support/pcap_file_writer.h"
#include "temp_file_fixture.h"
#include "tlsdiag/capture/decompressed_stream.h"
#include "tlsdiag/capture/file_source.h"

namespace tlsdiag::capture {
namespace {

using test::Bytes;
using test::PcapRecord;

constexpr Compression kCodecs[] = {Compression::Gzip, Compression::Zstd, Compression::Xz};

::testing::AssertionResult HasSubstr(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

// Numbers and first bytes of what a FileSource delivered.
class Recorder : public PacketSink {
 public:
  void on_packet(const Packet& p) override {
    numbers.push_back(p.number);
    payloads.emplace_back(p.data.begin(), p.data.end());
  }
  void on_end(Timestamp) override { ++ends; }
  std::vector<std::uint64_t> numbers;
  std::vector<Bytes> payloads;
  int ends = 0;
};

// |count| records of ~1 kB that do not compress: 1000 records are ~1 MB, over zstd's 128 KiB
// block and the readers' 1 MiB buffers.
std::vector<PcapRecord> records(std::size_t count) {
  std::vector<PcapRecord> out;
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back({.ts = Timestamp{1'700'000'000'000'000'000 + static_cast<std::int64_t>(i) * 1000},
                   .data = test::eth_ipv4_tcp({.seq = static_cast<std::uint32_t>(1000 + i * 1000)},
                                              test::noise(1000, static_cast<std::uint32_t>(i + 1)))});
  }
  return out;
}

Bytes decode_all(Compression codec, const Bytes& compressed, std::size_t piece) {
  auto decoder = make_decompressor(codec);
  Bytes out;
  std::uint8_t buf[4096];
  std::size_t pos = 0;
  for (;;) {
    const std::size_t n = std::min(piece, compressed.size() - pos);
    const bool end = pos + n == compressed.size();
    const DecodeStep step = decoder->decode({compressed.data() + pos, n}, buf, end && n == 0);
    EXPECT_FALSE(step.error) << *step.error;
    if (step.error) break;
    pos += step.consumed;
    out.insert(out.end(), buf, buf + step.produced);
    if (pos == compressed.size() && step.produced == 0 && n == 0) break;
  }
  EXPECT_TRUE(decoder->at_boundary());
  return out;
}

class CompressedFileTest : public TempFileTest {};

TEST(DetectCompression, ByMagicNumber) {
  struct Case {
    Bytes head;
    Compression want;
  } cases[] = {
      {{0x1f, 0x8b, 0x08, 0x00}, Compression::Gzip},
      {{0x28, 0xb5, 0x2f, 0xfd, 0x00}, Compression::Zstd},
      {{0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00}, Compression::Xz},
      {{0xfd, 0x37, 0x7a, 0x58, 0x5a}, Compression::None},  // xz magic needs all six bytes
      {{0xd4, 0xc3, 0xb2, 0xa1}, Compression::None},        // classic pcap
      {{0x0a, 0x0d, 0x0d, 0x0a}, Compression::None},        // pcapng
      {{0x1f}, Compression::None},
      {{}, Compression::None},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.head));
    EXPECT_EQ(detect_compression(c.head), c.want);
  }
}

TEST(Decompressor, AnySplitOfTheInputGivesTheSameBytes) {
  const Bytes plain = test::pcap_bytes({}, records(20));
  for (const Compression codec : kCodecs) {
    SCOPED_TRACE(std::string(compression_name(codec)));
    const Bytes packed = test::compress(codec, plain);
    EXPECT_EQ(decode_all(codec, packed, packed.size()), plain);  // whole
    EXPECT_EQ(decode_all(codec, packed, 1), plain);              // one byte at a time
    EXPECT_EQ(decode_all(codec, packed, 777), plain);            // odd pieces
  }
}

TEST(Decompressor, ConcatenatedMembersDecodeAsOne) {
  const Bytes plain = test::pcap_bytes({}, records(10));
  const Bytes first(plain.begin(), plain.begin() + 5000);
  const Bytes second(plain.begin() + 5000, plain.end());
  for (const Compression codec : kCodecs) {
    SCOPED_TRACE(std::string(compression_name(codec)));
    const Bytes packed = test::cat({test::compress(codec, first), test::compress(codec, second)});
    EXPECT_EQ(decode_all(codec, packed, 1000), plain);
  }
}

TEST_F(CompressedFileTest, EachCodecRoundTripsAPcapAndAPcapng) {
  const auto recs = records(30);
  const Bytes pcap = test::pcap_bytes({}, recs);
  const Bytes pcapng = test::pcapng_bytes({{}}, recs);
  for (const Compression codec : kCodecs) {
    for (const bool ng : {false, true}) {
      const std::string name = std::string(ng ? "x.pcapng." : "x.pcap.") + std::string(compression_name(codec));
      SCOPED_TRACE(name);
      const std::string path = write(name, test::compress(codec, ng ? pcapng : pcap));
      FileSource source(path);
      ASSERT_FALSE(source.open());
      EXPECT_EQ(source.info().compression, compression_name(codec));
      EXPECT_EQ(source.info().format, ng ? "pcapng" : "pcap");
      Recorder sink;
      EXPECT_FALSE(source.run(sink));
      ASSERT_EQ(sink.payloads.size(), recs.size());
      for (std::size_t i = 0; i < recs.size(); ++i) {
        EXPECT_EQ(sink.numbers[i], i + 1);
        EXPECT_EQ(sink.payloads[i], recs[i].data);
      }
      EXPECT_EQ(source.bytes_read(), test::compress(codec, ng ? pcapng : pcap).size());
    }
  }
}

TEST_F(CompressedFileTest, CutStreamReportsTheCompressedOffsetAfterTheFlowsBeforeIt) {
  const auto recs = records(1000);
  const Bytes plain = test::pcap_bytes({}, recs);
  for (const Compression codec : kCodecs) {
    const std::string codec_name(compression_name(codec));
    SCOPED_TRACE(codec_name);
    const Bytes packed = test::compress(codec, plain);
    const Bytes cut(packed.begin(), packed.begin() + static_cast<std::ptrdiff_t>(packed.size() * 2 / 3));
    const std::string path = write("cut.pcap." + codec_name, cut);
    FileSource source(path);
    ASSERT_FALSE(source.open());
    Recorder sink;
    const auto error = source.run(sink);
    ASSERT_TRUE(error);
    EXPECT_TRUE(HasSubstr(error->message, path + ": packet "));
    EXPECT_TRUE(HasSubstr(error->message, codec_name + " stream ends early at compressed byte " +
                                              std::to_string(cut.size())));
    EXPECT_EQ(error->offset, cut.size());
    EXPECT_EQ(sink.ends, 1);
    // The packets before the cut all arrived, intact and in order.
    EXPECT_GT(sink.payloads.size(), 100u);
    EXPECT_LT(sink.payloads.size(), recs.size());
    for (std::size_t i = 0; i < sink.payloads.size(); ++i) EXPECT_EQ(sink.payloads[i], recs[i].data);
  }
}

TEST_F(CompressedFileTest, CutAtARecordBoundaryIsStillAnError) {
  // A cut right after the whole first member: the capture looks complete, the file is not.
  const auto recs = records(10);
  const Bytes plain = test::pcap_bytes({}, recs);
  const Bytes second_member = test::gzip_compress(test::bytes("more"));
  Bytes packed = test::cat({test::gzip_compress(plain), second_member});
  packed.resize(packed.size() - 4);  // the second member loses its trailer
  const std::string path = write("boundary.pcap.gz", packed);
  FileSource source(path);
  ASSERT_FALSE(source.open());
  Recorder sink;
  const auto error = source.run(sink);
  ASSERT_TRUE(error);
  EXPECT_TRUE(HasSubstr(error->message, "gzip stream ends early at compressed byte"));
  EXPECT_EQ(sink.payloads.size(), recs.size());
}

TEST_F(CompressedFileTest, CorruptStreamSaysWhereInTheCompressedFile) {
  // Half-compressible records (16 letters at random): the middle of the file is entropy-coded
  // data, past the first block, where a change breaks decoding (not stored bytes, which only a
  // checksum would catch).
  std::vector<PcapRecord> recs;
  for (std::uint32_t i = 0; i < 1000; ++i) {
    Bytes payload = test::noise(500, i + 1);
    for (auto& b : payload) b = static_cast<std::uint8_t>('a' + (b & 0x0f));
    recs.push_back({.ts = Timestamp{i}, .data = test::eth_ipv4_tcp({}, payload)});
  }
  const Bytes plain = test::pcap_bytes({}, recs);
  for (const Compression codec : kCodecs) {
    const std::string codec_name(compression_name(codec));
    SCOPED_TRACE(codec_name);
    Bytes packed = test::compress(codec, plain);
    for (std::size_t i = packed.size() / 2; i < packed.size() / 2 + 64; ++i) packed[i] ^= 0x5a;
    const std::string path = write("corrupt.pcap." + codec_name, packed);
    FileSource source(path);
    const auto open_error = source.open();
    ASSERT_FALSE(open_error) << open_error->message;
    Recorder sink;
    const auto error = source.run(sink);
    ASSERT_TRUE(error);
    EXPECT_TRUE(HasSubstr(error->message, path + ": "));
    EXPECT_TRUE(HasSubstr(error->message, codec_name + " stream corrupt at compressed byte "));
    ASSERT_TRUE(error->offset);
    EXPECT_LE(*error->offset, packed.size());
    EXPECT_EQ(sink.ends, 1);
  }
}

TEST_F(CompressedFileTest, ContentDecidesNotTheName) {
  const auto recs = records(3);
  // A plain capture named .gz is read as the plain capture it is.
  const std::string plain = write("plain.pcap.gz", test::pcap_bytes({}, recs));
  FileSource source(plain);
  ASSERT_FALSE(source.open());
  EXPECT_EQ(source.info().compression, "");
  Recorder sink;
  EXPECT_FALSE(source.run(sink));
  EXPECT_EQ(sink.payloads.size(), recs.size());

  // A gzip file named .pcap is decompressed.
  const std::string packed = write("packed.pcap", test::gzip_compress(test::pcap_bytes({}, recs)));
  FileSource second(packed);
  ASSERT_FALSE(second.open());
  EXPECT_EQ(second.info().compression, "gzip");

  // Text named .gz is neither.
  const std::string text = write("text.pcap.gz", test::bytes("hello, world\n"));
  const auto error = FileSource(text).open();
  ASSERT_TRUE(error);
  EXPECT_TRUE(HasSubstr(error->message, text + ": not a pcap or pcapng capture (starts with 0x68656c6c)"));
}

TEST_F(CompressedFileTest, OpenErrorsSayTheyAreAboutTheDecompressedContent) {
  struct Case {
    std::string name;
    Bytes bytes;
    std::string says;
  } cases[] = {
      {"empty.gz", test::gzip_compress({}), "empty after gzip decompression, not a capture"},
      {"short.zst", test::zstd_compress(test::bytes("ab")), "only 2 bytes after zstd decompression"},
      {"text.xz", test::xz_compress(test::bytes("hello, world")),
       "not a pcap or pcapng capture inside the xz stream (starts with 0x68656c6c)"},
      {"header-cut.gz", Bytes{0x1f, 0x8b, 0x08, 0x00}, "gzip stream ends early at compressed byte 4"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = write(c.name, c.bytes);
    const auto error = FileSource(path).open();
    ASSERT_TRUE(error);
    EXPECT_TRUE(HasSubstr(error->message, path + ": "));
    EXPECT_TRUE(HasSubstr(error->message, c.says));
  }
}

TEST_F(CompressedFileTest, BadRecordInsideACompressedFileCountsDecompressedBytes) {
  auto recs = records(3);
  Bytes plain = test::pcap_bytes({}, recs);
  const std::size_t third = test::pcap_record_offset(recs, 2);
  plain.resize(third + 10);  // the third record's header is cut, the gzip stream is whole
  const std::string path = write("short-record.pcap.gz", test::gzip_compress(plain));
  FileSource source(path);
  ASSERT_FALSE(source.open());
  Recorder sink;
  const auto error = source.run(sink);
  ASSERT_TRUE(error);
  EXPECT_TRUE(HasSubstr(error->message, "packet 3 at decompressed byte " + std::to_string(third)));
  EXPECT_EQ(error->offset, third);
  EXPECT_EQ(sink.payloads.size(), 2u);
}

TEST_F(CompressedFileTest, StreamPeekDoesNotConsume) {
  const Bytes plain = test::bytes("0123456789");
  const std::string path = write("p.gz", test::gzip_compress(plain));
  DecompressedStream stream(std::fopen(path.c_str(), "rb"), Compression::Gzip);
  const auto head = stream.peek(4);
  EXPECT_EQ(Bytes(head.begin(), head.end()), test::bytes("0123"));
  Bytes got;
  std::uint8_t buf[64];
  while (const std::size_t n = stream.read(buf)) got.insert(got.end(), buf, buf + n);
  EXPECT_EQ(got, plain);
  EXPECT_FALSE(stream.error());
  EXPECT_EQ(stream.decompressed_offset(), plain.size());
}

}  // namespace
}  // namespace tlsdiag::capture
