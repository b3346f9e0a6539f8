#include "tlsdiag/capture/read_ahead.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/paths.h"
#include "tlsdiag/capture/file_source.h"

namespace tlsdiag::capture {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Seen {
  std::uint64_t number = 0;
  Timestamp ts;
  Bytes data;
  std::uint32_t wire_len = 0;
  int link_type = 0;
  bool operator==(const Seen&) const = default;
};

class RecordingSink : public PacketSink {
 public:
  void on_packet(const Packet& p) override {
    if (throw_at != 0 && packets.size() + 1 == throw_at) throw std::runtime_error("sink failed");
    packets.push_back({p.number, p.ts, Bytes(p.data.begin(), p.data.end()), p.wire_len, p.link_type});
  }
  void on_end(Timestamp last) override { ends.push_back(last); }
  std::vector<Seen> packets;
  std::vector<Timestamp> ends;
  std::size_t throw_at = 0;  // 1-based packet to throw at; 0 = never
};

// Packet i: i % 23 + 1 bytes of value i, except every 50th is 3,000 bytes (bigger than a batch
// in the small limits below), so batches end on every condition.
Bytes packet_bytes(std::uint64_t i) {
  return Bytes(i % 50 == 0 ? 3000 : i % 23 + 1, static_cast<std::uint8_t>(i));
}

// A source of |count| packets that stops when told, and says how many it produced.
struct FakeSource {
  std::uint64_t count = 0;
  std::optional<CaptureError> error;
  std::uint64_t produced = 0;
  std::optional<CaptureError> run(PacketSink& sink, const std::atomic<bool>* stop) {
    for (std::uint64_t i = 1; i <= count && !(stop != nullptr && stop->load()); ++i) {
      const Bytes data = packet_bytes(i);
      sink.on_packet(Packet{Timestamp{static_cast<std::int64_t>(i) * 1000}, data, static_cast<std::uint32_t>(data.size() + 4),
                            1, i});
      ++produced;
    }
    sink.on_end(Timestamp{static_cast<std::int64_t>(produced) * 1000});
    return error;
  }
};

constexpr ReadAheadLimits kSmall{.batch_bytes = 1000, .batch_packets = 7, .batches = 2};

TEST(ReadAhead, DeliversThePacketsAndTheEndOfTheSourceInOrder) {
  FakeSource source{.count = 1000, .error = {}, .produced = 0};
  RecordingSink direct;
  ASSERT_FALSE(source.run(direct, nullptr));
  source.produced = 0;
  RecordingSink ahead;
  const auto err = read_ahead([&](PacketSink& s, const std::atomic<bool>* stop) { return source.run(s, stop); }, ahead,
                              nullptr, kSmall);
  EXPECT_FALSE(err);
  ASSERT_EQ(ahead.packets.size(), 1000u);
  EXPECT_TRUE(ahead.packets == direct.packets);
  EXPECT_EQ(ahead.ends, direct.ends);
  EXPECT_EQ(ahead.packets[49].data.size(), 3000u);
}

TEST(ReadAhead, AnEmptySourceStillEnds) {
  FakeSource source{.count = 0, .error = {}, .produced = 0};
  RecordingSink sink;
  EXPECT_FALSE(read_ahead([&](PacketSink& s, const std::atomic<bool>* stop) { return source.run(s, stop); }, sink));
  EXPECT_TRUE(sink.packets.empty());
  ASSERT_EQ(sink.ends.size(), 1u);
}

TEST(ReadAhead, ReturnsTheSourcesError) {
  FakeSource source{.count = 10, .error = CaptureError{"cut short", 1234}, .produced = 0};
  RecordingSink sink;
  const auto err = read_ahead([&](PacketSink& s, const std::atomic<bool>* stop) { return source.run(s, stop); }, sink);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message, "cut short");
  EXPECT_EQ(err->offset, 1234u);
  EXPECT_EQ(sink.packets.size(), 10u);
}

// The analysing side fails: the exception reaches the caller, and the reader stops instead of
// reading the rest of the input (or waiting forever for a free batch).
TEST(ReadAhead, ASinkThatThrowsStopsTheReader) {
  FakeSource source{.count = 1'000'000, .error = {}, .produced = 0};
  RecordingSink sink;
  sink.throw_at = 100;
  EXPECT_THROW(
      read_ahead([&](PacketSink& s, const std::atomic<bool>* stop) { return source.run(s, stop); }, sink, nullptr, kSmall),
      std::runtime_error);
  EXPECT_EQ(sink.packets.size(), 99u);
  EXPECT_LT(source.produced, 1'000'000u);
}

TEST(ReadAhead, TheCallersStopReachesTheReader) {
  FakeSource source{.count = 1'000'000, .error = {}, .produced = 0};
  const std::atomic<bool> stop{true};
  RecordingSink sink;
  read_ahead([&](PacketSink& s, const std::atomic<bool>* st) { return source.run(s, st); }, sink, &stop, kSmall);
  EXPECT_LT(source.produced, 1'000'000u);
  EXPECT_EQ(sink.ends.size(), 1u);
}

// A real capture read ahead gives the packets FileSource gives.
TEST(ReadAhead, SameAsFileSourceOnASample) {
  const std::string path = (test::source_dir() / "samples" / "tls12-ok-openssl.pcap").string();
  FileSource direct_source(path);
  ASSERT_FALSE(direct_source.open());
  RecordingSink direct;
  ASSERT_FALSE(direct_source.run(direct));
  FileSource ahead_source(path);
  ASSERT_FALSE(ahead_source.open());
  RecordingSink ahead;
  EXPECT_FALSE(read_ahead([&](PacketSink& s, const std::atomic<bool>* stop) { return ahead_source.run(s, stop); },
                          ahead, nullptr, kSmall));
  ASSERT_GT(direct.packets.size(), 5u);
  EXPECT_TRUE(ahead.packets == direct.packets);
  EXPECT_EQ(ahead.ends, direct.ends);
}

}  // namespace
}  // namespace tlsdiag::capture
