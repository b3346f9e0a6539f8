#include "tlsdiag/reassembly/direction_buffer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace tlsdiag::reassembly {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

// Records the buffer's output as text: bytes as they are, each skip as "[gap N]" (not captured)
// or "[given up N]" (a buffer cap).
class Recorder : public DeliverySink {
 public:
  std::string stream;
  std::vector<const std::uint8_t*> data_ptrs;
  std::vector<std::uint64_t> packets;
  std::size_t stop_after = std::numeric_limits<std::size_t>::max();  // bytes, then return false

  bool deliver(std::span<const std::uint8_t> bytes, const Origin& origin) override {
    stream.append(bytes.begin(), bytes.end());
    data_ptrs.push_back(bytes.data());
    packets.push_back(origin.packet_number);
    delivered_ += bytes.size();
    return delivered_ < stop_after;
  }
  void skip(std::uint64_t missing, GapKind kind) override {
    stream += (kind == GapKind::GivenUp ? "[given up " : "[gap ") + std::to_string(missing) + "]";
  }

 private:
  std::size_t delivered_ = 0;
};

// Adds `text` at seq as packet `packet`; wire_len 0 means text.size().
void add(DirectionBuffer& buffer, Recorder& out, std::uint32_t seq, std::string_view text,
         std::uint64_t packet = 0, std::uint32_t wire_len = 0) {
  const std::vector<std::uint8_t> bytes = bytes_of(text);
  const std::uint32_t len = wire_len != 0 ? wire_len : static_cast<std::uint32_t>(bytes.size());
  buffer.add(seq, bytes, len, Origin{Timestamp{static_cast<std::int64_t>(packet)}, packet}, out);
}

TEST(DirectionBuffer, InOrderBytesAreDeliveredWithoutCopy) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(100);
  const std::vector<std::uint8_t> hello = bytes_of("hello");
  buffer.add(100, hello, 5, Origin{Timestamp{7}, 7}, out);
  EXPECT_EQ(out.stream, "hello");
  ASSERT_EQ(out.data_ptrs.size(), 1U);
  EXPECT_EQ(out.data_ptrs[0], hello.data());
  EXPECT_EQ(out.packets, std::vector<std::uint64_t>{7});
  EXPECT_EQ(buffer.next_offset(), 5);
  EXPECT_EQ(buffer.next_seq(), 105U);
  EXPECT_EQ(buffer.stats().payload_bytes, 5U);
  EXPECT_EQ(buffer.buffered_segments(), 0U);
}

TEST(DirectionBuffer, OutOfOrderIsHeldUntilTheHoleFills) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0);
  add(buffer, out, 5, "world", 1);
  EXPECT_EQ(out.stream, "");
  EXPECT_EQ(buffer.buffered_segments(), 1U);
  EXPECT_EQ(buffer.buffered_bytes(), 5U);
  add(buffer, out, 0, "hello", 2);
  EXPECT_EQ(out.stream, "helloworld");
  EXPECT_EQ(out.packets, (std::vector<std::uint64_t>{2, 1}));  // bytes keep their packet
  EXPECT_EQ(buffer.buffered_bytes(), 0U);
  EXPECT_EQ(buffer.stats().out_of_order_segments, 1U);
  EXPECT_EQ(buffer.stats().payload_bytes, 10U);
}

TEST(DirectionBuffer, RetransmittedBytesAreCountedNotDelivered) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0);
  add(buffer, out, 0, "hello");
  add(buffer, out, 0, "hello");  // whole repeat
  add(buffer, out, 3, "loWO");   // repeats "lo", adds "WO"
  EXPECT_EQ(out.stream, "helloWO");
  EXPECT_EQ(buffer.stats().retransmitted_bytes, 7U);
  EXPECT_EQ(buffer.stats().payload_bytes, 7U);
  EXPECT_EQ(buffer.stats().overlap_conflicts, 0U);  // the same bytes again
}

