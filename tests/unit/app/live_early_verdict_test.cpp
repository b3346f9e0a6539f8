// Live mode reports a flow as soon as its handshake's outcome is known, before the connection
// closes. Over every real capture in samples/: each flow is reported exactly once, with the
// same verdict as when it is judged at its close, and some flows are reported early.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <tuple>

#include "app_fixtures.h"
#include "live_pipeline.h"
#include "support/paths.h"
#include "tlsdiag/analysis/correlator.h"
#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/net/packet_decoder.h"
#include "tlsdiag/reassembly/stream_table.h"
#include "tlsdiag/tls/dissector.h"

namespace tlsdiag::app {
namespace {

using Key = std::pair<net::Endpoint, net::Endpoint>;

std::map<Key, std::vector<analysis::FlowRecord>> by_connection(const std::vector<analysis::FlowRecord>& flows) {
  std::map<Key, std::vector<analysis::FlowRecord>> out;
  for (const auto& f : flows) out[{f.client, f.server}].push_back(f);
  return out;
}

// Every flow judged at its close: the live chain without early reporting.
std::vector<analysis::FlowRecord> judged_at_close(const std::filesystem::path& pcap) {
  test::RecordingFlowSink sink;
  analysis::Correlator correlator(sink, "x", /*ordered=*/false);
  tls::Dissector dissector(correlator);
  reassembly::StreamTable streams(dissector);
  net::PacketDecoder decoder(streams);
  capture::FileSource source(pcap.string());
  EXPECT_FALSE(source.open());
  EXPECT_FALSE(source.run(decoder));
  return sink.flows;
}

std::vector<analysis::FlowRecord> judged_live(const std::filesystem::path& pcap) {
  test::RecordingFlowSink sink;
  LivePipelineOptions options;
  options.source = "x";
  LivePipeline pipeline(sink, options);
  capture::FileSource source(pcap.string());
  EXPECT_FALSE(source.open());
  EXPECT_FALSE(source.run(pipeline));
  return sink.flows;
}

TEST(LiveEarlyVerdict, SameVerdictsAsAtTheCloseOnEverySample) {
  std::size_t flows = 0, early = 0, early_established = 0, early_failed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() / "samples")) {
    if (entry.path().extension() != ".pcap") continue;
    SCOPED_TRACE(entry.path().filename().string());
    const auto at_close = by_connection(judged_at_close(entry.path()));
    const auto live = by_connection(judged_live(entry.path()));
    ASSERT_EQ(live.size(), at_close.size());
    for (const auto& [key, closed] : at_close) {
      const auto it = live.find(key);
      ASSERT_NE(it, live.end()) << net::to_string(key.first);
      ASSERT_EQ(it->second.size(), closed.size());  // reported once per connection, as at the close
      for (std::size_t i = 0; i < closed.size(); ++i) {
        const analysis::Verdict& want = closed[i].verdict;
        const analysis::FlowRecord& got = it->second[i];
        EXPECT_EQ(got.verdict.status, want.status) << net::to_string(key.first);
        EXPECT_EQ(got.verdict.reason, want.reason) << net::to_string(key.first);
        EXPECT_EQ(got.verdict.rejected_by, want.rejected_by) << net::to_string(key.first);
        EXPECT_EQ(got.verdict.confidence, want.confidence) << net::to_string(key.first);
        EXPECT_LE(got.stats.dir[0].packets, closed[i].stats.dir[0].packets);
        EXPECT_LE(got.stats.dir[1].packets, closed[i].stats.dir[1].packets);
        ++flows;
        if (got.close_reason != reassembly::CloseReason::Open) continue;
        ++early;
        if (got.verdict.status == analysis::Status::Ok) ++early_established;
        if (got.verdict.status == analysis::Status::Failed) ++early_failed;
      }
    }
  }
  RecordProperty("flows", static_cast<int>(flows));
  RecordProperty("reported_early", static_cast<int>(early));
  EXPECT_GT(flows, 60U);
  EXPECT_GT(early_established, 0U);
  EXPECT_GT(early_failed, 0U);
}

}  // namespace
}  // namespace tlsdiag::app
