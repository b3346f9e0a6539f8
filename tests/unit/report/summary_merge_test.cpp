// Mergeable summaries (issue 6): Summary::merge, the merge state (summary_state.h) and JsonMerge.
// A merge of the summaries of consecutive parts of a run must equal the summary of the whole run.
#include "tlsdiag/report/summary_state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include "report_fixtures.h"
#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/json_report.h"

namespace tlsdiag::report {
namespace {

using nlohmann::json;
using namespace fixtures;  // NOLINT(google-build-using-namespace)

FlowRecord with_client(FlowRecord f, const char* client) {
  f.client = endpoint(client, 52000);
  return f;
}

FlowRecord with_sni(FlowRecord f, const char* sni) {
  f.client_hello->sni = sni;
  return f;
}

FlowRecord at_time(FlowRecord f, std::int64_t ms) {
  f.first_seen = at_ms(ms);
  return f;
}

// A success whose server sent a certificate chain (the server view lists its leaf).
FlowRecord with_certificate(FlowRecord f, const char* subject, std::int64_t not_after_ms) {
  auto findings = std::make_shared<analysis::CertificateFindings>();
  analysis::CertificateInfo leaf;
  leaf.subject = subject;
  leaf.not_after = at_ms(not_after_ms);
  findings->chain.push_back(std::make_shared<const analysis::CertificateInfo>(leaf));
  findings->any = true;
  f.certificate_findings = findings;
  return f;
}

// The server picks none of the client's suites.
FlowRecord cipher_rejected(const char* client) {
  FlowRecord f = with_client(version_rejected(), client);
  f.client_hello->legacy_version = 0x0303;
  f.client_hello->cipher_suites = {0x0a0a, 0x000a, 0x0016};
  f.verdict.reason = Reason::NoSharedCipher;
  return f;
}

// Flows whose summary depends on the order they come in: names, certificates and JA4s listed in
// the order first seen, a fingerprint's example replaced by its first failure, first and last
// seen per reason, failures per reason in the order first seen.
std::vector<FlowRecord> ordered_flows() {
  return {
      tls13_success(),
      with_certificate(with_sni(tls13_success(), "www.example.com"), "CN=www.example.com", 86'400'000),
      version_rejected(),
      encrypted_alert_v6(),  // the first failure of tls13_success's JA4
      non_tls(),
      at_time(with_client(tls13_success(), "192.0.2.11"), -5'000),  // the earliest ok
      cipher_rejected("192.0.2.12"),
      truncated_v6(),
      with_certificate(with_sni(with_client(tls13_success(), "192.0.2.13"), "api.example.com"), "CN=api", 1),
      with_client(version_rejected(), "192.0.2.14"),
      at_time(with_client(version_rejected(), "192.0.2.15"), 60'000),  // the latest mismatch
      cipher_rejected("192.0.2.10"),
  };
}

analysis::InputResult input_with_note(const char* path) {
  analysis::InputResult r = good_input();
  r.info.path = path;
  r.info.notes = {"overlaps the previous piece by 2 s"};
  r.stats.flows_outside_window = 1;
  r.stats.malformed = 2;
  r.stats.malformed_by_kind[analysis::kind_index(net::MalformedKind::BadTcpHeader)] = 2;
  r.stats.malformed_by_kind[analysis::kind_index(tls::MalformedKind::OversizedMessage)] = 1;
  r.stats.caps_hit[static_cast<std::size_t>(analysis::Cap::HandshakeMessage)] = 1;
  r.stats.caps_hit[static_cast<std::size_t>(analysis::Cap::Memory)] = 3;
  return r;
}

// The flows [from, to) of ordered_flows(), then one input: what one shard of a run adds.
void add_part(Summary& s, std::size_t from, std::size_t to, const analysis::InputResult& input) {
  const std::vector<FlowRecord> flows = ordered_flows();
  for (std::size_t i = from; i < to; ++i) s.add_flow(flows[i]);
  s.add_input(input);
}

TEST(SummaryMerge, TwoPartsEqualOneRunAtEverySplit) {
  const std::size_t n = ordered_flows().size();
  for (std::size_t split = 0; split <= n; ++split) {
    SCOPED_TRACE(split);
    Summary first, second;
    add_part(first, 0, split, broken_input());
    add_part(second, split, n, input_with_note("second.pcap"));
    Summary one_run;  // the same calls on one Summary
    add_part(one_run, 0, split, broken_input());
    add_part(one_run, split, n, input_with_note("second.pcap"));
    ASSERT_TRUE(first.merge(second));
    EXPECT_EQ(summary_to_json(first), summary_to_json(one_run));
    EXPECT_EQ(state_to_json(first), state_to_json(one_run));  // the order-dependent fields too
    EXPECT_EQ(first.exit_code(), 2);
  }
  // The views the order decides, checked by hand once: the merge is the run, not a copy of it.
  Summary first, second;
  add_part(first, 0, 3, broken_input());
  add_part(second, 3, n, input_with_note("second.pcap"));
  ASSERT_TRUE(first.merge(second));
  EXPECT_EQ(first.flows(), n);
  EXPECT_EQ(first.failed(), 7u);
  EXPECT_EQ(first.input_errors().size(), 1u);
  ASSERT_EQ(first.input_notes().size(), 1u);
  EXPECT_EQ(first.input_notes()[0].first, "second.pcap");
  const std::vector<const ServerView*> servers = first.fleet().server_rows(0);
  ASSERT_FALSE(servers.empty());
  const ServerView& top = *servers[0];
  EXPECT_EQ(net::to_string(top.server), "192.0.2.1:443");
  EXPECT_EQ(top.names, (std::vector<std::string>{"example.com", "www.example.com", "api.example.com"}));
  ASSERT_EQ(top.certificates.size(), 2u);
  EXPECT_EQ(top.certificates[0].subject, "CN=www.example.com");
  EXPECT_EQ(top.version_rejected.describe(), "3 clients");
  EXPECT_EQ(top.cipher_rejected.describe(), "2 clients");
  EXPECT_EQ(top.rejected_suites, (std::vector<std::uint16_t>{0x000a, 0x0016}));  // GREASE left out
  const ReasonDetail& ok = first.fleet().reason(Reason::Ok);
  EXPECT_EQ(ok.first_seen, at_ms(-5'000));
  EXPECT_EQ(first.fleet().reason(Reason::ProtocolVersionMismatch).last_seen, at_ms(60'000));
  // modern_client_hello's JA4 (6 flows): first seen ok from 192.0.2.10, first failed from
  // 2001:db8::10, in the second part.
  const std::vector<ClientFingerprintFailures> prints = first.client_fingerprints(0);
  const auto modern = std::find_if(prints.begin(), prints.end(), [](const auto& f) { return f.flows == 6; });
  ASSERT_NE(modern, prints.end());
  EXPECT_EQ(net::to_string(modern->example_client), "2001:db8::10");
  EXPECT_EQ(modern->example_sni, "internal.example");
}

// The breakdowns add up kind by kind and cap by cap, in a run and in a merge; malformed_by_kind
// lists only the kinds that occurred, caps_hit every cap.
TEST(SummaryMerge, BreakdownsAddUpKindByKind) {
  Summary a, b;
  a.add_input(input_with_note("a.pcap"));
  b.add_input(input_with_note("b.pcap"));
  b.add_input(good_input());
  ASSERT_TRUE(a.merge(b));
  const json head = summary_to_json(a);
  EXPECT_EQ(head["malformed"], 4);
  EXPECT_EQ(head["malformed_by_kind"], json({{"bad_tcp_header", 4}, {"oversized_message", 2}}));
  EXPECT_EQ(head["caps_hit"].size(), analysis::kCapCount);
  EXPECT_EQ(head["caps_hit"]["handshake_message"], 2);
  EXPECT_EQ(head["caps_hit"]["memory"], 6);
  EXPECT_EQ(head["caps_hit"]["reassembly_buffer"], 0);
  EXPECT_EQ(summary_to_json(Summary{})["malformed_by_kind"], json::object());
}

TEST(SummaryMerge, OtherOrderGivesTheSameCounts) {
  const std::size_t n = ordered_flows().size();
  Summary first, second;
  add_part(first, 0, 5, good_input());
  add_part(second, 5, n, broken_input());
  Summary swapped = second;
  ASSERT_TRUE(swapped.merge(first));
  ASSERT_TRUE(first.merge(second));
  EXPECT_EQ(swapped.flows(), first.flows());
  EXPECT_EQ(swapped.by_reason(), first.by_reason());
  EXPECT_EQ(swapped.totals().packets, first.totals().packets);
  EXPECT_EQ(swapped.top_failing_servers(0).size(), first.top_failing_servers(0).size());
  // Input errors follow the order merged.
  EXPECT_EQ(swapped.input_errors()[0].path, "broken.pcap");
}

TEST(SummaryMerge, DifferentWindowsDoNotMerge) {
  Summary a, b;
  a.set_window({at_ms(0), std::nullopt});
  b.set_window({at_ms(1), std::nullopt});
  a.add_flow(tls13_success());
  b.add_flow(tls13_success());
  EXPECT_FALSE(a.merge(b));
  EXPECT_EQ(a.flows(), 1u);  // nothing merged
  b.set_window(a.window());
  EXPECT_TRUE(a.merge(b));
  EXPECT_EQ(a.flows(), 2u);
}

TEST(SummaryState, RoundTripIsExact) {
  Summary s;
  s.set_window({at_ms(-1), at_ms(999'999)});
  add_part(s, 0, ordered_flows().size(), input_with_note("a.pcap"));
  s.add_input(broken_input());
  const json state = state_to_json(s);
  EXPECT_EQ(state["format"], 2);
  EXPECT_EQ(state["totals"]["malformed_by_kind"], json({{"bad_tcp_header", 2}, {"oversized_message", 1}}));
  EXPECT_EQ(state["totals"]["caps_hit"]["memory"], 3);
  EXPECT_EQ(state["totals"]["caps_hit"]["flows"], 0);
  std::string error;
  const std::optional<Summary> back = summary_from_state(json::parse(state.dump()), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(state_to_json(*back), state);
  EXPECT_EQ(summary_to_json(*back), summary_to_json(s));
  EXPECT_EQ(back->exit_code(), 2);
  EXPECT_EQ(back->count(Reason::NoSharedCipher, RejectedBy::Server), 2u);
  EXPECT_EQ(back->window(), s.window());
}

TEST(SummaryState, EmptySummaryRoundTrips) {
  std::string error;
  const std::optional<Summary> back = summary_from_state(state_to_json(Summary{}), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(state_to_json(*back), state_to_json(Summary{}));
  EXPECT_EQ(back->exit_code(), 0);
}

TEST(SummaryState, BadStatesAreRejected) {
  Summary s;
  add_part(s, 0, ordered_flows().size(), good_input());
  const json good = state_to_json(s);
  ASSERT_FALSE(good["servers"].empty());
  ASSERT_FALSE(good["client_fingerprints"].empty());
  struct Case {
    const char* name;
    void (*spoil)(json&);
    const char* error;
  };
  const Case cases[] = {
      {"not an object", [](json& j) { j = json::array(); }, "not an object"},
      {"newer format", [](json& j) { j["format"] = 3; }, "format 3; this tlsdiag reads format 2"},
      {"format 1", [](json& j) { j["format"] = 1; }, "format 1; this tlsdiag reads format 2"},
      {"unknown malformed kind", [](json& j) { j["totals"]["malformed_by_kind"]["bad_luck"] = 1; },
       "unknown name \"bad_luck\""},
      {"cap missing", [](json& j) { j["totals"]["caps_hit"].erase("memory"); }, "\"caps_hit\" does not hold all"},
      {"unknown cap", [](json& j) { j["totals"]["caps_hit"]["patience"] = 1; }, "unknown name \"patience\""},
      {"missing count", [](json& j) { j.erase("flows"); }, "no \"flows\""},
      {"negative count", [](json& j) { j["ok"] = -1; }, "\"ok\" is not a count"},
      {"unknown reason", [](json& j) { j["by_reason"]["bad_luck"] = 1; }, "unknown name \"bad_luck\""},
      {"bad address", [](json& j) { j["clients"][0]["client"] = "300.1.1.1"; }, "not an IP address: \"300.1.1.1\""},
      {"endpoint without port", [](json& j) { j["servers"][0]["server"] = "192.0.2.1"; }, "not an endpoint"},
      {"not a version", [](json& j) { j["servers"][0]["negotiated_versions"] = {0x1234}; }, "not a protocol version"},
      {"suite too big", [](json& j) { j["servers"][0]["negotiated_suites"] = {70000}; }, "not a 16-bit code"},
      {"too many names", [](json& j) { j["servers"][0]["names"] = {"a", "b", "c", "d", "e"}; }, "more than 4 items"},
      {"server twice", [](json& j) { j["servers"].push_back(j["servers"][0]); }, "is listed twice"},
      {"long ja4", [](json& j) { j["client_fingerprints"][0]["ja4"] = std::string(37, 'a'); }, "longer than a JA4"},
      {"bad reason count", [](json& j) { j["failing_servers"][0]["by_reason"] = {{"ok"}}; }, "[reason, count]"},
      {"time not a number", [](json& j) { j["window"]["since_ns"] = "yesterday"; }, "not a time in nanoseconds"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    json state = good;
    c.spoil(state);
    std::string error;
    EXPECT_FALSE(summary_from_state(state, error));
    EXPECT_NE(error.find(c.error), std::string::npos) << error;
  }
}

// Flow i of a run past every cap: its own client, server (ascending, so first seen = first in
// key order), pair and JA4 (a cipher suite of its own).
FlowRecord distinct_flow(std::size_t i) {
  FlowRecord f = version_rejected();
  const auto a = static_cast<std::uint8_t>(i >> 8), b = static_cast<std::uint8_t>(i);
  f.client.ip.bytes = {10, 1, a, b};
  f.server.ip.bytes = {10, 2, a, b};
  f.client_hello->cipher_suites = {static_cast<std::uint16_t>(2 * i + 1)};  // odd: never GREASE
  return f;
}

TEST(SummaryMerge, PastTheCapsCountsEveryFlowAndStaysBounded) {
  constexpr std::size_t kPast = 5;
  const std::size_t n = FleetViews::kMaxServers + kPast;
  // One run of |n| flows goes past all four caps at once.
  static_assert(FleetViews::kMaxServers == FleetViews::kMaxClients &&
                FleetViews::kMaxServers == FleetViews::kMaxPairs &&
                FleetViews::kMaxServers == Summary::kMaxClientFingerprints);
  Summary whole, first, second;
  for (std::size_t i = 0; i < n; ++i) {
    const FlowRecord f = distinct_flow(i);
    whole.add_flow(f);
    (i < n / 2 ? first : second).add_flow(f);
  }
  ASSERT_TRUE(first.merge(second));
  const FleetViews& fleet = first.fleet();
  EXPECT_EQ(first.flows(), n);
  EXPECT_EQ(fleet.server_rows(0).size(), FleetViews::kMaxServers);
  EXPECT_EQ(fleet.untracked_servers().flows, kPast);
  EXPECT_EQ(fleet.untracked_servers().failed, kPast);
  EXPECT_EQ(fleet.client_rows(0).size(), FleetViews::kMaxClients);
  EXPECT_EQ(fleet.untracked_clients().flows, kPast);
  EXPECT_EQ(fleet.reason(Reason::ProtocolVersionMismatch).pairs.size(), FleetViews::kMaxPairs);
  EXPECT_EQ(fleet.reason(Reason::ProtocolVersionMismatch).untracked_pairs, kPast);
  EXPECT_EQ(first.client_fingerprints(0).size(), Summary::kMaxClientFingerprints);
  EXPECT_EQ(first.untracked_fingerprints().flows, kPast);
  EXPECT_EQ(first.top_failing_servers(0).size(), Summary::kMaxFailingServers);
  EXPECT_EQ(first.failing_servers_other(), kPast);
  EXPECT_EQ(whole.failing_servers_other(), kPast);
  // Servers, clients and pairs came in key order, so the merge itemised the same ones as the run
  // did; JA4s did not, so only their counts agree.
  const auto itemised = [](const Summary& s) {
    std::vector<std::pair<std::string, std::uint64_t>> rows;
    for (const ServerView* v : s.fleet().server_rows(0)) rows.emplace_back(net::to_string(v->server), v->flows);
    for (const ClientView* v : s.fleet().client_rows(0)) rows.emplace_back(net::to_string(v->client), v->flows);
    return rows;
  };
  EXPECT_EQ(itemised(first), itemised(whole));
  EXPECT_EQ(fleet.reason(Reason::ProtocolVersionMismatch).pairs,
            whole.fleet().reason(Reason::ProtocolVersionMismatch).pairs);
  EXPECT_EQ(whole.untracked_fingerprints().flows, kPast);
  // Merging more stays within the caps.
  ASSERT_TRUE(first.merge(whole));
  EXPECT_EQ(first.fleet().server_rows(0).size(), FleetViews::kMaxServers);
  EXPECT_EQ(first.fleet().untracked_servers().flows, 2 * kPast);
  EXPECT_EQ(first.client_fingerprints(0).size(), Summary::kMaxClientFingerprints);
  EXPECT_EQ(first.top_failing_servers(0).size(), Summary::kMaxFailingServers);
  // The rest's count survives merge_state.
  const json state = state_to_json(whole);
  EXPECT_EQ(state.at("failing_servers").size(), Summary::kMaxFailingServers);
  EXPECT_EQ(state.at("failing_servers_other"), kPast);
  std::string error;
  const std::optional<Summary> back = summary_from_state(json::parse(state.dump()), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->failing_servers_other(), kPast);
  EXPECT_FALSE(state_to_json(Summary{}).contains("failing_servers_other"));
  // Every failed flow is in one itemised server's count or in the rest's.
  std::uint64_t itemised_failures = 0;
  for (const ServerFailures& f : first.top_failing_servers(0)) itemised_failures += f.failed;
  EXPECT_EQ(itemised_failures + first.failing_servers_other(), 2 * n);
}

// --format json writes the state as a stream (write_state_json): byte for byte the tree's
// pretty dump nested at that depth, for an empty summary, a small one with input errors and
// notes, and one past every cap (failing_servers_other and the *_other rows present).
std::string nested_tree_dump(const Summary& s, int depth) {
  std::string out;
  for (char c : dump_json(state_to_json(s), 2)) {
    out.push_back(c);
    if (c == '\n') out.append(static_cast<std::size_t>(2 * depth), ' ');
  }
  return out;
}

std::string streamed(const Summary& s, int depth) {
  std::ostringstream out;
  write_state_json(out, s, depth);
  return out.str();
}

TEST(SummaryState, StreamedStateIsTheTreeDumpedNested) {
  Summary small;
  small.set_window({at_ms(-1), at_ms(999'999)});
  add_part(small, 0, ordered_flows().size(), input_with_note("a.pcap"));
  small.add_input(broken_input());
  Summary capped;
  for (std::size_t i = 0; i < FleetViews::kMaxServers + 3; ++i) capped.add_flow(distinct_flow(i));
  ASSERT_GT(capped.failing_servers_other(), 0u);
  for (int depth : {0, 1, 3}) EXPECT_EQ(streamed(small, depth), nested_tree_dump(small, depth)) << "depth " << depth;
  EXPECT_EQ(streamed(capped, 1), nested_tree_dump(capped, 1));
  EXPECT_EQ(streamed(Summary{}, 1), nested_tree_dump(Summary{}, 1));
}

TEST(SummaryMerge, CountedClientsAndSuitesKeepTheirCaps) {
  // One server rejecting 300 clients' versions, and picking 40 suites.
  Summary whole, first, second;
  for (std::size_t i = 0; i < 300; ++i) {
    FlowRecord rejected = distinct_flow(i);
    rejected.server = version_rejected().server;
    FlowRecord ok = tls13_success();
    ok.server_hello->cipher_suite = static_cast<std::uint16_t>(0xc000 + i % 40);
    for (const FlowRecord& f : {rejected, ok}) {
      whole.add_flow(f);
      (i < 150 ? first : second).add_flow(f);
    }
  }
  ASSERT_TRUE(first.merge(second));
  const ServerView merged = *first.fleet().server_rows(1)[0];
  const ServerView one_run = *whole.fleet().server_rows(1)[0];
  EXPECT_EQ(merged.version_rejected.describe(), "256+ clients");
  EXPECT_EQ(merged.version_rejected.describe(), one_run.version_rejected.describe());
  EXPECT_EQ(merged.negotiated_suites.size(), FleetViews::kMaxSuites);
  EXPECT_EQ(merged.negotiated_suites, one_run.negotiated_suites);
  EXPECT_EQ(summary_to_json(first), summary_to_json(whole));
  // A full count stays a lower bound when merged into nothing.
  Summary none;
  ASSERT_TRUE(none.merge(whole));
  EXPECT_EQ(none.fleet().server_rows(1)[0]->version_rejected.describe(), "256+ clients");
}

// --- JsonMerge: documents ------------------------------------------------------------------

// The --format json document of flows [from, to) of ordered_flows() and |inputs|.
std::string document(std::size_t from, std::size_t to, const std::vector<analysis::InputResult>& inputs,
                     ReportOptions opts = {}) {
  std::ostringstream out;
  JsonReport report(out, std::move(opts));
  const std::vector<FlowRecord> flows = ordered_flows();
  for (std::size_t i = from; i < to; ++i) report.on_flow(flows[i]);
  for (const analysis::InputResult& input : inputs) report.on_input_done(input);
  report.on_finish();
  return out.str();
}

std::string merge(const std::vector<std::string>& documents) {
  JsonMerge merger;
  for (const std::string& doc : documents) {
    std::istringstream in(doc);
    std::string error;
    EXPECT_TRUE(merger.add(in, error)) << error;
  }
  std::ostringstream out;
  merger.write(out, kToolVersion);
  return out.str();
}

TEST(JsonMerge, ShardsMergeToTheBytesOfOneRun) {
  const std::size_t n = ordered_flows().size();
  const std::string one_run = document(0, n, {good_input(), broken_input(), input_with_note("c.pcap")});
  EXPECT_EQ(merge({document(0, 4, {good_input()}), document(4, 9, {broken_input()}),
                   document(9, n, {input_with_note("c.pcap")})}),
            one_run);
  EXPECT_EQ(merge({one_run}), one_run);
  const json doc = json::parse(one_run);
  EXPECT_EQ(doc["flows"].size(), n);
  EXPECT_EQ(doc["merge_state"]["flows"], n);
}

TEST(JsonMerge, OnlyFailuresShardsKeepCountingEverything) {
  ReportOptions opts;
  opts.only_failures = true;
  const std::size_t n = ordered_flows().size();
  const std::string one_run = document(0, n, {good_input()}, opts);
  EXPECT_EQ(merge({document(0, 6, {}, opts), document(6, n, {good_input()}, opts)}), one_run);
}

TEST(JsonMerge, RejectsWhatIsNotADocument) {
  const std::string good = document(0, 2, {good_input()});
  json old = json::parse(good);
  old.erase("merge_state");
  json newer = json::parse(good);
  newer["merge_state"]["format"] = 3;
  json foreign = json::parse(good);
  foreign["tool"] = "other";
  json odd_flows = json::parse(good);
  odd_flows["flows"].push_back(7);
  const std::pair<std::string, std::string> cases[] = {
      {"", "unexpected end of input"},
      {"{\"tool\": ", "syntax error"},
      {"[1, 2]", "not a JSON object"},
      {old.dump(), "no \"merge_state\""},
      {newer.dump(), "merge_state: format 3"},
      {foreign.dump(), "\"tool\" is not \"tlsdiag\""},
      {odd_flows.dump(), "not arrays of objects"},
  };
  for (const auto& [text, why] : cases) {
    SCOPED_TRACE(text.substr(0, 40));
    JsonMerge merger;
    std::istringstream in(text);
    std::string error;
    EXPECT_FALSE(merger.add(in, error));
    EXPECT_EQ(error.rfind("not a tlsdiag --format json document (", 0), 0u) << error;
    EXPECT_NE(error.find(why), std::string::npos) << error;
  }
}

TEST(JsonMerge, RejectsAnotherWindow) {
  ReportOptions windowed;
  windowed.window.since = at_ms(0);
  JsonMerge merger;
  std::string error;
  std::istringstream first(document(0, 2, {good_input()}));
  ASSERT_TRUE(merger.add(first, error)) << error;
  std::istringstream second(document(2, 4, {good_input()}, windowed));
  EXPECT_FALSE(merger.add(second, error));
  EXPECT_NE(error.find("--since/--until"), std::string::npos) << error;
}

}  // namespace
}  // namespace tlsdiag::report