// Finding 7 (docs/hostile-input.md): a repeat of bytes already delivered is compared, by hash,
// with each recently delivered piece it covers whole; a differing piece counts all its bytes.
TEST(DirectionBuffer, RetransmissionOfDeliveredBytesWithOtherBytesIsAConflict) {
  struct Case {
    std::string_view name;
    std::uint32_t seq;
    std::string_view repeat;
    std::uint64_t conflicts;
    std::uint64_t first_conflict;
  };
  for (const Case& c : {Case{"same bytes", 0, "hello", 0, 0},
                        Case{"one byte differs", 0, "hexlo", 5, 0},
                        Case{"second piece differs, coalesced", 0, "helloWORLD", 5, 5},
                        Case{"starts a byte early", 4, "oWoRLD", 5, 5},
                        Case{"covers a piece in part", 7, "RLD", 0, 0},
                        Case{"head of a new segment", 8, "LD!", 0, 0}}) {
    SCOPED_TRACE(c.name);
    DirectionBuffer buffer;
    Recorder out;
    buffer.start(0);
    add(buffer, out, 0, "hello");
    add(buffer, out, 5, "world");
    add(buffer, out, c.seq, c.repeat);
    EXPECT_EQ(out.stream.substr(0, 10), "helloworld");  // the first copy is kept
    EXPECT_EQ(buffer.stats().overlap_conflicts, c.conflicts);
    EXPECT_EQ(buffer.stats().first_conflict, c.first_conflict);
  }
}

// The hash sees every byte, whatever the piece's length and the byte's place in it (lengths past
// several of its 32-byte blocks and every remainder of words and bytes).
TEST(DirectionBuffer, AnyOneChangedByteOfADeliveredPieceIsAConflict) {
  for (std::size_t length = 1; length <= 170; ++length) {
    std::string piece(length, '\0');
    for (std::size_t i = 0; i < length; ++i) piece[i] = static_cast<char>(i * 37 + length);
    for (std::size_t at = 0; at < length; ++at) {
      SCOPED_TRACE(testing::Message() << "length " << length << ", byte " << at);
      DirectionBuffer buffer;
      Recorder out;
      buffer.start(0);
      add(buffer, out, 0, piece);
      std::string copy = piece;
      copy[at] = static_cast<char>(copy[at] ^ 0x80);
      add(buffer, out, 0, copy);
      EXPECT_EQ(buffer.stats().overlap_conflicts, length);
    }
  }
}

TEST(DirectionBuffer, OnlyTheLastFewDeliveredPiecesAreCompared) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0);
  for (std::uint32_t i = 0; i < 6; ++i) add(buffer, out, i * 2, "ab");
  add(buffer, out, 0, "XX");  // the oldest pieces are forgotten: a plain repeat
  EXPECT_EQ(buffer.stats().overlap_conflicts, 0U);
  add(buffer, out, 10, "XX");  // the newest
  EXPECT_EQ(buffer.stats().overlap_conflicts, 2U);
  EXPECT_EQ(buffer.stats().first_conflict, 10U);
  EXPECT_EQ(buffer.stats().retransmitted_bytes, 4U);
}

TEST(DirectionBuffer, RepeatsAreNotComparedAfterDeliveryStopsOrAcrossAGap) {
  DirectionBuffer buffer;
  Recorder out;
  out.stop_after = 5;
  buffer.start(0);
  add(buffer, out, 0, "hello");
  add(buffer, out, 0, "XXXXX");
  EXPECT_EQ(buffer.stats().overlap_conflicts, 0U);
  EXPECT_EQ(buffer.stats().retransmitted_bytes, 5U);

  DirectionBuffer gapped;
  Recorder out2;
  gapped.start(0);
  add(gapped, out2, 0, "abc", 1, 5);  // 2 bytes cut by the snaplen
  add(gapped, out2, 0, "XYZ");
  EXPECT_EQ(gapped.stats().overlap_conflicts, 0U);
}

TEST(DirectionBuffer, OverlapKeepsTheFirstCopyAndCountsDifferences) {
  struct Case {
    std::string_view name;
    std::string_view second;
    std::uint64_t conflicts;
  };
  for (const Case& c : {Case{"identical", "cdEF", 0}, Case{"conflicting", "cdXY", 2}}) {
    SCOPED_TRACE(c.name);
    DirectionBuffer buffer;
    Recorder out;
    buffer.start(0);
    add(buffer, out, 4, "EFGH");    // held first
    add(buffer, out, 2, c.second);  // overlaps offsets 4..5
    add(buffer, out, 0, "ab");
    EXPECT_EQ(out.stream, "abcdEFGH");
    EXPECT_EQ(buffer.stats().overlap_conflicts, c.conflicts);
    EXPECT_EQ(buffer.stats().retransmitted_bytes, 2U);
    EXPECT_EQ(buffer.stats().payload_bytes, 8U);
  }
}

