// append_indented_json must lay compact JSON out exactly as nlohmann's pretty printer does, nested
// at any depth: the --format json document is written with it and compared byte for byte with
// the goldens, which nlohmann wrote.
#include "tlsdiag/report/json_indent.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "report_fixtures.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/flow_json_text.h"
#include "tlsdiag/report/json_report.h"

namespace tlsdiag::report {
namespace {

using nlohmann::json;

std::string indented(std::string_view compact, int depth) {
  std::string out;
  append_indented_json(out, compact, depth);
  return out;
}

// nlohmann's dump(2), each newline followed by 2 * depth more spaces.
std::string nlohmann_nested(const json& value, int depth) {
  std::string out;
  for (char c : dump_json(value, 2)) {
    out.push_back(c);
    if (c == '\n') out.append(static_cast<std::size_t>(2 * depth), ' ');
  }
  return out;
}

TEST(JsonIndent, LaysOutLikeNlohmannAtEveryDepth) {
  const json values[] = {
      json::parse(R"({"a":1,"b":[1,2,{"c":null}],"d":{},"e":[],"f":"x"})"),
      json::parse(R"([[],[[]],{"k":{"l":{}}},true,false,-1.5])"),
      json::parse(R"("just a string")"),
      json::parse(R"(42)"),
      json::object(),
      json::array(),
      // Structure characters and escapes inside strings are not layout.
      json{{"s", "{[,:]} \" \\\" \\ \n \t end\\"}, {"t", "\"{\"}"}},
  };
  for (const json& v : values) {
    for (int depth : {0, 1, 2, 5}) {
      SCOPED_TRACE(dump_json(v) + " at depth " + std::to_string(depth));
      EXPECT_EQ(indented(dump_json(v), depth), nlohmann_nested(v, depth));
    }
  }
}

TEST(JsonIndent, FlowsFromTheJsonLinesWriterMatchTheDocumentItem) {
  for (const analysis::FlowRecord& flow : fixtures::all_flows()) {
    SCOPED_TRACE(flow.first_packet);
    std::string compact;
    append_flow_json(compact, flow);
    EXPECT_EQ(indented(compact, 2), document_item(flow_to_json(flow)));
  }
}

// The byte-at-a-time loop append_indented_json was until it copied runs: the same output for
// any text, JSON or not, cut anywhere.
std::string byte_at_a_time(std::string_view compact, int depth) {
  std::string out;
  int level = depth;
  const auto newline = [&](int at) {
    out.push_back('\n');
    out.append(static_cast<std::size_t>(2 * std::max(at, 0)), ' ');
  };
  bool in_string = false;
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < compact.size()) out.push_back(compact[++i]);
      else if (c == '"') in_string = false;
      continue;
    }
    const char next = i + 1 < compact.size() ? compact[i + 1] : '\0';
    const bool empty = (c == '{' && next == '}') || (c == '[' && next == ']');
    if (c == '"') in_string = true;
    if (c == '}' || c == ']') newline(--level);
    out.push_back(c);
    if (empty) out.push_back(compact[++i]);
    else if (c == '{' || c == '[') newline(++level);
    else if (c == ',') newline(level);
    else if (c == ':') out.push_back(' ');
  }
  return out;
}

TEST(JsonIndent, RunsGiveWhatByteAtATimeGave) {
  std::vector<std::string> texts = {R"({"s":"{[,:]} \" \\\" \\ end\\","t":[1,{},[]],"u":{"v":null}})",
                                    R"({"k":"\"{,}:[]\\\"","m":1})", "]}}", "\"\\", "\"abc\\\"", ",,::{{[[", "x", ""};
  for (const analysis::FlowRecord& flow : fixtures::all_flows()) {
    texts.emplace_back();
    append_flow_json(texts.back(), flow);
  }
  for (const std::string& text : texts) {
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {  // every prefix: a string or escape left open
      const std::string_view prefix = std::string_view(text).substr(0, cut);
      ASSERT_EQ(indented(prefix, 1), byte_at_a_time(prefix, 1)) << prefix;
    }
    ASSERT_EQ(indented(text.substr(text.size() / 2), 0), byte_at_a_time(text.substr(text.size() / 2), 0));
  }
}

TEST(JsonIndent, AppendsToWhatIsThere) {
  std::string out = "x";
  append_indented_json(out, R"({"a":[1]})", 0);
  EXPECT_EQ(out, "x{\n  \"a\": [\n    1\n  ]\n}");
}

}  // namespace
}  // namespace tlsdiag::report
