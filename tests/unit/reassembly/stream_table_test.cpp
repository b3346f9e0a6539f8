#include "tlsdiag/reassembly/stream_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "segment_feeder.h"
#include "support/recording_stream_sink.h"

namespace tlsdiag::reassembly {
namespace {

using test::CloseEvent;
using test::DataEvent;
using test::EndEvent;
using test::GapEvent;
using test::kAck;
using test::kFin;
using test::kPsh;
using test::kRst;
using test::kSyn;
using test::OpenEvent;
using test::StreamEvent;
using test::TcpEventRecord;

constexpr Direction kC2S = Direction::ClientToServer;
constexpr Direction kS2C = Direction::ServerToClient;

Timestamp ms(std::int64_t n) { return Timestamp{n * 1'000'000}; }

struct Harness {
  explicit Harness(ReassemblyLimits limits = {}) : table(sink, limits), wire(table) {}
  // Client ISN 1000, server ISN 5000: client data starts at 1001, server data at 5001.
  void handshake() {
    wire.c2s({.flags = kSyn, .seq = 1000});
    wire.s2c({.flags = kSyn | kAck, .seq = 5000, .ack = 1001});
    wire.c2s({.flags = kAck, .seq = 1001, .ack = 5001});
  }
  test::RecordingStreamSink sink;
  StreamTable table;
  test::SegmentFeeder wire;
};

DirectionStats direction_stats(std::uint64_t packets, std::uint64_t payload, std::uint8_t ttl) {
  DirectionStats s;
  s.packets = packets;
  s.payload_bytes = payload;
  s.first_ttl = ttl;
  s.last_ttl = ttl;
  return s;
}

TcpEventRecord tcp(TcpEventKind kind, Direction dir, std::uint64_t packet, std::uint8_t ttl,
                   std::uint8_t prior_ttl) {
  return {1, TcpEvent{kind, dir, ms(static_cast<std::int64_t>(packet)), ttl, prior_ttl, packet}};
}

TEST(StreamTable, HandshakeDataBothWaysAndFins) {
  Harness h;
  h.handshake();                                                                      // 1-3
  h.wire.c2s({.flags = kAck | kPsh, .seq = 1001, .ack = 5001, .payload = "hello"});   // 4
  h.wire.s2c({.flags = kAck | kPsh, .seq = 5001, .ack = 1006, .payload = "world!"});  // 5
  h.wire.c2s({.flags = kFin | kAck, .seq = 1006, .ack = 5007});                       // 6
  h.wire.s2c({.flags = kFin | kAck, .seq = 5007, .ack = 1007});                       // 7
  h.wire.c2s({.flags = kAck, .seq = 1007, .ack = 5008});  // 8: after the close
  h.wire.end();

  FlowInfo info{1, h.wire.client, h.wire.server, true, ms(1), 1};
  FlowStats stats;
  stats.dir[0] = direction_stats(4, 5, 64);
  stats.dir[1] = direction_stats(3, 6, 128);
  const std::vector<StreamEvent> expected = {
      OpenEvent{info},
      tcp(TcpEventKind::Syn, kC2S, 1, 64, 0),
      tcp(TcpEventKind::SynAck, kS2C, 2, 128, 0),
      DataEvent{1, kC2S, "hello", ms(4), 4},
      DataEvent{1, kS2C, "world!", ms(5), 5},
      tcp(TcpEventKind::Fin, kC2S, 6, 64, 64),
      tcp(TcpEventKind::Fin, kS2C, 7, 128, 128),
      CloseEvent{1, CloseReason::Fin, ms(7), stats},
      EndEvent{ms(8)},
  };
  EXPECT_EQ(h.sink.events, expected);
  EXPECT_EQ(h.table.stats().flows_seen, 1U);
  EXPECT_EQ(h.table.stats().closed_fin, 1U);
  EXPECT_EQ(h.table.stats().late_segments, 1U);
  EXPECT_EQ(h.table.open_flows(), 0U);
}

TEST(StreamTable, OutOfOrderSegmentsAreDeliveredInSequence) {
  Harness h;
  h.handshake();
  h.wire.c2s({.flags = kAck, .seq = 1006, .ack = 5001, .payload = "world"});  // 4
  h.wire.c2s({.flags = kAck, .seq = 1001, .ack = 5001, .payload = "hello"});  // 5
  EXPECT_EQ(h.sink.all<DataEvent>(),
            (std::vector<DataEvent>{{1, kC2S, "hello", ms(5), 5}, {1, kC2S, "world", ms(4), 4}}));
  h.wire.end();
  EXPECT_EQ(h.sink.close_stats(1).dir[0].out_of_order_segments, 1U);
}

TEST(StreamTable, RetransmissionIsCountedOnce) {
  Harness h;
  h.handshake();
  h.wire.c2s({.flags = kAck, .seq = 1001, .ack = 5001, .payload = "hello"});
  h.wire.c2s({.flags = kAck, .seq = 1001, .ack = 5001, .payload = "hello"});
  h.wire.end();
  EXPECT_EQ(h.sink.stream(1, kC2S), "hello");
  const DirectionStats c2s = h.sink.close_stats(1).dir[0];
  EXPECT_EQ(c2s.retransmitted_bytes, 5U);
  EXPECT_EQ(c2s.payload_bytes, 5U);
  EXPECT_EQ(c2s.packets, 4U);
}

TEST(StreamTable, OverlapKeepsTheFirstCopy) {
  struct Case {
    const char* name;
    std::string_view second;
    std::uint64_t conflicts;
  };
  for (const Case& c : {Case{"identical", "cdEF", 0}, Case{"conflicting", "cdXF", 1}}) {
    SCOPED_TRACE(c.name);
    Harness h;
    h.handshake();
    h.wire.c2s({.flags = kAck, .seq = 1005, .ack = 5001, .payload = "EFGH"});
    h.wire.c2s({.flags = kAck, .seq = 1003, .ack = 5001, .payload = c.second});
    h.wire.c2s({.flags = kAck, .seq = 1001, .ack = 5001, .payload = "ab"});
    h.wire.end();
    EXPECT_EQ(h.sink.stream(1, kC2S), "abcdEFGH");
    EXPECT_EQ(h.sink.close_stats(1).dir[0].overlap_conflicts, c.conflicts);
  }
}

TEST(StreamTable, SequenceNumbersWrapAround) {
  Harness h;
  h.wire.c2s({.flags = kSyn, .seq = 0xFFFF'FFF8});
  h.wire.s2c({.flags = kSyn | kAck, .seq = 0xFFFF'FFFF, .ack = 0xFFFF'FFF9});       // data at 0
  h.wire.c2s({.flags = kAck, .seq = 0, .ack = 0, .payload = "wrapped!"});           // 2nd half
  h.wire.c2s({.flags = kAck, .seq = 0xFFFF'FFF9, .ack = 0, .payload = "before,"});  // 1st half
  h.wire.s2c({.flags = kAck, .seq = 0, .ack = 8, .payload = "ok"});
  h.wire.end();
  EXPECT_EQ(h.sink.stream(1, kC2S), "before,wrapped!");
  EXPECT_EQ(h.sink.stream(1, kS2C), "ok");
}

TEST(StreamTable, DataInTheSynFollowsTheIsn) {
  Harness h;
  h.wire.c2s({.flags = kSyn, .seq = 1000, .payload = "early"});  // TCP Fast Open
  h.wire.s2c({.flags = kSyn | kAck, .seq = 5000, .ack = 1006});
  h.wire.c2s({.flags = kAck, .seq = 1006, .ack = 5001, .payload = "-more"});
  h.wire.end();
  EXPECT_EQ(h.sink.stream(1, kC2S), "early-more");
}

TEST(StreamTable, MidStreamPickupGuessesTheClientFromPorts) {
  Harness h;
  // The server (port 443) speaks first: the client is still the unprivileged side.
  h.wire.s2c({.flags = kAck, .seq = 7000, .ack = 3000, .payload = "srv"});
  h.wire.c2s({.flags = kAck, .seq = 3000, .ack = 7003, .payload = "cli"});
  h.wire.end();
  const auto opens = h.sink.all<OpenEvent>();
  ASSERT_EQ(opens.size(), 1U);
  EXPECT_EQ(opens[0].info.client, h.wire.client);
  EXPECT_FALSE(opens[0].info.syn_seen);
  EXPECT_EQ(h.sink.stream(1, kS2C), "srv");
  EXPECT_EQ(h.sink.stream(1, kC2S), "cli");
}

TEST(StreamTable, MidStreamPickupWithoutAPortHintTakesTheSender) {
  Harness h;
  h.wire.server.port = 8443;  // both ports unprivileged
  h.wire.s2c({.flags = kAck, .seq = 7000, .ack = 3000, .payload = "first"});
  h.wire.end();
  const auto opens = h.sink.all<OpenEvent>();
  ASSERT_EQ(opens.size(), 1U);
  EXPECT_EQ(opens[0].info.client, h.wire.server);
  EXPECT_EQ(opens[0].info.server, h.wire.client);
  EXPECT_EQ(h.sink.stream(1, kC2S), "first");
}

TEST(StreamTable, SynAckFirstMakesItsReceiverTheClient) {
  Harness h;
  h.wire.s2c({.flags = kSyn | kAck, .seq = 5000, .ack = 1001});
  h.wire.c2s({.flags = kAck | kPsh, .seq = 1001, .ack = 5001, .payload = "hi"});
  h.wire.end();
  const auto opens = h.sink.all<OpenEvent>();
  ASSERT_EQ(opens.size(), 1U);
  EXPECT_EQ(opens[0].info.client, h.wire.client);
  EXPECT_TRUE(opens[0].info.syn_seen);
  EXPECT_EQ(h.sink.all<TcpEventRecord>().at(0), tcp(TcpEventKind::SynAck, kS2C, 1, 128, 0));
  EXPECT_EQ(h.sink.stream(1, kC2S), "hi");
}

TEST(StreamTable, AckPastUncapturedDataDeclaresAGap) {
  Harness h;
  h.handshake();
  // The client's "hello" at 1001 was not captured, but the server acknowledges it.
  h.wire.s2c({.flags = kAck, .seq = 5001, .ack = 1006});                      // 4
  h.wire.c2s({.flags = kAck, .seq = 1006, .ack = 5001, .payload = "world"});  // 5
  EXPECT_EQ(h.sink.all<GapEvent>(), (std::vector<GapEvent>{{1, kC2S, 5, ms(5)}}));
  EXPECT_EQ(h.sink.stream(1, kC2S), "[gap 5]world");
  h.wire.end();
  EXPECT_EQ(h.sink.close_stats(1).dir[0].gaps, 1U);
  EXPECT_EQ(h.sink.close_stats(1).dir[0].gap_bytes, 5U);
  EXPECT_EQ(h.sink.close_stats(1).dir[0].out_of_order_segments, 0U);
}

TEST(StreamTable, AckedButUncapturedDataIsAGapAtClose) {
  Harness h;
  h.handshake();
  h.wire.s2c({.flags = kAck | kPsh, .seq = 5001, .ack = 1006, .payload = "reply"});  // 4
  h.wire.end();
  EXPECT_EQ(h.sink.stream(1, kC2S), "[gap 5]");
  EXPECT_EQ(h.sink.stream(1, kS2C), "reply");
}

TEST(StreamTable, AckCapturedBeforeItsDataIsNoGap) {
  Harness h;
  h.handshake();
  h.wire.s2c({.flags = kAck, .seq = 5001, .ack = 1006});                      // 4, early
  h.wire.c2s({.flags = kAck, .seq = 1001, .ack = 5001, .payload = "hello"});  // 5
  h.wire.end();
  EXPECT_EQ(h.sink.stream(1, kC2S), "hello");
  EXPECT_TRUE(h.sink.all<GapEvent>().empty());
}

TEST(StreamTable, HeldDataIsFlushedWithAGapAtClose) {
  Harness h;
  h.handshake();
  h.wire.c2s({.flags = kAck, .seq = 1006, .ack = 5001, .payload = "world"});  // 4, after a hole
  h.wire.end();
  FlowStats stats;
  stats.dir[0] = direction_stats(3, 5, 64);
  stats.dir[0].out_of_order_segments = 1;
  stats.dir[0].gaps = 1;
  stats.dir[0].gap_bytes = 5;
  stats.dir[1] = direction_stats(1, 0, 128);
  const std::vector<StreamEvent> tail(h.sink.events.end() - 4, h.sink.events.end());
  EXPECT_EQ(tail, (std::vector<StreamEvent>{
                      GapEvent{1, kC2S, 5, ms(4)}, DataEvent{1, kC2S, "world", ms(4), 4},
                      CloseEvent{1, CloseReason::EndOfCapture, ms(4), stats}, EndEvent{ms(4)}}));
}

TEST(StreamTable, BufferCapGivesUpOnTheHole) {
  Harness h(ReassemblyLimits{.max_buffered_bytes_per_direction = 8});
  h.handshake();
  // "ab" at 1001 is lost; 8 bytes after it fill the buffer.
  h.wire.c2s({.flags = kAck, .seq = 1003, .ack = 5001, .payload = "cdef"});
  h.wire.c2s({.flags = kAck, .seq = 1007, .ack = 5001, .payload = "ghij"});
  EXPECT_EQ(h.sink.stream(1, kC2S), "");
  h.wire.c2s({.flags = kAck, .seq = 1011, .ack = 5001, .payload = "klmn"});
  EXPECT_EQ(h.sink.stream(1, kC2S), "[given up 2]cdefghijklmn");
  h.wire.end();
  EXPECT_TRUE(h.sink.close_stats(1).dir[0].buffer_cap_hit);
  EXPECT_FALSE(h.sink.close_stats(1).dir[1].buffer_cap_hit);
  EXPECT_EQ(h.table.stats().buffer_cap_hits, 1U);
  EXPECT_EQ(h.table.stats().bytes_cap_hits, 1U);  // caps_hit.reassembly_buffer
  EXPECT_EQ(h.table.stats().segments_cap_hits, 0U);
}

// Finding 5 (docs/hostile-input.md): the bytes given up on at the cap were captured, later: the
// gap says so, and they are payload, not missing bytes or retransmissions.
TEST(StreamTable, BytesGivenUpAtTheCapAreNotAGapWhenTheyCome) {
  Harness h(ReassemblyLimits{.max_buffered_bytes_per_direction = 8});
  h.handshake();
  h.wire.c2s({.flags = kAck, .seq = 1003, .ack = 5001, .payload = "cdef"});
  h.wire.c2s({.flags = kAck, .seq = 1007, .ack = 5001, .payload = "ghij"});
  h.wire.c2s({.flags = kAck, .seq = 1011, .ack = 5001, .payload = "klmn"});
  h.wire.c2s({.flags = kAck, .seq = 1001, .ack = 5001, .payload = "ab"});  // too late
  h.wire.end();
  EXPECT_EQ(h.sink.all<GapEvent>(), (std::vector<GapEvent>{{1, kC2S, 2, ms(6), GapKind::GivenUp}}));
  const DirectionStats c2s = h.sink.close_stats(1).dir[0];
  EXPECT_EQ(c2s.gaps, 0U);
  EXPECT_EQ(c2s.given_up_bytes, 2U);
  EXPECT_EQ(c2s.payload_bytes, 14U);
  EXPECT_EQ(c2s.retransmitted_bytes, 0U);
}

// caps_hit.out_of_order_segments: the segment cap counted apart from the byte cap.
TEST(StreamTable, SegmentCapIsCountedApart) {
  Harness h(ReassemblyLimits{.max_out_of_order_segments = 1});
  h.handshake();
  // "ab" at 1001 is lost; one segment after it fills the buffer, the next one gives up.
  h.wire.c2s({.flags = kAck, .seq = 1003, .ack = 5001, .payload = "cd"});
  h.wire.c2s({.flags = kAck, .seq = 1006, .ack = 5001, .payload = "gh"});
  h.wire.end();
  EXPECT_TRUE(h.sink.close_stats(1).dir[0].segments_cap_hit);
  EXPECT_EQ(h.table.stats().buffer_cap_hits, 1U);
  EXPECT_EQ(h.table.stats().segments_cap_hits, 1U);
  EXPECT_EQ(h.table.stats().bytes_cap_hits, 0U);
}

TEST(StreamTable, TruncatedSegmentBecomesAGap) {
  Harness h;
  h.handshake();
  h.wire.c2s({.flags = kAck, .seq = 1001, .ack = 5001, .payload = "hel", .wire_len = 5});
  h.wire.c2s({.flags = kAck, .seq = 1006, .ack = 5001, .payload = "world"});
  h.wire.end();
  EXPECT_EQ(h.sink.stream(1, kC2S), "hel[gap 2]world");
  EXPECT_EQ(h.sink.close_stats(1).dir[0].truncated_packets, 1U);
  EXPECT_EQ(h.sink.close_stats(1).dir[0].payload_bytes, 10U);
}

TEST(StreamTable, ResetReportsItsTtlAgainstThePriorPacket) {
  Harness h;
  h.handshake();
  h.wire.s2c({.flags = kAck, .seq = 5001, .ack = 1001, .payload = "data"});  // 4, TTL 128
  h.wire.c2s({.flags = kAck, .seq = 1010, .ack = 5005, .payload = "abc"});   // 5, held
  h.wire.s2c({.flags = kRst | kAck, .seq = 5005, .ack = 1001, .ttl = 40});   // 6, injected?
  const std::vector<StreamEvent> tail(h.sink.events.end() - 4, h.sink.events.end());
  FlowStats stats;
  stats.dir[0] = direction_stats(3, 3, 64);
  stats.dir[0].out_of_order_segments = 1;
  stats.dir[0].gaps = 1;
  stats.dir[0].gap_bytes = 9;
  stats.dir[1] = direction_stats(3, 4, 128);
  stats.dir[1].last_ttl = 40;
  EXPECT_EQ(tail, (std::vector<StreamEvent>{GapEvent{1, kC2S, 9, ms(6)},
                                            DataEvent{1, kC2S, "abc", ms(5), 5},
                                            tcp(TcpEventKind::Rst, kS2C, 6, 40, 128),
                                            CloseEvent{1, CloseReason::Rst, ms(6), stats}}));
  EXPECT_EQ(h.table.stats().closed_rst, 1U);
  EXPECT_EQ(h.table.open_flows(), 0U);
}

TEST(StreamTable, DeclinedDirectionIsOnlyCounted) {
  Harness h;
  h.sink.wants_more = [](FlowId, Direction dir, std::span<const std::uint8_t>) {
    return dir != kC2S;  // the client's side is done after its first bytes
  };
  h.handshake();
  h.wire.c2s({.flags = kAck, .seq = 1001, .ack = 5001, .payload = "hello"});
  h.wire.c2s({.flags = kAck, .seq = 1006, .ack = 5001, .payload = "world"});
  h.wire.c2s({.flags = kAck, .seq = 1020, .ack = 5001, .payload = "later"});  // past a hole
  h.wire.s2c({.flags = kAck, .seq = 5001, .ack = 1025, .payload = "resp"});
  h.wire.s2c({.flags = kAck, .seq = 5005, .ack = 1025, .payload = "onse"});
  h.wire.c2s({.flags = kFin | kAck, .seq = 1025, .ack = 5009});
  h.wire.s2c({.flags = kFin | kAck, .seq = 5009, .ack = 1026});
  EXPECT_EQ(h.sink.stream(1, kC2S), "hello");
  EXPECT_EQ(h.sink.stream(1, kS2C), "response");
  EXPECT_TRUE(h.sink.all<GapEvent>().empty());
  const auto closes = h.sink.all<CloseEvent>();
  ASSERT_EQ(closes.size(), 1U);
  EXPECT_EQ(closes[0].why, CloseReason::Fin);
  EXPECT_EQ(closes[0].stats.dir[0].payload_bytes, 15U);
  EXPECT_EQ(closes[0].stats.dir[1].payload_bytes, 8U);
}

TEST(StreamTable, FullTableEvictsTheLeastRecentlyActiveFlow) {
  Harness h(ReassemblyLimits{.max_flows = 2});
  h.wire.client.port = 50001;
  h.wire.c2s({.flags = kSyn, .seq = 100});  // 1: flow 1
  h.wire.client.port = 50002;
  h.wire.c2s({.flags = kSyn, .seq = 200});  // 2: flow 2
  h.wire.client.port = 50001;
  h.wire.s2c({.flags = kSyn | kAck, .seq = 900, .ack = 101});  // 3: flow 1 is now the recent one
  h.wire.client.port = 50003;
  h.wire.c2s({.flags = kSyn, .seq = 300});  // 4: flow 3 evicts flow 2
  const auto closes = h.sink.all<CloseEvent>();
  ASSERT_EQ(closes.size(), 1U);
  EXPECT_EQ(closes[0].flow, 2U);
  EXPECT_EQ(closes[0].why, CloseReason::Evicted);
  EXPECT_EQ(closes[0].ts, ms(2));
  EXPECT_EQ(h.table.open_flows(), 2U);
  h.wire.client.port = 50002;
  h.wire.s2c({.flags = kSyn | kAck, .seq = 800, .ack = 201});  // 5: absorbed by the tombstone
  EXPECT_EQ(h.table.stats().flows_evicted, 1U);
  EXPECT_EQ(h.table.stats().late_segments, 1U);
  EXPECT_EQ(h.table.stats().flows_seen, 3U);
}

TEST(StreamTable, TombstoneAbsorbsARetransmittedSynAfterAReset) {
  Harness h;
  h.wire.c2s({.flags = kSyn, .seq = 1000});
  h.wire.s2c({.flags = kRst | kAck, .seq = 0, .ack = 1001});  // connection refused
  h.wire.c2s({.flags = kSyn, .seq = 1000});                   // same ISN: the same attempt
  h.wire.s2c({.flags = kRst | kAck, .seq = 0, .ack = 1001});
  EXPECT_EQ(h.table.stats().flows_seen, 1U);
  EXPECT_EQ(h.table.stats().late_segments, 2U);
  EXPECT_EQ(h.table.tombstones(), 1U);
}

TEST(StreamTable, NewSynReusesAClosedTuple) {
  Harness h;
  h.handshake();
  h.wire.c2s({.flags = kFin | kAck, .seq = 1001, .ack = 5001});
  h.wire.s2c({.flags = kFin | kAck, .seq = 5001, .ack = 1002});
  h.wire.c2s({.flags = kAck, .seq = 1002, .ack = 5002});  // late
  h.wire.c2s({.flags = kSyn, .seq = 9000});               // a new connection
  h.wire.s2c({.flags = kSyn | kAck, .seq = 4000, .ack = 9001});
  h.wire.c2s({.flags = kAck, .seq = 9001, .ack = 4001, .payload = "again"});
  h.wire.end();
  const auto opens = h.sink.all<OpenEvent>();
  ASSERT_EQ(opens.size(), 2U);
  EXPECT_EQ(opens[1].info.id, 2U);
  EXPECT_TRUE(opens[1].info.syn_seen);
  EXPECT_EQ(opens[1].info.first_packet, 7U);
  EXPECT_EQ(h.sink.stream(2, kC2S), "again");
  EXPECT_EQ(h.table.stats().late_segments, 1U);
  EXPECT_EQ(h.table.tombstones(), 0U);
}

TEST(StreamTable, NewSynAfterAFinStartsANewFlowBeforeTheOldOneFinished) {
  Harness h;
  h.handshake();
  h.wire.c2s({.flags = kFin | kAck, .seq = 1001, .ack = 5001});  // 4; the server's FIN is lost
  h.wire.c2s({.flags = kSyn, .seq = 1000});                      // 5: a retransmission, not new
  h.wire.c2s({.flags = kSyn, .seq = 9000});                      // 6: the tuple reused
  const auto closes = h.sink.all<CloseEvent>();
  ASSERT_EQ(closes.size(), 1U);
  EXPECT_EQ(closes[0].why, CloseReason::Fin);
  EXPECT_EQ(closes[0].ts, ms(6));
  const auto opens = h.sink.all<OpenEvent>();
  ASSERT_EQ(opens.size(), 2U);
  EXPECT_EQ(opens[1].info.first_packet, 6U);
  EXPECT_EQ(h.table.open_flows(), 1U);
}

TEST(StreamTable, TombstonesAreForgottenAfterTheirLifetime) {
  Harness h;
  h.wire.c2s({.flags = kSyn, .seq = 1000});
  h.wire.s2c({.flags = kRst | kAck, .seq = 0, .ack = 1001});
  h.wire.wait(61'000'000'000);  // past TIME-WAIT (60 s)
  h.wire.c2s({.flags = kAck, .seq = 1001, .ack = 1});
  EXPECT_EQ(h.table.stats().tombstones_forgotten, 1U);
  EXPECT_EQ(h.table.stats().flows_seen, 2U);
}

TEST(StreamTable, TombstonesAbsorbTrailingSegmentsForTheWholeTimeWait) {
  Harness h;
  h.wire.c2s({.flags = kSyn, .seq = 1000});
  h.wire.s2c({.flags = kRst | kAck, .seq = 0, .ack = 1001});
  h.wire.wait(59'000'000'000);
  h.wire.c2s({.flags = kAck, .seq = 1001, .ack = 1});
  EXPECT_EQ(h.table.stats().tombstones_forgotten, 0U);
  EXPECT_EQ(h.table.stats().late_segments, 1U);
  EXPECT_EQ(h.table.stats().flows_seen, 1U);
}

TEST(StreamTable, TombstonesAreCappedAtTheFlowCap) {
  Harness h(ReassemblyLimits{.max_flows = 1});
  for (std::uint16_t port : std::initializer_list<std::uint16_t>{50001, 50002, 50003}) {
    h.wire.client.port = port;
    h.wire.c2s({.flags = kSyn, .seq = 1000});
    h.wire.s2c({.flags = kRst | kAck, .seq = 0, .ack = 1001});
  }
  EXPECT_EQ(h.table.tombstones(), 1U);
  EXPECT_EQ(h.table.stats().tombstones_forgotten, 2U);
}

TEST(StreamTable, RepeatedFinIsCountedNotReEmitted) {
  Harness h;
  h.handshake();
  h.wire.c2s({.flags = kFin | kAck, .seq = 1001, .ack = 5001});
  h.wire.c2s({.flags = kFin | kAck, .seq = 1001, .ack = 5001});
  h.wire.end();
  int fins = 0;
  for (const auto& e : h.sink.all<TcpEventRecord>()) fins += e.event.kind == TcpEventKind::Fin;
  EXPECT_EQ(fins, 1);
  EXPECT_EQ(h.table.stats().duplicate_fins, 1U);
  // One FIN and the end of the capture: closed as Fin (flow.h).
  EXPECT_EQ(h.sink.all<CloseEvent>().at(0).why, CloseReason::Fin);
}

TEST(StreamTable, EndClosesOpenFlowsInIdOrder) {
  Harness h;
  for (std::uint16_t port : std::initializer_list<std::uint16_t>{50001, 50002, 50003}) {
    h.wire.client.port = port;
    h.wire.c2s({.flags = kSyn, .seq = 1000});
  }
  h.wire.client.port = 50001;  // flow 1 becomes the most recently active
  h.wire.s2c({.flags = kSyn | kAck, .seq = 5000, .ack = 1001});
  h.wire.end();
  const auto closes = h.sink.all<CloseEvent>();
  ASSERT_EQ(closes.size(), 3U);
  for (std::size_t i = 0; i < closes.size(); ++i) {
    EXPECT_EQ(closes[i].flow, i + 1);
    EXPECT_EQ(closes[i].why, CloseReason::EndOfCapture);
  }
  EXPECT_EQ(closes[0].ts, ms(4));  // the flow's last packet
  EXPECT_TRUE(std::holds_alternative<EndEvent>(h.sink.events.back()));
  EXPECT_EQ(h.table.stats().closed_end_of_capture, 3U);
}

TEST(StreamTable, ExpireIdleClosesOnlyIdleFlows) {
  Harness h;
  h.wire.client.port = 50001;
  h.wire.c2s({.flags = kSyn, .seq = 1000});
  h.wire.wait(10'000'000'000);
  h.wire.client.port = 50002;
  h.wire.c2s({.flags = kSyn, .seq = 1000});
  h.table.expire_idle(h.wire.now(), 5'000'000'000);
  const auto closes = h.sink.all<CloseEvent>();
  ASSERT_EQ(closes.size(), 1U);
  EXPECT_EQ(closes[0].flow, 1U);
  EXPECT_EQ(closes[0].why, CloseReason::Timeout);
  EXPECT_EQ(h.table.open_flows(), 1U);
  EXPECT_EQ(h.table.stats().closed_timeout, 1U);
}

// Many interleaved connections (IPv4 and IPv6) through a small table: every flow opens once,
// closes once, and no event of a flow falls outside that bracket.
TEST(StreamTable, ManyFlowsUnderAFlowCapStayConsistent) {
  Harness h(ReassemblyLimits{.max_flows = 300});
  std::uint64_t state = 7;
  auto rnd = [&state](std::uint32_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>((state >> 33) % bound);
  };
  for (int i = 0; i < 20000; ++i) {
    const std::uint32_t conn = rnd(2000);
    h.wire.client = test::ipv4_endpoint(10, 1, static_cast<std::uint8_t>(conn >> 8),
                                        static_cast<std::uint8_t>(conn), 40000);
    if (conn % 2 == 1) {
      h.wire.client.ip.family = 6;
      h.wire.client.ip.bytes[15] = 0x42;
    }
    const std::uint32_t seq = 1000 + conn * 10;
    switch (rnd(6)) {
      case 0:
        h.wire.c2s({.flags = kSyn, .seq = seq - 1});
        break;
      case 1:
        h.wire.s2c({.flags = kAck, .seq = 77, .ack = seq, .payload = "s"});
        break;
      case 2:
        h.wire.c2s({.flags = kAck, .seq = seq + rnd(5), .ack = 77, .payload = "c"});
        break;
      case 3:
        h.wire.c2s({.flags = kFin | kAck, .seq = seq + 5, .ack = 78});
        break;
      case 4:
        h.wire.s2c({.flags = kFin | kAck, .seq = 78, .ack = seq + 6});
        break;
      default:
        if (rnd(10) == 0) h.wire.s2c({.flags = kRst, .seq = 79});
        break;
    }
    ASSERT_LE(h.table.open_flows(), 300U);
    ASSERT_LE(h.table.tombstones(), 300U);
  }
  h.wire.end();
  std::vector<int> state_of(h.table.stats().flows_seen + 1, 0);  // 0 unseen, 1 open, 2 closed
  for (const StreamEvent& e : h.sink.events) {
    if (const auto* o = std::get_if<OpenEvent>(&e)) {
      ASSERT_EQ(state_of.at(o->info.id), 0);
      state_of[o->info.id] = 1;
    } else if (const auto* c = std::get_if<CloseEvent>(&e)) {
      ASSERT_EQ(state_of.at(c->flow), 1);
      state_of[c->flow] = 2;
    } else if (const auto* t = std::get_if<TcpEventRecord>(&e)) {
      ASSERT_EQ(state_of.at(t->flow), 1);
    } else if (const auto* d = std::get_if<DataEvent>(&e)) {
      ASSERT_EQ(state_of.at(d->flow), 1);
    } else if (const auto* g = std::get_if<GapEvent>(&e)) {
      ASSERT_EQ(state_of.at(g->flow), 1);
    }
  }
  for (std::size_t id = 1; id < state_of.size(); ++id) EXPECT_EQ(state_of[id], 2) << id;
  const ReassemblyStats& stats = h.table.stats();
  EXPECT_EQ(stats.flows_closed, stats.flows_seen);
  EXPECT_EQ(stats.flows_closed, stats.closed_fin + stats.closed_rst + stats.closed_end_of_capture +
                                    stats.flows_evicted);
  EXPECT_GT(stats.flows_evicted, 0U);
  EXPECT_GT(stats.late_segments, 0U);
  EXPECT_EQ(h.table.open_flows(), 0U);
}

// STYLE §9: the same bytes whole, one byte per segment, and split at every boundary.
TEST(StreamTable, AnySegmentationGivesTheSameStreams) {
  const std::string request = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
  const std::string response = "HTTP/1.1 200 OK\r\n\r\nbody";
  const std::uint32_t client_isn = 0xFFFF'FFF0;  // client bytes wrap past 2^32
  const std::uint32_t server_isn = 7000;
  using Cuts = std::vector<std::size_t>;  // segment lengths
  auto run = [&](const Cuts& request_cuts, const Cuts& response_cuts, bool reverse_request) {
    Harness h;
    h.wire.c2s({.flags = kSyn, .seq = client_isn});
    h.wire.s2c({.flags = kSyn | kAck, .seq = server_isn, .ack = client_isn + 1});
    std::vector<std::pair<std::uint32_t, std::string>> segments;
    std::uint32_t at = 0;
    for (std::size_t len : request_cuts) {
      segments.emplace_back(at, request.substr(at, len));
      at += static_cast<std::uint32_t>(len);
    }
    if (reverse_request) std::reverse(segments.begin(), segments.end());
    for (const auto& [offset, text] : segments) {
      h.wire.c2s(
          {.flags = kAck, .seq = client_isn + 1 + offset, .ack = server_isn + 1, .payload = text});
    }
    const auto request_end = client_isn + 1 + static_cast<std::uint32_t>(request.size());
    at = 0;
    for (std::size_t len : response_cuts) {
      h.wire.s2c({.flags = kAck,
                  .seq = server_isn + 1 + at,
                  .ack = request_end,
                  .payload = response.substr(at, len)});
      at += static_cast<std::uint32_t>(len);
    }
    const auto response_end = server_isn + 1 + static_cast<std::uint32_t>(response.size());
    h.wire.c2s({.flags = kFin | kAck, .seq = request_end, .ack = response_end});
    h.wire.s2c({.flags = kFin | kAck, .seq = response_end, .ack = request_end + 1});
    EXPECT_EQ(h.table.open_flows(), 0U);
    return h.sink.stream(1, kC2S) + "|" + h.sink.stream(1, kS2C);
  };
  const std::string expected = request + "|" + response;
  auto ones = [](std::size_t n) { return Cuts(n, 1); };
  EXPECT_EQ(run({request.size()}, {response.size()}, false), expected);
  EXPECT_EQ(run(ones(request.size()), ones(response.size()), false), expected);
  EXPECT_EQ(run(ones(request.size()), ones(response.size()), true), expected);
  for (std::size_t k = 1; k < request.size(); ++k) {
    SCOPED_TRACE(k);
    const std::size_t r = k % response.size() == 0 ? 1 : k % response.size();
    EXPECT_EQ(run({k, request.size() - k}, {r, response.size() - r}, false), expected);
    EXPECT_EQ(run({k, request.size() - k}, {response.size()}, true), expected);
  }
}

// --memory-limit: the table and each open flow's out-of-order bytes are charged; over the limit
// the least recently active flows are evicted until it fits, never the flow that just sent. The
// limit leaves room for the table itself (a chunk of 64 flow slots, 48 KiB, and a sixteenth of the
// limit set aside for tombstones) and a few flows holding 2,000 bytes each.
TEST(StreamTable, MemoryBudgetEvictsTheLeastRecentlyActiveFlowsAndReleasesTheirCharge) {
  Harness h;
  MemoryBudget budget(64 * 1024);
  h.table.set_memory_budget(&budget);
  const std::string chunk(1000, 'x');
  for (std::uint16_t i = 0; i < 6; ++i) {
    h.wire.client.port = static_cast<std::uint16_t>(50001 + i);
    h.wire.c2s({.flags = kSyn, .seq = 100});
    // 2,000 bytes held out of order: byte 101 never arrives.
    h.wire.c2s({.flags = kAck, .seq = 2101, .payload = chunk});
    h.wire.c2s({.flags = kAck, .seq = 3101, .payload = chunk});
  }
  const auto closes = h.sink.all<CloseEvent>();
  ASSERT_FALSE(closes.empty());
  for (std::size_t i = 0; i < closes.size(); ++i) {
    EXPECT_EQ(closes[i].flow, i + 1);  // oldest first
    EXPECT_EQ(closes[i].why, CloseReason::Evicted);
  }
  EXPECT_EQ(h.table.stats().memory_evictions, closes.size());
  EXPECT_EQ(h.table.stats().flows_evicted, closes.size());
  EXPECT_EQ(h.table.open_flows() + closes.size(), 6U);
  EXPECT_GE(h.table.open_flows(), 2U);
  EXPECT_LE(budget.used(), budget.limit());
  EXPECT_GT(budget.used(), 2 * 2000U);  // what the open flows hold is charged
  h.table.on_end(h.wire.now());
  EXPECT_EQ(budget.used(), 0U);  // every flow's charge released at its close, the table's at the end
}

// The slot of a closed flow stays allocated for the next flow (the table never shrinks until the
// end): it stays charged, and flows that reuse the slots add nothing.
TEST(StreamTable, MemoryBudgetChargesFreedFlowSlotsUntilTheEnd) {
  Harness h;
  MemoryBudget budget;  // no limit: charges are counted, nothing is evicted
  h.table.set_memory_budget(&budget);
  auto open_100 = [&h](std::uint16_t first_port) {
    for (std::uint16_t i = 0; i < 100; ++i) {
      h.wire.client.port = static_cast<std::uint16_t>(first_port + i);
      h.wire.c2s({.flags = kSyn, .seq = 1000});
    }
  };
  open_100(40000);
  const std::size_t open = budget.used();
  EXPECT_GE(open, 100 * sizeof(DirectionBuffer) * 2);  // each slot holds two DirectionBuffers
  h.table.expire_idle(Timestamp{h.wire.now().ns + 1'000'000'000}, 0);  // timed out: no tombstones
  EXPECT_EQ(h.table.open_flows(), 0U);
  EXPECT_EQ(h.table.tombstones(), 0U);
  const std::size_t closed = budget.used();
  EXPECT_GE(closed, open);  // the slots are still there (and a list of the free ones)
  open_100(45000);
  EXPECT_EQ(budget.used(), closed);  // reused
  h.table.on_end(h.wire.now());
  EXPECT_EQ(budget.used(), 0U);
}

// With a memory limit, room for limit / 16 / 64 tombstones is set aside from the start (charged,
// used or not), and there are never more: 1 MiB -> 1,024 tombstones, of 3,000 closed flows the
// 1,976 oldest forgotten.
TEST(StreamTable, TombstonesHaveRoomSetAsideInTheBudgetAndStayWithinIt) {
  Harness h;
  MemoryBudget budget(1 << 20);
  h.table.set_memory_budget(&budget);
  EXPECT_GE(budget.used(), (1U << 20) / StreamTable::kTombstoneShare);
  for (std::uint32_t i = 0; i < 3000; ++i) {
    h.wire.client.port = static_cast<std::uint16_t>(20000 + i);
    h.wire.c2s({.flags = kSyn, .seq = 1000});
    h.wire.s2c({.flags = kRst | kAck, .seq = 0, .ack = 1001});
  }
  EXPECT_EQ(h.table.tombstones(), 1024U);
  EXPECT_EQ(h.table.stats().tombstones_forgotten, 3000U - 1024U);
  EXPECT_EQ(h.table.stats().memory_evictions, 0U);
  EXPECT_LE(budget.used(), budget.limit());
}

// With the stages after the dissector on another thread (app::EventThread), what they hold is a
// figure from a few batches back: the table asks for a current one before it evicts, so a flood
// of closes there does not make it evict every open flow here.
TEST(StreamTable, AStaleFigureFromAnotherThreadIsMadeCurrentBeforeEvicting) {
  Harness h;
  MemoryBudget budget(1 << 20);
  h.table.set_memory_budget(&budget);
  int settled = 0;
  budget.set_settle([&] {
    ++settled;
    budget.set_elsewhere(1000);  // the other thread has let its flows go since
  });
  for (std::uint16_t i = 0; i < 3; ++i) {
    h.wire.client.port = static_cast<std::uint16_t>(50001 + i);
    h.wire.c2s({.flags = kSyn, .seq = 100});
  }
  budget.set_elsewhere(1 << 20);  // stale: over the limit
  h.wire.c2s({.flags = kAck, .seq = 101, .payload = "x"});
  EXPECT_EQ(settled, 1);
  EXPECT_EQ(h.table.open_flows(), 3U);
  EXPECT_EQ(h.table.stats().memory_evictions, 0U);

  budget.set_settle([&] { ++settled; });  // still over once current: the oldest flows go
  budget.set_elsewhere(1 << 20);
  h.wire.c2s({.flags = kAck, .seq = 102, .payload = "y"});
  EXPECT_EQ(h.table.open_flows(), 1U);  // never the flow that just sent
  EXPECT_EQ(h.table.stats().memory_evictions, 2U);
  EXPECT_EQ(settled, 3);  // asked before each eviction
}

TEST(StreamTable, OneFlowAloneIsNotEvictedByTheBudget) {
  Harness h;
  MemoryBudget budget(1);
  h.table.set_memory_budget(&budget);
  h.wire.c2s({.flags = kSyn, .seq = 100});
  h.wire.c2s({.flags = kAck, .seq = 2101, .payload = std::string(500, 'y')});
  EXPECT_EQ(h.table.open_flows(), 1U);
  EXPECT_EQ(h.table.stats().memory_evictions, 0U);
}

}  // namespace
}  // namespace tlsdiag::reassembly