TEST(DirectionBuffer, InOrderSegmentAcrossHeldPiecesIsDeliveredInPlace) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0);
  add(buffer, out, 2, "CD", 1);
  add(buffer, out, 6, "GH", 2);
  const std::vector<std::uint8_t> whole = bytes_of("abcdefghij");
  buffer.add(0, whole, 10, Origin{Timestamp{3}, 3}, out);
  EXPECT_EQ(out.stream, "abCDefGHij");  // the held copies came first
  EXPECT_EQ(out.packets, (std::vector<std::uint64_t>{3, 1, 3, 2, 3}));
  ASSERT_EQ(out.data_ptrs.size(), 5U);
  EXPECT_EQ(out.data_ptrs[0], whole.data());
  EXPECT_EQ(out.data_ptrs[2], whole.data() + 4);
  EXPECT_EQ(out.data_ptrs[4], whole.data() + 8);
  EXPECT_EQ(buffer.stats().overlap_conflicts, 4U);
  EXPECT_EQ(buffer.stats().retransmitted_bytes, 4U);
  EXPECT_EQ(buffer.stats().payload_bytes, 10U);
}

TEST(DirectionBuffer, SequenceNumbersWrapAround) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0xFFFF'FFFE);
  add(buffer, out, 0xFFFF'FFFE, "ab");
  add(buffer, out, 2, "ef");  // offset 4, past the wrap
  add(buffer, out, 0, "cd");  // offset 2
  EXPECT_EQ(out.stream, "abcdef");
  EXPECT_EQ(buffer.next_offset(), 6);
  EXPECT_EQ(buffer.next_seq(), 4U);
  add(buffer, out, 0xFFFF'FFFF, "bc");  // old bytes across the wrap
  EXPECT_EQ(buffer.stats().retransmitted_bytes, 2U);
  EXPECT_EQ(out.stream, "abcdef");
}

TEST(DirectionBuffer, TruncatedSegmentDeliversItsCapturedPartThenAGap) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0);
  add(buffer, out, 0, "abc", 1, 10);
  add(buffer, out, 10, "k", 2);
  EXPECT_EQ(out.stream, "abc[gap 7]k");
  EXPECT_EQ(buffer.stats().truncated_packets, 1U);
  EXPECT_EQ(buffer.stats().gaps, 1U);
  EXPECT_EQ(buffer.stats().gap_bytes, 7U);
  EXPECT_EQ(buffer.stats().payload_bytes, 11U);  // the cut bytes were on the wire
}

TEST(DirectionBuffer, TruncatedOutOfOrderSegmentKeepsItsMissingTail) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0);
  add(buffer, out, 5, "fg", 1, 5);  // offsets 5..9, 7..9 cut off
  add(buffer, out, 0, "abcde", 2);
  add(buffer, out, 10, "K", 3);
  EXPECT_EQ(out.stream, "abcdefg[gap 3]K");
  EXPECT_EQ(buffer.stats().truncated_packets, 1U);
}

TEST(DirectionBuffer, AckedBytesAreDeclaredMissingOnceTheSenderMovesOn) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0);
  add(buffer, out, 0, "ab");
  add(buffer, out, 6, "gh");
  buffer.acked(10);  // 2..5 and 8..9 were received by the peer but not captured
  EXPECT_EQ(out.stream, "ab");
  add(buffer, out, 10, "kl");
  EXPECT_EQ(out.stream, "ab[gap 4]gh[gap 2]kl");
  EXPECT_EQ(buffer.stats().gaps, 2U);
  EXPECT_EQ(buffer.stats().gap_bytes, 6U);
  buffer.acked(4);  // an old ack changes nothing
  add(buffer, out, 12, "mn");
  EXPECT_EQ(out.stream, "ab[gap 4]gh[gap 2]klmn");
}

