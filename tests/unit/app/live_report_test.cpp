// LiveReport: which flows get a line, that every flow is counted, and that a stats line covers
// only its own interval.
#include "live_report.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include <gtest/gtest.h>

#include "app_fixtures.h"
#include "support/pcap_file_writer.h"

namespace tlsdiag::app {
namespace {

using analysis::Status;
using nlohmann::json;

analysis::FlowRecord flow(Status status) {
  analysis::FlowRecord f;
  f.client = net::Endpoint{test::ip("192.0.2.10"), 51000};
  f.server = net::Endpoint{test::ip("192.0.2.1"), 443};
  f.verdict.status = status;
  f.verdict.reason = status == Status::Ok ? analysis::Reason::Ok : analysis::Reason::TcpReset;
  return f;
}

std::vector<json> lines(const std::filesystem::path& path) {
  std::vector<json> out;
  std::istringstream in(test::slurp(path));
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

struct Harness {
  explicit Harness(bool all = false, bool incomplete = false) : out(dir.file("out.jsonl").string()) {
    EXPECT_FALSE(out.open());
    LiveReportOptions options;
    options.format = LiveFormat::Jsonl;
    options.all = all;
    options.incomplete = incomplete;
    report = std::make_unique<LiveReport>(out, options, 0);
    for (Status s : {Status::Ok, Status::Failed, Status::Incomplete}) report->on_flow(flow(s));
  }
  std::vector<std::string> statuses() const {
    std::vector<std::string> out_;
    for (const json& j : lines(dir.file("out.jsonl"))) out_.push_back(j["verdict"]["status"]);
    return out_;
  }
  test::TempDir dir;
  LineOutput out;
  std::unique_ptr<LiveReport> report;
};

TEST(LiveReport, SelectsFailuresByDefaultMoreOnRequest) {
  EXPECT_EQ(Harness().statuses(), (std::vector<std::string>{"failed"}));
  EXPECT_EQ(Harness(false, /*incomplete=*/true).statuses(), (std::vector<std::string>{"failed", "incomplete"}));
  EXPECT_EQ(Harness(/*all=*/true).statuses(), (std::vector<std::string>{"ok", "failed", "incomplete"}));
}

TEST(LiveReport, CountsEveryFlowPrintedOrNot) {
  Harness h;
  EXPECT_EQ(h.report->tally().total().flows, 3U);
  EXPECT_EQ(h.report->tally().total().ok, 1U);
}

TEST(LiveReport, AStatsLineCoversItsIntervalAndTheSummaryTheWholeRun) {
  Harness h;
  LiveGauges g;
  g.steady_ns = 60'000'000'000;
  g.input.packets = 100;
  h.report->write_stats(g);
  h.report->on_flow(flow(Status::Failed));
  g.steady_ns = 120'000'000'000;
  g.input.packets = 250;
  h.report->write_stats(g);
  h.report->write_summary(g, std::nullopt);
  const auto all = lines(h.dir.file("out.jsonl"));
  ASSERT_EQ(all.size(), 5U);  // flow, stats, flow, stats, summary
  EXPECT_EQ(all[1]["type"], "stats");
  EXPECT_EQ(all[1]["flows"], 3);
  EXPECT_EQ(all[1]["packets"], 100);
  EXPECT_EQ(all[3]["flows"], 1);
  EXPECT_EQ(all[3]["packets"], 150);
  EXPECT_EQ(all[3]["interval_s"], 60.0);
  EXPECT_EQ(all[4]["type"], "summary");
  EXPECT_EQ(all[4]["flows"], 4);
  EXPECT_EQ(all[4]["failed"], 2);
}

}  // namespace
}  // namespace tlsdiag::app
