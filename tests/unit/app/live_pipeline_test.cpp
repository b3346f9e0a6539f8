// LivePipeline: flows reach the sink when they close, when they are idle past the flow timeout
// (expire), when the full flow table evicts them, and when the capture stops (on_end).
#include "live_pipeline.h"

#include <gtest/gtest.h>

#include "app_fixtures.h"

namespace tlsdiag::app {
namespace {

using analysis::Reason;
using analysis::Status;
using reassembly::CloseReason;
using test::Conversation;
using test::RecordingFlowSink;

constexpr std::int64_t kSecond = 1'000'000'000;

LivePipelineOptions options(std::size_t max_flows = 1000, std::int64_t timeout_ns = 60 * kSecond) {
  LivePipelineOptions o;
  o.source = "eth0";
  o.max_flows = max_flows;
  o.flow_timeout_ns = timeout_ns;
  return o;
}

// Handshake, ClientHello, and nothing back from the server.
void unanswered_hello(Conversation& talk, LivePipeline& pipeline) {
  talk.handshake(pipeline);
  talk.c2s(pipeline, test::tls12_client_hello_record());
}

TEST(LivePipeline, FatalAlertIsReportedAtOnceWhileTheConnectionStaysOpen) {
  RecordingFlowSink sink;
  LivePipeline pipeline(sink, options());
  Conversation talk;
  unanswered_hello(talk, pipeline);
  talk.s2c(pipeline, test::alert_record(2, 70));  // fatal protocol_version
  ASSERT_EQ(sink.flows.size(), 1U);
  const analysis::FlowRecord& flow = sink.flows[0];
  EXPECT_EQ(flow.verdict.status, Status::Failed);
  EXPECT_EQ(flow.verdict.reason, Reason::ProtocolVersionMismatch);
  EXPECT_EQ(flow.close_reason, CloseReason::Open);
  EXPECT_EQ(flow.source_file, "eth0");
  // Counters of the moment: SYN, ACK and the hello from the client; SYN-ACK and the alert back.
  EXPECT_EQ(flow.stats.dir[0].packets, 3U);
  EXPECT_EQ(flow.stats.dir[1].packets, 2U);
  EXPECT_EQ(flow.stats.dir[1].payload_bytes, test::alert_record(2, 70).size());
  EXPECT_EQ(pipeline.open_flows(), 1U);

  talk.c2s(pipeline, {}, net::tcp_flags::kRst);  // the rest of the connection adds nothing
  EXPECT_EQ(sink.flows.size(), 1U);
  EXPECT_EQ(pipeline.open_flows(), 0U);
  EXPECT_EQ(pipeline.stats().flows_seen, 1U);
  EXPECT_EQ(pipeline.stats().flows_reported, 1U);
}

TEST(LivePipeline, UndecidedHandshakeWaitsForTheClose) {
  RecordingFlowSink sink;
  LivePipeline pipeline(sink, options());
  Conversation talk;
  unanswered_hello(talk, pipeline);
  talk.s2c(pipeline, test::alert_record(1, 0));  // a warning close_notify settles nothing
  EXPECT_TRUE(sink.flows.empty());
  talk.c2s(pipeline, {}, net::tcp_flags::kRst);
  ASSERT_EQ(sink.flows.size(), 1U);
  EXPECT_EQ(sink.flows[0].close_reason, CloseReason::Rst);
}

TEST(LivePipeline, IdleFlowIsClosedAtTheFlowTimeout) {
  RecordingFlowSink sink;
  LivePipeline pipeline(sink, options(1000, 60 * kSecond));
  Conversation talk;
  unanswered_hello(talk, pipeline);
  const Timestamp last = talk.now();

  pipeline.expire(Timestamp{last.ns + 59 * kSecond});
  EXPECT_TRUE(sink.flows.empty());
  EXPECT_EQ(pipeline.open_flows(), 1U);

  pipeline.expire(Timestamp{last.ns + 61 * kSecond});
  ASSERT_EQ(sink.flows.size(), 1U);
  EXPECT_EQ(sink.flows[0].close_reason, CloseReason::Timeout);
  EXPECT_EQ(sink.flows[0].verdict.reason, Reason::NoServerResponse);
  EXPECT_EQ(sink.flows[0].verdict.status, Status::Incomplete);
  EXPECT_EQ(pipeline.open_flows(), 0U);
}

TEST(LivePipeline, ActiveFlowIsNotExpired) {
  RecordingFlowSink sink;
  LivePipeline pipeline(sink, options(1000, 10 * kSecond));
  Conversation talk;
  unanswered_hello(talk, pipeline);
  for (int i = 0; i < 5; ++i) {
    talk.wait(8 * kSecond);
    talk.c2s(pipeline, {}, net::tcp_flags::kAck);  // keep-alive
    pipeline.expire(talk.now());
  }
  EXPECT_TRUE(sink.flows.empty());
  EXPECT_EQ(pipeline.open_flows(), 1U);
}

TEST(LivePipeline, FullTableEvictsTheLeastRecentlyActiveFlowAndCountsIt) {
  RecordingFlowSink sink;
  LivePipeline pipeline(sink, options(/*max_flows=*/2));
  Conversation a({.client_port = 40001}), b({.client_port = 40002}), c({.client_port = 40003});
  unanswered_hello(a, pipeline);
  unanswered_hello(b, pipeline);
  EXPECT_TRUE(sink.flows.empty());
  unanswered_hello(c, pipeline);
  ASSERT_EQ(sink.flows.size(), 1U);
  EXPECT_EQ(sink.flows[0].client.port, 40001);
  EXPECT_EQ(sink.flows[0].close_reason, CloseReason::Evicted);
  EXPECT_EQ(pipeline.stats().flows_evicted, 1U);
  EXPECT_EQ(pipeline.stats().flows_seen, 3U);
  EXPECT_EQ(pipeline.open_flows(), 2U);
}

TEST(LivePipeline, StoppingReportsTheOpenFlowsAsIncomplete) {
  RecordingFlowSink sink;
  LivePipeline pipeline(sink, options());
  Conversation talk;
  unanswered_hello(talk, pipeline);
  pipeline.on_end(talk.now());
  ASSERT_EQ(sink.flows.size(), 1U);
  EXPECT_EQ(sink.flows[0].verdict.status, Status::Incomplete);
  EXPECT_EQ(pipeline.open_flows(), 0U);
}

TEST(LivePipeline, NewestPacketFollowsThePackets) {
  RecordingFlowSink sink;
  LivePipeline pipeline(sink, options());
  EXPECT_FALSE(pipeline.newest_packet());
  Conversation talk;
  talk.handshake(pipeline);
  ASSERT_TRUE(pipeline.newest_packet());
  EXPECT_EQ(*pipeline.newest_packet(), talk.now());
  EXPECT_EQ(pipeline.stats().packets, 3U);
}

}  // namespace
}  // namespace tlsdiag::app
