// Live mode's lines: the one-line text form of a flow, and JSON lines shaped like analyze's.
#include "live_format.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include <gtest/gtest.h>

#include "support/packet_builder.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/flow_json_text.h"
#include "tlsdiag/report/report.h"
#include "tlsdiag/report/summary.h"

namespace tlsdiag::app {
namespace {

using analysis::Confidence;
using analysis::FlowRecord;
using analysis::Reason;
using analysis::RejectedBy;
using analysis::Status;
using nlohmann::json;

FlowRecord failed_flow(std::string sni = "example.com") {
  FlowRecord f;
  f.source_file = "eth0";
  f.first_packet = 7;
  f.client = net::Endpoint{test::ip("192.0.2.10"), 51000};
  f.server = net::Endpoint{test::ip("192.0.2.1"), 443};
  f.first_seen = Timestamp::from_sec_nsec(1704164645, 123456000);
  f.last_seen = f.first_seen;
  f.client_hello = tls::ClientHello{};
  f.client_hello->sni = std::move(sni);
  f.verdict.status = Status::Failed;
  f.verdict.reason = Reason::ProtocolVersionMismatch;
  f.verdict.rejected_by = RejectedBy::Server;
  f.verdict.confidence = Confidence::Certain;
  f.verdict.explanation = "The server rejected TLS 1.0.";
  return f;
}

TEST(FlowTextLine, NamesTheVerdictThePeersTheSniAndTheExplanation) {
  EXPECT_EQ(flow_text_line(failed_flow()),
            "2024-01-02T03:04:05.123456Z failed protocol_version_mismatch by server (certain)  "
            "192.0.2.10:51000 -> 192.0.2.1:443  SNI example.com  The server rejected TLS 1.0.");
}

TEST(FlowTextLine, SuccessesAndUnknownSidesAreShort) {
  FlowRecord f = failed_flow();
  f.client_hello.reset();
  f.verdict = analysis::Verdict{Status::Ok, RejectedBy::None, Reason::Ok, Confidence::Certain, "", "", {}};
  EXPECT_EQ(flow_text_line(f), "2024-01-02T03:04:05.123456Z ok (certain)  192.0.2.10:51000 -> 192.0.2.1:443  no SNI");
}

TEST(FlowTextLine, EscapesWhatCameFromTheWireSoALineStaysOneLine) {
  const std::string line = flow_text_line(failed_flow("evil\x1b[31m\nname"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
  EXPECT_NE(line.find("evil\\x1b[31m\\x0aname"), std::string::npos) << line;
}

TEST(FlowJsonlLine, IsAnalyzesFlowLine) {
  const FlowRecord f = failed_flow();
  std::string expected;
  report::append_flow_json(expected, f, "\"type\":\"flow\"");
  EXPECT_EQ(flow_jsonl_line(f), expected);
  EXPECT_EQ(flow_jsonl_line(f).rfind("{\"type\":\"flow\",", 0), 0U);
}

// The same flows and input through analyze's JsonlReport end in the same summary line.
TEST(SummaryJsonlLine, IsAnalyzesSummaryLine) {
  analysis::InputResult input;
  input.info.path = "eth0";
  input.info.format = "live";
  input.stats.packets = 42;
  std::ostringstream analyze_out;
  auto jsonl = report::make_report(report::Format::Jsonl, analyze_out, {});
  report::Summary summary;
  for (const FlowRecord& f : {failed_flow(), failed_flow("other.example")}) {
    jsonl->on_flow(f);
    summary.add_flow(f);
  }
  jsonl->on_input_done(input);
  jsonl->on_finish();
  summary.add_input(input);

  SummaryView view;
  view.summary = &summary;
  const std::string analyze_text = analyze_out.str();
  const std::string analyze_last = analyze_text.substr(analyze_text.rfind("{\"type\":\"summary\""));
  EXPECT_EQ(summary_jsonl_line(view) + "\n", analyze_last);
  const json line = json::parse(summary_jsonl_line(view));
  EXPECT_EQ(line["failed"], 2);
  EXPECT_EQ(line["packets"], 42);
}

TEST(StatsJsonlLine, CarriesTheIntervalTheTopPeersAndTheKernelCounters) {
  LiveCounts counts;
  counts.add(failed_flow());
  StatsView view;
  view.time = Timestamp::from_sec_nsec(1704164645, 0);
  view.interval_s = 60;
  view.counts = &counts;
  view.servers = {TopEntry{"192.0.2.1:443 (example.com)", 1, 0, Reason::ProtocolVersionMismatch}};
  view.clients = {TopEntry{"192.0.2.10", 1, 0, Reason::ProtocolVersionMismatch}};
  view.packets = 100;
  view.open_flows = 3;
  view.kernel = capture::LiveStats{1000, 7, 1};
  const std::string text = stats_jsonl_line(view);
  EXPECT_EQ(text.rfind("{\"type\":\"stats\",", 0), 0U);
  const json line = json::parse(text);
  EXPECT_EQ(line["time"], "2024-01-02T03:04:05.000000Z");
  EXPECT_EQ(line["interval_s"], 60.0);
  EXPECT_EQ(line["failed"], 1);
  EXPECT_EQ(line["by_reason"], json({{"protocol_version_mismatch", 1}}));
  EXPECT_EQ(line["top_failing_servers"][0]["server"], "192.0.2.1:443 (example.com)");
  EXPECT_EQ(line["top_failing_servers"][0]["top_reason"], "protocol_version_mismatch");
  EXPECT_EQ(line["top_failing_clients"][0]["client"], "192.0.2.10");
  EXPECT_EQ(line["kernel"], json({{"received", 1000}, {"dropped", 7}, {"if_dropped", 1}}));
  EXPECT_EQ(line["open_flows"], 3);
  EXPECT_FALSE(line.contains("failures_written"));  // only with --write-failures
}

TEST(StatsTextLine, IsOneLineWithTheCountsAndDrops) {
  LiveCounts counts;
  counts.add(failed_flow());
  StatsView view;
  view.time = Timestamp::from_sec_nsec(1704164645, 0);
  view.interval_s = 60;
  view.counts = &counts;
  view.kernel = capture::LiveStats{1000, 7, 0};
  const std::string line = stats_text_line(view);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.rfind("2024-01-02T03:04:05.000000Z stats 60.0s: flows 1 (ok 0, failed 1, incomplete 0); "
                       "reasons protocol_version_mismatch 1;",
                       0),
            0U)
      << line;
  EXPECT_NE(line.find("dropped 7"), std::string::npos) << line;
}

// The caps hit since the start, only when some were: the text form of the summary's caps_hit.
TEST(SummaryTextLine, NamesTheCapsHit) {
  LiveCounts counts;
  SummaryView view;
  view.interface = "eth0";
  view.counts = &counts;
  EXPECT_EQ(summary_text_line(view).find("caps hit"), std::string::npos);
  view.input.caps_hit[static_cast<std::size_t>(analysis::Cap::HandshakeMessage)] = 2;
  view.input.caps_hit[static_cast<std::size_t>(analysis::Cap::Flows)] = 1;
  const std::string line = summary_text_line(view);
  EXPECT_NE(line.find(", evicted 0; caps hit handshake_message 2, flows 1; "), std::string::npos) << line;
}

}  // namespace
}  // namespace tlsdiag::app