TEST(DirectionBuffer, AckSeenBeforeTheDataItAcknowledgesIsNoGap) {
  // Captures merged from two taps can order the ACK before the data.
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0);
  buffer.acked(5);
  add(buffer, out, 0, "hello");
  EXPECT_EQ(out.stream, "hello");
  EXPECT_EQ(buffer.stats().gaps, 0U);
}

TEST(DirectionBuffer, FlushDeclaresAckedBytesThatNeverCame) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0);
  add(buffer, out, 0, "ab");
  buffer.acked(7);
  buffer.flush(out);
  EXPECT_EQ(out.stream, "ab[gap 5]");
}

TEST(DirectionBuffer, AckOfTheFinIsNotMissingData) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0);
  add(buffer, out, 0, "ab");
  buffer.fin(5);
  EXPECT_FALSE(buffer.complete());
  buffer.acked(6);  // covers the FIN's sequence slot
  EXPECT_TRUE(buffer.complete());
  buffer.flush(out);
  EXPECT_EQ(out.stream, "ab[gap 3]");
}

TEST(DirectionBuffer, FlushDeliversHeldPiecesWithGapsUpToTheFin) {
  DirectionBuffer buffer;
  Recorder out;
  buffer.start(0);
  add(buffer, out, 0, "a");
  add(buffer, out, 3, "d");
  add(buffer, out, 6, "g");
  buffer.fin(8);
  buffer.flush(out);
  EXPECT_EQ(out.stream, "a[gap 2]d[gap 2]g[gap 1]");
  EXPECT_TRUE(buffer.complete());
  EXPECT_EQ(buffer.buffered_segments(), 0U);
}

TEST(DirectionBuffer, ByteCapGivesUpOnTheEarliestHole) {
  DirectionBuffer buffer(BufferLimits{.max_bytes = 4, .max_segments = 100});
  Recorder out;
  buffer.start(0);
  add(buffer, out, 2, "cd");
  add(buffer, out, 5, "fg");
  EXPECT_FALSE(buffer.stats().buffer_cap_hit);
  add(buffer, out, 8, "ij");  // 6 bytes would be held
  EXPECT_TRUE(buffer.stats().buffer_cap_hit);
  EXPECT_TRUE(buffer.stats().bytes_cap_hit);
  EXPECT_FALSE(buffer.stats().segments_cap_hit);
  EXPECT_EQ(out.stream, "[given up 2]cd");
  EXPECT_EQ(buffer.buffered_bytes(), 4U);
  add(buffer, out, 0, "ab");  // too late to deliver, but payload all the same
  EXPECT_EQ(buffer.stats().retransmitted_bytes, 0U);
  buffer.flush(out);
  EXPECT_EQ(out.stream, "[given up 2]cd[gap 1]fg[gap 1]ij");
}

// Finding 5 (docs/hostile-input.md): a gap forced by the cap is not bytes missing from the
// capture. When they come, they count as payload that came out of order, not as repeats.
TEST(DirectionBuffer, BytesGivenUpAtACapAreNotAGapAndCountWhenTheyCome) {
  DirectionBuffer buffer(BufferLimits{.max_bytes = 100, .max_segments = 2});
  Recorder out;
  buffer.start(0);
  add(buffer, out, 9, "j");  // the stream in reverse, one byte a segment
  add(buffer, out, 8, "i");
  add(buffer, out, 7, "h");  // a third piece: give up on 0..6
  EXPECT_EQ(out.stream, "[given up 7]hij");
  for (std::uint32_t i = 7; i-- > 0;) add(buffer, out, i, std::string(1, static_cast<char>('a' + i)));
  add(buffer, out, 3, "d");  // now a true repeat
  buffer.flush(out);
  EXPECT_EQ(out.stream, "[given up 7]hij");
  const DirectionStats& s = buffer.stats();
  EXPECT_EQ(s.gaps, 0U);
  EXPECT_EQ(s.gap_bytes, 0U);
  EXPECT_EQ(s.given_up_bytes, 7U);
  EXPECT_EQ(s.payload_bytes, 10U);
  EXPECT_EQ(s.retransmitted_bytes, 1U);
  EXPECT_EQ(s.out_of_order_segments, 9U);  // 9, 8, 7 and 6..1: each ahead of a missing byte
  EXPECT_TRUE(s.buffer_cap_hit);
}

