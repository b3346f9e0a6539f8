// Writes JSON and JSONL reports of the fixture flows to files and validates them against
// docs/tlsdiag-output.schema.json with tests/schema/validate_outputs.py.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "report_fixtures.h"
#include "support/paths.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/report.h"

namespace tlsdiag::report {
namespace {

namespace fs = std::filesystem;
using namespace fixtures;  // NOLINT(google-build-using-namespace)

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("python3 -c 'import jsonschema' >/dev/null 2>&1") != 0)
      GTEST_SKIP() << "python3 jsonschema is not installed";
    dir_ = fs::temp_directory_path() / ("tlsdiag_schema_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  // Exit status of the validator on |files|.
  int validate(const std::vector<fs::path>& files) {
    const fs::path root = tlsdiag::test::source_dir();
    std::string cmd = "python3 '" + (root / "tests/schema/validate_outputs.py").string() + "' --schema '" +
                      (root / "docs/tlsdiag-output.schema.json").string() + "'";
    for (const fs::path& f : files) cmd += " '" + f.string() + "'";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path dir_;
};

// An input with malformed packets and TLS messages, and caps hit: the breakdowns' shapes.
analysis::InputResult hostile_input() {
  analysis::InputResult r = broken_input();
  r.stats.malformed = 3;
  r.stats.malformed_by_kind[analysis::kind_index(net::MalformedKind::BadTcpHeader)] = 2;
  r.stats.malformed_by_kind[analysis::kTruncatedHeaderKind] = 1;
  r.stats.malformed_by_kind[analysis::kind_index(tls::MalformedKind::OversizedMessage)] = 4;
  r.stats.caps_hit[static_cast<std::size_t>(analysis::Cap::HandshakeMessage)] = 4;
  r.stats.caps_hit[static_cast<std::size_t>(analysis::Cap::Flows)] = 1;
  return r;
}

std::string report_text(Format fmt, ReportOptions opts, const std::vector<FlowRecord>& flows) {
  std::ostringstream out;
  std::unique_ptr<Report> report = make_report(fmt, out, std::move(opts));
  for (const FlowRecord& f : flows) report->on_flow(f);
  report->on_input_done(good_input());
  report->on_input_done(hostile_input());
  report->on_finish();
  return out.str();
}

// Every optional part filled in, so the schema sees each shape at least once.
FlowRecord everything() {
  FlowRecord f = tls13_success();
  tls::ServerHello hrr;
  hrr.selected_version = 0x0304;
  hrr.cipher_suite = 0x1301;
  hrr.hello_retry_request = true;
  f.hello_retry_request = hrr;
  f.second_client_hello = modern_client_hello("example.com");
  f.certificates.push_back({{0x30, 0x82}, 1500});
  f.certificate_count = 1;
  f.certificate_request = true;
  f.resumed = true;
  AlertRecord warning;
  warning.level = 1;
  f.alerts.push_back(warning);
  f.tcp_events.push_back(control(TcpEventKind::Rst, Direction::ServerToClient, 90, 12, 9));
  f.close_reason = reassembly::CloseReason::Rst;
  const std::string get = "GET / HTTP/1.1\r\n";
  f.non_tls_prefix[0].assign(get.begin(), get.end());
  f.notes.push_back("server: buffer cap hit");
  f.stats.dir[1].buffer_cap_hit = true;
  f.stats.dir[1].given_up_bytes = 103;
  f.stats.dir[0].overlap_conflicts = 206;  // client_first_conflict is written only then
  f.stats.dir[0].first_conflict = 0;
  f.client_hello->sni = std::string("bad\xff", 4);  // invalid UTF-8 from the wire
  return f;
}

TEST_F(SchemaTest, ReportsValidate) {
  std::vector<FlowRecord> flows = all_flows();
  flows.push_back(everything());
  ReportOptions only_failures;
  only_failures.only_failures = true;
  const std::vector<fs::path> files = {
      write("all.json", report_text(Format::Json, {}, flows)),
      write("all.jsonl", report_text(Format::Jsonl, {}, flows)),
      write("failures.json", report_text(Format::Json, only_failures, flows)),
      write("failures.jsonl", report_text(Format::Jsonl, only_failures, flows)),
      write("empty.json", report_text(Format::Json, {}, {})),
      write("empty.jsonl", report_text(Format::Jsonl, {}, {})),
  };
  EXPECT_EQ(validate(files), 0);
}

TEST_F(SchemaTest, SchemaRejectsWrongOutput) {
  nlohmann::json doc = nlohmann::json::parse(report_text(Format::Json, {}, all_flows()));
  doc["flows"][1]["verdict"]["reason"] = "version_mismatch";  // not in the vocabulary
  EXPECT_EQ(validate({write("bad_reason.json", doc.dump())}), 1);

  nlohmann::json flow = flow_to_json(version_rejected());
  flow["type"] = "flow";
  flow["undocumented"] = 1;
  EXPECT_EQ(validate({write("bad_field.jsonl", flow.dump() + "\n")}), 1);  // and no summary line

  nlohmann::json pointless = nlohmann::json::parse(report_text(Format::Json, {}, all_flows()));
  ASSERT_EQ(pointless["flows"][1]["tcp"]["overlap_conflicts"], 0);
  pointless["flows"][1]["tcp"]["server_first_conflict"] = 12;  // an offset of no conflict
  EXPECT_EQ(validate({write("pointless_first_conflict.json", pointless.dump())}), 1);

  nlohmann::json kind = nlohmann::json::parse(report_text(Format::Json, {}, all_flows()));
  kind["inputs"][0]["malformed_by_kind"]["bad_luck"] = 1;  // not a kind
  EXPECT_EQ(validate({write("bad_kind.json", kind.dump())}), 1);

  nlohmann::json cap = nlohmann::json::parse(report_text(Format::Json, {}, all_flows()));
  cap["summary"]["caps_hit"].erase("memory");  // every cap is listed
  EXPECT_EQ(validate({write("missing_cap.json", cap.dump())}), 1);
}

// The schema lists the kinds and caps by name: the same as the code's tables, in their order.
TEST(SchemaTables, KindAndCapNamesAreTheCodes) {
  std::ifstream in(tlsdiag::test::source_dir() / "docs/tlsdiag-output.schema.json");
  const nlohmann::json defs = nlohmann::json::parse(in)["$defs"];
  std::vector<std::string> kinds(analysis::kMalformedKindNames.begin(), analysis::kMalformedKindNames.end());
  std::vector<std::string> caps(analysis::kCapNames.begin(), analysis::kCapNames.end());
  EXPECT_EQ(defs["malformed_by_kind"]["propertyNames"]["enum"].get<std::vector<std::string>>(), kinds);
  EXPECT_EQ(defs["caps_hit"]["required"].get<std::vector<std::string>>(), caps);
}

}  // namespace
}  // namespace tlsdiag::report
