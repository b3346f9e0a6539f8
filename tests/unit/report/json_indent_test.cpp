// append_indented_json must lay compact JSON out exactly as nlohmann's pretty printer does, nested
// at any depth: the --format json document is written with it and compared byte for byte with
// the goldens, which nlohmann wrote.
#include "tlsdiag/report/json_indent.h"

#include <gtest/gtest.h>

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

TEST(JsonIndent, AppendsToWhatIsThere) {
  std::string out = "x";
  append_indented_json(out, R"({"a":[1]})", 0);
  EXPECT_EQ(out, "x{\n  \"a\": [\n    1\n  ]\n}");
}

}  // namespace
}  // namespace tlsdiag::report
