// write_summary_json streams the summary row by row: its bytes must equal dumping the whole
// summary_to_json tree, compact (JSONL) and pretty at any depth (the JSON document).
#include "tlsdiag/report/summary_writer.h"

#include <gtest/gtest.h>

#include <sstream>

#include "report_fixtures.h"
#include "tlsdiag/report/flow_json.h"

namespace tlsdiag::report {
namespace {

Summary summary_of(const std::vector<analysis::FlowRecord>& flows) {
  Summary s;
  for (const auto& f : flows) s.add_flow(f);
  s.add_input(fixtures::broken_input());
  return s;
}

std::string streamed(const Summary& s, const nlohmann::json& extra, SummaryLayout layout) {
  std::ostringstream out;
  write_summary_json(out, s, extra, layout);
  return out.str();
}

// dump_json of the whole tree, each line after the first padded |depth| levels.
std::string dumped(const nlohmann::json& j, int indent, int depth) {
  std::string out;
  for (char ch : dump_json(j, indent)) {
    out.push_back(ch);
    if (ch == '\n') out.append(static_cast<std::size_t>(indent * depth), ' ');
  }
  return out;
}

TEST(SummaryWriter, CompactEqualsTheWholeTreeDumped) {
  const Summary s = summary_of(fixtures::all_flows());
  const nlohmann::json whole = summary_to_json(s);
  ASSERT_GE(whole["by_server"].size(), 2U);  // rows to stream in every array
  ASSERT_GE(whole["by_client"].size(), 2U);
  ASSERT_EQ(whole["by_client_fingerprint"].size(), 2U);
  EXPECT_EQ(streamed(s, nlohmann::json::object(), {}), dump_json(whole));
}

TEST(SummaryWriter, PrettyAtADepthEqualsTheWholeTreeReindented) {
  const Summary s = summary_of(fixtures::all_flows());
  for (int depth : {0, 1, 3})
    EXPECT_EQ(streamed(s, nlohmann::json::object(), {2, depth, {}}), dumped(summary_to_json(s), 2, depth)) << depth;
}

TEST(SummaryWriter, ExtraFieldsTakeTheirPlaceAmongTheKeysAndFirstFieldsLead) {
  const Summary s = summary_of(fixtures::all_flows());
  nlohmann::json whole = summary_to_json(s);
  whole["tool"] = "tlsdiag";
  whole["version"] = "9";
  const std::string body = dump_json(whole);
  const std::string line = streamed(s, {{"tool", "tlsdiag"}, {"version", "9"}}, {-1, 0, "\"type\":\"summary\""});
  EXPECT_EQ(line, "{\"type\":\"summary\"," + body.substr(1));
  EXPECT_EQ(nlohmann::json::parse(line)["type"], "summary");
}

TEST(SummaryWriter, EmptySummaryHasEmptyArrays) {
  const Summary s;
  EXPECT_EQ(streamed(s, nlohmann::json::object(), {}), dump_json(summary_to_json(s)));
  EXPECT_EQ(streamed(s, nlohmann::json::object(), {2, 1, {}}), dumped(summary_to_json(s), 2, 1));
}

}  // namespace
}  // namespace tlsdiag::report