// Bytes given up on at a cap that never come were not captured after all: once their hole is
// no longer watched (the fifth one) or at flush, they count as gaps.
TEST(DirectionBuffer, BytesGivenUpThatNeverComeAreGapsInTheEnd) {
  DirectionBuffer buffer(BufferLimits{.max_bytes = 100, .max_segments = 1});
  Recorder out;
  buffer.start(0);
  for (std::uint32_t i = 1; i <= 6; ++i) add(buffer, out, i * 2, "x");  // holes 0..1, 3, 5, 7, 9
  EXPECT_EQ(out.stream, "[given up 2]x[given up 1]x[given up 1]x[given up 1]x[given up 1]x");
  EXPECT_EQ(buffer.stats().given_up_bytes, 4U);
  EXPECT_EQ(buffer.stats().gaps, 1U);  // the hole at 0..1, forgotten
  add(buffer, out, 5, "y");            // one comes
  buffer.flush(out);
  EXPECT_EQ(out.stream, "[given up 2]x[given up 1]x[given up 1]x[given up 1]x[given up 1]x[gap 1]x");
  const DirectionStats& s = buffer.stats();
  EXPECT_EQ(s.gaps, 5U);  // 0..1, 3, 7, 9 and 11 (held at the end)
  EXPECT_EQ(s.gap_bytes, 6U);
  EXPECT_EQ(s.given_up_bytes, 1U);
  EXPECT_EQ(s.payload_bytes, 7U);
}

TEST(DirectionBuffer, SegmentCapGivesUpOnTheEarliestHole) {
  DirectionBuffer buffer(BufferLimits{.max_bytes = 100, .max_segments = 1});
  Recorder out;
  buffer.start(0);
  add(buffer, out, 2, "c");
  add(buffer, out, 4, "e");
  EXPECT_EQ(out.stream, "[given up 2]c");
  add(buffer, out, 3, "d");
  EXPECT_EQ(out.stream, "[given up 2]cde");
  EXPECT_TRUE(buffer.stats().buffer_cap_hit);
  EXPECT_TRUE(buffer.stats().segments_cap_hit);
  EXPECT_FALSE(buffer.stats().bytes_cap_hit);
}

TEST(DirectionBuffer, SegmentLargerThanTheCapIsDeliveredAfterAGap) {
  DirectionBuffer buffer(BufferLimits{.max_bytes = 2, .max_segments = 100});
  Recorder out;
  buffer.start(0);
  const std::vector<std::uint8_t> big = bytes_of("fghij");
  buffer.add(5, big, 5, Origin{}, out);
  EXPECT_EQ(out.stream, "[given up 5]fghij");
  EXPECT_EQ(out.data_ptrs.at(0), big.data());
}

TEST(DirectionBuffer, DeclinedBytesStopDeliveryButAreStillCounted) {
  DirectionBuffer buffer;
  Recorder out;
  out.stop_after = 5;
  buffer.start(0);
  add(buffer, out, 5, "world");
  add(buffer, out, 0, "hello");  // the sink declines after these
  EXPECT_EQ(out.stream, "hello");
  EXPECT_FALSE(buffer.delivering());
  EXPECT_EQ(buffer.buffered_bytes(), 0U);
  add(buffer, out, 20, "later");  // not held
  add(buffer, out, 10, "more");
  add(buffer, out, 10, "more");
  buffer.acked(100);
  buffer.flush(out);
  EXPECT_EQ(out.stream, "hello");
  EXPECT_EQ(buffer.buffered_bytes(), 0U);
  EXPECT_EQ(buffer.stats().payload_bytes, 19U);  // hello world more later: "more" filled a hole
  EXPECT_EQ(buffer.stats().retransmitted_bytes, 4U);
  EXPECT_EQ(buffer.stats().gaps, 0U);
}

