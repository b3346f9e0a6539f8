// FailureRecorder: the packets of a failed handshake land in the pcap, those of other flows do
// not, and every flow still reaches the next sink.
#include "failure_recorder.h"

#include <gtest/gtest.h>

#include "app_fixtures.h"
#include "live_pipeline.h"
#include "support/pcap_file_writer.h"

namespace tlsdiag::app {
namespace {

using test::Conversation;

struct Chain {
  explicit Chain(const std::filesystem::path& pcap)
      : writer(pcap.string(), capture::link_type::kEthernet, 262144),
        recorder(sink, ring, writer),
        pipeline(recorder, LivePipelineOptions{}, &ring) {}
  test::RecordingFlowSink sink;
  PacketRing ring;
  PcapWriter writer;
  FailureRecorder recorder;
  LivePipeline pipeline;
};

TEST(FailureRecorder, WritesEveryPacketOfAFailedHandshakeUpToItsVerdict) {
  test::TempDir dir;
  Chain chain(dir.file("failures.pcap"));
  ASSERT_FALSE(chain.writer.open());
  Conversation talk;
  talk.handshake(chain.pipeline);
  talk.c2s(chain.pipeline, test::tls12_client_hello_record());
  talk.s2c(chain.pipeline, test::alert_record(2, 70));  // the verdict comes with this packet

  ASSERT_EQ(chain.sink.flows.size(), 1U);
  EXPECT_EQ(chain.sink.flows[0].verdict.status, analysis::Status::Failed);
  EXPECT_EQ(chain.recorder.stats().flows_written, 1U);
  EXPECT_EQ(chain.recorder.stats().packets_written, 5U);
  EXPECT_EQ(chain.ring.flows(), 0U);
  // Packets after the verdict are not written; the ring keeps them until the connection quiets.
  talk.c2s(chain.pipeline, {}, net::tcp_flags::kRst);
  EXPECT_EQ(chain.recorder.stats().packets_written, 5U);
  EXPECT_EQ(chain.ring.flows(), 1U);
  chain.pipeline.expire(Timestamp{talk.now().ns + 3600'000'000'000});
  EXPECT_EQ(chain.ring.flows(), 0U);

  const auto back = test::read_capture(dir.file("failures.pcap"));
  ASSERT_EQ(back.error, "");
  ASSERT_EQ(back.packets.size(), 5U);
  for (std::size_t i = 0; i < back.packets.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(test::Bytes(back.packets[i].data.begin(), back.packets[i].data.end()), talk.frames()[i]);
  }
}

TEST(FailureRecorder, DoesNotWriteFlowsThatDidNotFail) {
  test::TempDir dir;
  Chain chain(dir.file("failures.pcap"));
  ASSERT_FALSE(chain.writer.open());
  Conversation talk;
  talk.handshake(chain.pipeline);
  talk.c2s(chain.pipeline, test::tls12_client_hello_record());
  chain.pipeline.on_end(talk.now());  // incomplete: stopped before any answer

  ASSERT_EQ(chain.sink.flows.size(), 1U);
  EXPECT_EQ(chain.sink.flows[0].verdict.status, analysis::Status::Incomplete);
  EXPECT_EQ(chain.recorder.stats().flows_written, 0U);
  EXPECT_EQ(chain.ring.flows(), 0U);  // forgotten all the same
  EXPECT_TRUE(test::read_capture(dir.file("failures.pcap")).packets.empty());
}

}  // namespace
}  // namespace tlsdiag::app
