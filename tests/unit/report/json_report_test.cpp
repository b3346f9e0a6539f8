#include "tlsdiag/report/json_report.h"

#include <gtest/gtest.h>

#include <sstream>

#include "report_fixtures.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/jsonl_report.h"
#include "tlsdiag/report/text_report.h"

namespace tlsdiag::report {
namespace {

using nlohmann::json;
using namespace fixtures;  // NOLINT(google-build-using-namespace)

std::string run(Format fmt, ReportOptions opts, std::ostream* out = nullptr) {
  std::ostringstream buffer;
  std::unique_ptr<analysis::FlowSink> sink = make_report(fmt, out ? *out : buffer, std::move(opts));
  for (const FlowRecord& f : all_flows()) sink->on_flow(f);
  sink->on_input_done(good_input());
  sink->on_input_done(broken_input());
  sink->on_finish();
  return buffer.str();
}

std::vector<json> lines_of(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

TEST(JsonReport, OneDocumentWithInputsFlowsSummary) {
  const std::string out = run(Format::Json, {});
  const json doc = json::parse(out);
  EXPECT_EQ(doc["tool"], "tlsdiag");
  EXPECT_EQ(doc["version"], std::string(kToolVersion));
  ASSERT_EQ(doc["inputs"].size(), 2u);
  EXPECT_EQ(doc["inputs"][0]["path"], "capture.pcap");
  EXPECT_EQ(doc["inputs"][1]["error"], "truncated record at byte 1234");
  ASSERT_EQ(doc["flows"].size(), 5u);
  const std::vector<FlowRecord> flows = all_flows();
  for (std::size_t i = 0; i < flows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(doc["flows"][i], flow_to_json(flows[i]));  // arrival order, nothing lost
  }
  EXPECT_EQ(doc["summary"], summary_to_json([&] {
              Summary s;
              for (const FlowRecord& f : flows) s.add_flow(f);
              s.add_input(good_input());
              s.add_input(broken_input());
              return s;
            }()));
}

TEST(JsonReport, PrettyWithTwoSpacesAndTopLevelOrder) {
  const std::string out = run(Format::Json, {});
  EXPECT_EQ(out.rfind("{\n  \"tool\": \"tlsdiag\",\n  \"version\": ", 0), 0u);
  EXPECT_LT(out.find("\n  \"inputs\": ["), out.find("\n  \"flows\": ["));
  EXPECT_LT(out.find("\n  \"flows\": ["), out.find("\n  \"summary\": {"));
  EXPECT_NE(out.find("\n    {\n      \"alerts\": "), std::string::npos);  // a flow, nested
  EXPECT_EQ(out.back(), '\n');
}

TEST(JsonReport, EmptyRunIsStillADocument) {
  std::ostringstream out;
  JsonReport report(out, {});
  report.on_finish();
  const json doc = json::parse(out.str());
  EXPECT_EQ(doc["flows"], json::array());
  EXPECT_EQ(doc["inputs"], json::array());
  EXPECT_EQ(doc["summary"]["flows"], 0);
}

TEST(JsonReport, OnlyFailuresFiltersFlowsButNotTheSummary) {
  ReportOptions opts;
  opts.only_failures = true;
  const json doc = json::parse(run(Format::Json, opts));
  ASSERT_EQ(doc["flows"].size(), 3u);
  for (const json& f : doc["flows"]) EXPECT_EQ(f["verdict"]["status"], "failed");
  EXPECT_EQ(doc["summary"]["flows"], 5);
  EXPECT_EQ(doc["summary"]["ok"], 1);
  EXPECT_EQ(doc["summary"]["incomplete"], 1);
}

TEST(JsonlReport, OneObjectPerLineSummaryLast) {
  const std::vector<json> lines = lines_of(run(Format::Jsonl, {}));
  ASSERT_EQ(lines.size(), 7u);  // 5 flows, 1 input with an error, 1 summary
  const std::vector<FlowRecord> flows = all_flows();
  for (std::size_t i = 0; i < flows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(lines[i]["type"], "flow");
    json expected = flow_to_json(flows[i]);
    expected["type"] = "flow";
    EXPECT_EQ(lines[i], expected);
  }
  EXPECT_EQ(lines[5]["type"], "input");
  EXPECT_EQ(lines[5]["path"], "broken.pcap");
  EXPECT_EQ(lines[6]["type"], "summary");
  EXPECT_EQ(lines[6]["tool"], "tlsdiag");
  EXPECT_EQ(lines[6]["flows"], 5);
  EXPECT_EQ(lines[6]["failed"], 3);
  EXPECT_EQ(lines[6]["inputs"], 2);
}

TEST(JsonlReport, TypeComesFirst) {
  std::istringstream in(run(Format::Jsonl, {}));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0].rfind("{\"type\":\"flow\",\"alerts\":[", 0), 0u);
  EXPECT_EQ(lines[5].rfind("{\"type\":\"input\",", 0), 0u);
  EXPECT_EQ(lines[6].rfind("{\"type\":\"summary\",", 0), 0u);
}

TEST(JsonlReport, FlowLineWrittenBeforeFinish) {
  std::ostringstream out;
  JsonlReport report(out, {});
  report.on_flow(version_rejected());
  const std::vector<json> lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["verdict"]["reason"], "protocol_version_mismatch");
}