// Finding 4 (docs/hostile-input.md): after the sink stops reading, a segment below the highest
// byte seen that fills a hole is payload (out of order), not a retransmission.
TEST(DirectionBuffer, ReorderedBytesAfterDeliveryStopsArePayload) {
  DirectionBuffer buffer;
  Recorder out;
  out.stop_after = 5;
  buffer.start(0);
  add(buffer, out, 0, "hello");  // declined from here
  add(buffer, out, 8, "CDE");    // ahead of a hole at 5..7: out of order
  add(buffer, out, 6, "B");      // inside the hole, ahead of 5: out of order
  add(buffer, out, 5, "A");      // where a hole starts: in order
  add(buffer, out, 7, "x");
  add(buffer, out, 6, "B");      // a repeat
  EXPECT_EQ(out.stream, "hello");
  const DirectionStats& s = buffer.stats();
  EXPECT_EQ(s.payload_bytes, 11U);
  EXPECT_EQ(s.retransmitted_bytes, 1U);
  EXPECT_EQ(s.out_of_order_segments, 2U);
}

TEST(DirectionBuffer, HolesAfterDeliveryStopsAreBoundedTheLowestForgotten) {
  DirectionBuffer buffer;
  Recorder out;
  out.stop_after = 1;
  buffer.start(0);
  add(buffer, out, 0, "a");
  for (std::uint32_t i = 1; i <= 5; ++i) add(buffer, out, i * 2, "b");  // holes at 1, 3, 5, 7, 9
  EXPECT_EQ(buffer.stats().payload_bytes, 6U);
  add(buffer, out, 1, "c");  // the lowest hole was forgotten: counted as a repeat
  EXPECT_EQ(buffer.stats().retransmitted_bytes, 1U);
  for (std::uint32_t i = 2; i <= 5; ++i) add(buffer, out, i * 2 - 1, "c");
  EXPECT_EQ(buffer.stats().payload_bytes, 10U);
  EXPECT_EQ(buffer.stats().retransmitted_bytes, 1U);
}

// Delivery stopping at any point, of a stream cut in at most five pieces sent in any order with
// one repeated: every byte counts once as payload, the repeat as retransmitted (at most four
// holes can be open at once, so none is forgotten).
TEST(DirectionBuffer, AnyOrderCountsEveryByteOnceWhenDeliveryStops) {
  const std::string text = "0123456789abcdefghijklmnopqrstuvwxyz";
  const auto n = static_cast<std::uint32_t>(text.size());
  std::uint64_t state = 7;
  auto rnd = [&state](std::uint32_t bound) {  // xorshift64
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::uint32_t>(state % bound);
  };
  for (int round = 0; round < 2000; ++round) {
    SCOPED_TRACE(round);
    std::vector<std::uint32_t> cuts = {0, n};
    for (int i = 0; i < 4; ++i) cuts.push_back(1 + rnd(n - 1));
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pieces;  // offset, length
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) pieces.emplace_back(cuts[i], cuts[i + 1] - cuts[i]);
    const auto repeated = pieces[rnd(static_cast<std::uint32_t>(pieces.size()))];
    pieces.push_back(repeated);
    for (std::size_t i = pieces.size(); i > 1; --i)
      std::swap(pieces[i - 1], pieces[rnd(static_cast<std::uint32_t>(i))]);
    DirectionBuffer buffer;
    Recorder out;
    out.stop_after = 1 + rnd(n);
    buffer.start(1000);
    for (const auto& [offset, len] : pieces) add(buffer, out, 1000 + offset, text.substr(offset, len));
    EXPECT_EQ(buffer.stats().payload_bytes, n);
    EXPECT_EQ(buffer.stats().retransmitted_bytes, repeated.second);
    EXPECT_EQ(buffer.stats().overlap_conflicts, 0U);
  }
}

// Every way of cutting and ordering the same bytes gives the same stream.
TEST(DirectionBuffer, AnyChunkingAndOrderGivesTheSameStream) {
  const std::string text = "The quick brown fox jumps over the lazy dog";
  const std::uint32_t isn = 0xFFFF'FFF0;  // wraps inside the text
  struct Chunk {
    std::uint32_t offset;
    std::uint32_t len;
  };
  auto run = [&](const std::vector<Chunk>& chunks) {
    DirectionBuffer buffer;
    Recorder out;
    buffer.start(isn);
    for (const Chunk& c : chunks)
      add(buffer, out, isn + c.offset, std::string_view(text).substr(c.offset, c.len));
    return out.stream;
  };
  const auto n = static_cast<std::uint32_t>(text.size());
  std::vector<Chunk> bytewise;
  for (std::uint32_t i = 0; i < n; ++i) bytewise.push_back({i, 1});
  EXPECT_EQ(run({{0, n}}), text);
  EXPECT_EQ(run(bytewise), text);
  std::vector<Chunk> reversed(bytewise.rbegin(), bytewise.rend());
  EXPECT_EQ(run(reversed), text);
  std::vector<Chunk> twice;
  for (const Chunk& c : bytewise) twice.insert(twice.end(), {c, c});
  EXPECT_EQ(run(twice), text);
  for (std::uint32_t k = 1; k < n; ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(run({{0, k}, {k, n - k}}), text);
    EXPECT_EQ(run({{k, n - k}, {0, k}}), text);
    EXPECT_EQ(run({{k / 2, k}, {0, std::min(n, k + 3)}, {0, n}}), text);
  }
}

