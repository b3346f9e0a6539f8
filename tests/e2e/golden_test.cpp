// Golden tests over the real-traffic samples (samples/, made by scripts/make-samples.sh).
//
// For every samples/<scenario>.expected.json: run `tlsdiag analyze --format json` on
// samples/<scenario>.pcap (or .pcapng), with `--keylog samples/<scenario>.keylog` when that key
// log (the TLS secrets the stacks wrote, NSS key log format) exists; check that the report holds
// `flow_count` flows and, for each listed flow (in the order flows start), every named field.
// Keys are dotted paths into the flow object ("verdict.reason", "alerts.0.sender",
// "client_hello.alpn.0"); a value of null means the field must be null or absent; a key ending in
// "|any_of" takes a list of acceptable values.
// Only the named fields are compared, so random bytes, ports and times do not matter.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/paths.h"
#include "support/run_command.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kAnyOf = "|any_of";

fs::path samples_dir() { return tlsdiag::test::source_dir() / "samples"; }

std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(samples_dir(), ec)) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".expected.json";
    if (file.size() > suffix.size() && file.ends_with(suffix)) {
      names.push_back(file.substr(0, file.size() - suffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

json load_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return json::parse(in);
}

using tlsdiag::test::shell_quote;

tlsdiag::test::CommandResult run_tlsdiag(const fs::path& capture, const fs::path& keylog) {
  std::string cmd = shell_quote(tlsdiag::test::tlsdiag_binary().string()) + " analyze --format json ";
  if (!keylog.empty()) cmd += "--keylog " + shell_quote(keylog.string()) + " ";
  return tlsdiag::test::run_command(cmd + shell_quote(capture.string()), /*keep_stderr=*/true);
}

bool is_index(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// The value at a dotted path, or nullptr when any step is missing.
const json* resolve(const json& root, const std::string& path) {
  const json* cur = &root;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '.')) {
    if (cur->is_array() && is_index(part)) {
      const std::size_t i = std::stoul(part);
      if (i >= cur->size()) return nullptr;
      cur = &(*cur)[i];
    } else if (cur->is_object()) {
      auto it = cur->find(part);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else {
      return nullptr;
    }
  }
  return cur;
}

bool matches(const json* actual, const json& expected) {
  if (expected.is_null()) return actual == nullptr || actual->is_null();
  return actual != nullptr && *actual == expected;
}

std::string describe_flow(const json& flow) {
  std::string s;
  auto str = [&](const char* path) {
    const json* v = resolve(flow, path);
    return v == nullptr ? std::string("?") : (v->is_string() ? v->get<std::string>() : v->dump());
  };
  s += str("client.ip") + ":" + str("client.port") + " -> " + str("server.ip") + ":" + str("server.port");
  s += " [" + str("verdict.status") + "/" + str("verdict.rejected_by") + "/" + str("verdict.reason") + "/" +
       str("verdict.confidence") + "] " + str("verdict.explanation");
  return s;
}

fs::path capture_for(const json& expected, const std::string& scenario) {
  if (expected.contains("capture")) return samples_dir() / expected["capture"].get<std::string>();
  for (const char* ext : {".pcap", ".pcapng"}) {
    fs::path p = samples_dir() / (scenario + ext);
    if (fs::exists(p)) return p;
  }
  return samples_dir() / (scenario + ".pcap");
}

// samples/<scenario>.keylog, or an empty path when the scenario has no key log.
fs::path keylog_for(const std::string& scenario) {
  fs::path p = samples_dir() / (scenario + ".keylog");
  return fs::exists(p) ? p : fs::path();
}

std::string test_name(const std::string& scenario) {
  std::string out;
  for (char c : scenario) out += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
  return out;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, MatchesExpectation) {
  const std::string scenario = GetParam();
  const json expected = load_json(samples_dir() / (scenario + ".expected.json"));
  const fs::path capture = capture_for(expected, scenario);
  ASSERT_TRUE(fs::exists(capture)) << "missing capture " << capture;
  ASSERT_TRUE(fs::exists(tlsdiag::test::tlsdiag_binary())) << "tlsdiag not built: " << tlsdiag::test::tlsdiag_binary();

  const fs::path keylog = keylog_for(scenario);
  const tlsdiag::test::CommandResult run = run_tlsdiag(capture, keylog);
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1)
      << "tlsdiag exited with " << run.exit_code << " on " << capture
      << (keylog.empty() ? std::string() : " --keylog " + keylog.string()) << "\nstderr:\n" << run.err;

  json report;
  try {
    report = json::parse(run.out);
  } catch (const json::exception& e) {
    FAIL() << "tlsdiag output is not JSON: " << e.what() << "\nfirst bytes: " << run.out.substr(0, 400);
  }
  ASSERT_TRUE(report.contains("flows") && report["flows"].is_array()) << "no \"flows\" array in the report";
  const json& flows = report["flows"];

  std::string all_flows;
  for (const auto& f : flows) all_flows += "\n  " + describe_flow(f);

  const auto want_count = expected.at("flow_count").get<std::size_t>();
  EXPECT_EQ(flows.size(), want_count) << scenario << ": flow count; tlsdiag reported:" << all_flows;

  // Nothing is lost: every TCP connection seen is reported, or counted as another protocol or as
  // one without payload; and every reported one is in the flows array.
  for (const json& input : report.at("inputs")) {
    const auto seen = input.at("flows_seen").get<std::uint64_t>();
    const auto reported = input.at("flows_reported").get<std::uint64_t>();
    EXPECT_EQ(seen, reported + input.at("flows_not_tls").get<std::uint64_t>() +
                        input.at("flows_without_payload").get<std::uint64_t>())
        << scenario << ": flows seen are not all accounted for";
    EXPECT_EQ(reported, flows.size()) << scenario << ": reported count differs from the flows listed";
  }

  const json& want_flows = expected.at("flows");
  for (std::size_t i = 0; i < want_flows.size(); ++i) {
    if (i >= flows.size()) {
      ADD_FAILURE() << scenario << ": expected flow " << i << " missing; tlsdiag reported:" << all_flows;
      continue;
    }
    const json& flow = flows[i];
    for (const auto& [key, want] : want_flows[i].items()) {
      const bool any_of = key.size() > kAnyOf.size() && key.ends_with(kAnyOf);
      const std::string path = any_of ? key.substr(0, key.size() - kAnyOf.size()) : key;
      const json* got = resolve(flow, path);
      bool ok = false;
      if (any_of) {
        ASSERT_TRUE(want.is_array()) << scenario << ": " << key << " must hold a list";
        ok = std::any_of(want.begin(), want.end(), [&](const json& w) { return matches(got, w); });
      } else {
        ok = matches(got, want);
      }
      EXPECT_TRUE(ok) << scenario << " flow " << i << ": " << path << " = "
                      << (got == nullptr ? std::string("<absent>") : got->dump()) << ", expected "
                      << (any_of ? "one of " : "") << want.dump() << "\n  flow: " << describe_flow(flow);
    }
  }
}

std::string param_name(const ::testing::TestParamInfo<std::string>& p) { return test_name(p.param); }

INSTANTIATE_TEST_SUITE_P(Samples, GoldenTest, ::testing::ValuesIn(scenario_names()), param_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenTest);

// The samples themselves (no tlsdiag needed): every expectation is well formed and has its
// capture, and together they exercise every reason of the vocabulary a real stack here produces.
TEST(GoldenSamples, ExpectationsAreWellFormed) {
  const auto names = scenario_names();
  ASSERT_FALSE(names.empty()) << "no samples/*.expected.json";
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const json e = load_json(samples_dir() / (name + ".expected.json"));
    EXPECT_EQ(e.value("scenario", ""), name);
    EXPECT_TRUE(e.contains("stack") && e["stack"].is_string());
    EXPECT_TRUE(e.contains("description") && e["description"].is_string());
    ASSERT_TRUE(e.contains("flow_count") && e["flow_count"].is_number_unsigned());
    ASSERT_TRUE(e.contains("flows") && e["flows"].is_array());
    EXPECT_LE(e["flows"].size(), e["flow_count"].get<std::size_t>());
    EXPECT_TRUE(fs::exists(capture_for(e, name))) << "no capture for " << name;
    for (const auto& flow : e["flows"]) {
      ASSERT_TRUE(flow.is_object());
      for (const auto& [key, value] : flow.items()) {
        if (key.ends_with(kAnyOf)) {
          EXPECT_TRUE(value.is_array() && !value.empty()) << key;
        }
      }
    }
  }
}