TEST(JsonlReport, OnlyFailures) {
  ReportOptions opts;
  opts.only_failures = true;
  const std::vector<json> lines = lines_of(run(Format::Jsonl, opts));
  ASSERT_EQ(lines.size(), 5u);  // 3 failed flows, the input error, the summary
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(lines[i]["verdict"]["status"], "failed");
  EXPECT_EQ(lines.back()["flows"], 5);
}

// Counts flushes reaching the buffer.
class SyncCounter : public std::stringbuf {
 public:
  int syncs = 0;

 protected:
  int sync() override {
    ++syncs;
    return std::stringbuf::sync();
  }
};

TEST(JsonlReport, FlushEachFlowFlag) {
  for (bool flush : {false, true}) {
    SCOPED_TRACE(flush);
    SyncCounter buf;
    std::ostream out(&buf);
    ReportOptions opts;
    opts.flush_each_flow = flush;
    JsonlReport report(out, opts);
    report.on_flow(tls13_success());
    report.on_flow(version_rejected());
    EXPECT_EQ(buf.syncs, flush ? 2 : 0);
  }
}

TEST(ReportFactory, ParseFormat) {
  EXPECT_EQ(parse_format("text"), Format::Text);
  EXPECT_EQ(parse_format("json"), Format::Json);
  EXPECT_EQ(parse_format("jsonl"), Format::Jsonl);
  EXPECT_EQ(parse_format("xml"), std::nullopt);
  EXPECT_EQ(parse_format("JSON"), std::nullopt);
  for (Format f : {Format::Text, Format::Json, Format::Jsonl}) EXPECT_EQ(parse_format(name(f)), f);
}

TEST(ReportFactory, MakesEachFormat) {
  std::ostringstream out;
  EXPECT_NE(dynamic_cast<TextReport*>(make_report(Format::Text, out, {}).get()), nullptr);
  EXPECT_NE(dynamic_cast<JsonReport*>(make_report(Format::Json, out, {}).get()), nullptr);
  EXPECT_NE(dynamic_cast<JsonlReport*>(make_report(Format::Jsonl, out, {}).get()), nullptr);
}

TEST(ReportFactory, SummaryAndExitCodeFromTheReport) {
  std::ostringstream out;
  std::unique_ptr<Report> report = make_report(Format::Jsonl, out, {});
  report->on_flow(tls13_success());
  EXPECT_EQ(report->summary().exit_code(), 0);
  report->on_flow(version_rejected());
  EXPECT_EQ(report->summary().exit_code(), 1);
  report->on_input_done(broken_input());
  EXPECT_EQ(report->summary().exit_code(), 2);
}

}  // namespace
}  // namespace tlsdiag::report