// Checks each delivered byte against the original text at its stream position.
class PositionChecker : public DeliverySink {
 public:
  explicit PositionChecker(std::string_view text) : text_(text) {}
  bool deliver(std::span<const std::uint8_t> bytes, const Origin&) override {
    for (std::uint8_t b : bytes) {
      EXPECT_LT(pos_, text_.size());
      if (pos_ < text_.size()) {
        EXPECT_EQ(static_cast<char>(b), text_[pos_]) << "at " << pos_;
      }
      ++pos_;
      ++delivered_;
    }
    return true;
  }
  void skip(std::uint64_t missing, GapKind) override {
    EXPECT_GT(missing, 0U);
    pos_ += missing;
  }
  std::uint64_t pos() const { return pos_; }
  std::uint64_t delivered() const { return delivered_; }

 private:
  std::string_view text_;
  std::uint64_t pos_ = 0;
  std::uint64_t delivered_ = 0;
};

// Random cuts, orders, repeats, losses, snaplen cuts and caps (fixed seeds): every byte that
// comes out sits at its true position, the stream ends at the FIN, and nothing stays held.
TEST(DirectionBuffer, RandomSegmentsKeepEveryByteInPlace) {
  std::string text(3000, '\0');
  for (std::size_t i = 0; i < text.size(); ++i)
    text[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
  const auto n = static_cast<std::uint32_t>(text.size());
  for (std::uint32_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE(seed);
    std::uint64_t state = seed;
    auto rnd = [&state](std::uint32_t bound) {  // xorshift64
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      return static_cast<std::uint32_t>(state % bound);
    };
    const bool small_caps = seed % 3 == 0;
    DirectionBuffer buffer(small_caps ? BufferLimits{.max_bytes = 200, .max_segments = 5}
                                      : BufferLimits{});
    PositionChecker out(text);
    const std::uint32_t isn = 0xFFFF'FFFF - rnd(2000);
    buffer.start(isn);
    const bool lossy = seed % 2 == 0;
    std::uint64_t wire_bytes = 0;
    for (int i = 0; i < 400; ++i) {
      const std::uint32_t offset = rnd(n);
      const std::uint32_t len = 1 + rnd(std::min<std::uint32_t>(120, n - offset));
      if (lossy && rnd(4) == 0) continue;
      std::uint32_t captured = len;
      if (rnd(10) == 0) captured = rnd(len);  // snaplen cut
      const std::string_view bytes = std::string_view(text).substr(offset, captured);
      const std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
      buffer.add(isn + offset, copy, len, Origin{}, out);
      wire_bytes += len;
      if (rnd(20) == 0) buffer.acked(isn + rnd(n));
    }
    buffer.fin(isn + n);
    buffer.flush(out);
    EXPECT_EQ(out.pos(), n);
    EXPECT_TRUE(buffer.complete());
    EXPECT_EQ(buffer.buffered_bytes(), 0U);
    EXPECT_EQ(buffer.buffered_segments(), 0U);
    EXPECT_EQ(out.delivered() + buffer.stats().gap_bytes + buffer.stats().given_up_bytes, n);
    EXPECT_EQ(buffer.stats().overlap_conflicts, 0U);  // every copy is the same
    EXPECT_EQ(buffer.stats().payload_bytes + buffer.stats().retransmitted_bytes, wire_bytes);
    EXPECT_LE(buffer.stats().payload_bytes, n);  // no byte counted twice
  }
}

}  // namespace
}  // namespace tlsdiag::reassembly