TEST(GoldenSamples, EveryProducibleReasonHasASample) {
  const std::set<std::string> vocabulary = {
      "ok", "protocol_version_mismatch", "no_shared_cipher", "insufficient_security", "no_shared_group",
      "certificate_expired", "certificate_untrusted", "certificate_hostname_mismatch", "certificate_revoked",
      "certificate_rejected", "client_certificate_required", "sni_unrecognized_name", "alpn_mismatch",
      "inappropriate_fallback", "protocol_error", "plaintext_to_tls_port", "tls_to_plaintext_port",
      "non_tls_traffic", "tcp_reset", "no_server_response", "client_abort", "encrypted_alert",
      "one_sided_capture", "capture_truncated", "other_alert"};
  // Reasons no stack here can produce (see samples/README.md); none at present.
  const std::set<std::string> not_producible = {};

  std::map<std::string, int> seen;
  for (const auto& name : scenario_names()) {
    const json e = load_json(samples_dir() / (name + ".expected.json"));
    for (const auto& flow : e["flows"]) {
      if (flow.contains("verdict.reason")) seen[flow["verdict.reason"].get<std::string>()]++;
      if (flow.contains("verdict.reason|any_of")) {
        for (const auto& r : flow["verdict.reason|any_of"]) seen[r.get<std::string>()]++;
      }
    }
  }
  for (const auto& [reason, count] : seen) {
    EXPECT_TRUE(vocabulary.count(reason) == 1) << "unknown reason in an expectation: " << reason;
  }
  for (const auto& reason : vocabulary) {
    if (not_producible.count(reason) != 0) continue;
    EXPECT_GT(seen[reason], 0) << "no sample expects reason " << reason;
  }
}

}  // namespace

namespace {

// A key log with bad lines among good ones (tests/data/keylog/bad-lines.keylog says which):
// one warning per bad line, naming it, and the good lines still decrypt the connection.
TEST(KeyLogCli, BadLinesAreWarnedByNumberAndGoodOnesStillDecrypt) {
  const fs::path keylog = tlsdiag::test::source_dir() / "tests" / "data" / "keylog" / "bad-lines.keylog";
  const tlsdiag::test::CommandResult run = run_tlsdiag(samples_dir() / "tls13-ok-openssl-keylog.pcap", keylog);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (int line : {28, 30, 32, 33, 34, 35, 36, 37})
    EXPECT_NE(run.err.find("bad-lines.keylog: line " + std::to_string(line) + ": "), std::string::npos)
        << "no warning for line " << line << " in:\n" << run.err;
  for (int line : {27, 29, 31})
    EXPECT_EQ(run.err.find("line " + std::to_string(line) + ": "), std::string::npos) << run.err;
  const json report = json::parse(run.out);
  ASSERT_EQ(report["flows"].size(), 1u);
  EXPECT_EQ(report["flows"][0]["decrypted"], true);
  EXPECT_EQ(report["flows"][0]["established"], true);
}

}  // namespace
