#include "tlsdiag/report/fleet.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>

#include "report_fixtures.h"
#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/summary.h"
#include "tlsdiag/report/text_report.h"

namespace tlsdiag::report {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace)

VersionSet versions(std::initializer_list<std::uint16_t> codes) {
  VersionSet set = 0;
  for (std::uint16_t v : codes) set |= version_bit(v);
  return set;
}

ClientCount clients(std::size_t n) {
  ClientCount count;
  for (std::size_t i = 0; i < n; ++i) {
    net::IpAddress ip;
    ip.bytes[0] = 10;
    ip.bytes[2] = static_cast<std::uint8_t>(i / 256);
    ip.bytes[3] = static_cast<std::uint8_t>(i % 256);
    count.add(ip, FleetViews::kMaxClientsCounted);
  }
  return count;
}

// A TLS 1.2 handshake to |server| that completed with ECDHE-RSA-AES128-GCM, leaf certificate shown.
FlowRecord tls12_success(const char* client, const char* server, std::int64_t ms) {
  FlowRecord f = tls13_success();
  f.client = endpoint(client, 51000);
  f.server = endpoint(server, 443);
  f.first_seen = at_ms(ms);
  f.server_hello->selected_version = 0x0303;
  f.server_hello->cipher_suite = 0xc02f;
  auto findings = std::make_shared<analysis::CertificateFindings>();
  analysis::CertificateInfo leaf;
  leaf.subject = "CN=example.com";
  leaf.not_after = Timestamp::from_sec_nsec(1767225600, 0);  // 2026-01-01
  findings->chain.push_back(std::make_shared<const analysis::CertificateInfo>(leaf));
  findings->any = true;
  f.certificate_findings = findings;
  return f;
}

FlowRecord rejected(const char* client, const char* server, std::int64_t ms) {
  FlowRecord f = version_rejected();
  f.client = endpoint(client, 51000);
  f.server = endpoint(server, 443);
  f.first_seen = at_ms(ms);
  return f;
}

TEST(VersionSet, BitsListsAndDrafts) {
  EXPECT_EQ(version_bit(0x0303), 1u << 4);
  EXPECT_EQ(version_bit(0x7f17), version_bit(0x0304));  // draft 23 counts as TLS 1.3
  EXPECT_EQ(version_bit(0x0a0a), 0u);                   // GREASE
  EXPECT_EQ(versions_in(versions({0x0304, 0x0301})), (std::vector<std::uint16_t>{0x0301, 0x0304}));
  EXPECT_EQ(version_list(versions({0x0301}), "or"), "TLS 1.0");
  EXPECT_EQ(version_list(versions({0x0301, 0x0302}), "or"), "TLS 1.0 or 1.1");
  EXPECT_EQ(version_list(versions({0x0300, 0x0301, 0x0302}), "or"), "SSL 3.0, TLS 1.0 or 1.1");
}

TEST(InferredPolicy, Sentences) {
  struct Case {
    VersionSet negotiated, rejected;
    std::size_t version_clients, cipher_clients;
    std::uint64_t failed;
    std::string want;
  };
  const Case cases[] = {
      {versions({0x0303, 0x0304}), versions({0x0301, 0x0302}), 34, 0, 34,
       "accepts TLS 1.2-1.3; rejects clients whose best is TLS 1.0 or 1.1 (34 clients)"},
      {versions({0x0303}), 0, 0, 0, 0, "accepts TLS 1.2"},
      {versions({0x0300, 0x0303}), 0, 0, 0, 0, "accepts SSL 3.0-TLS 1.2"},
      {versions({0x0304}), versions({0x0302}), 1, 2, 3,
       "accepts TLS 1.3; rejects clients whose best is TLS 1.1 (1 client); "
       "rejects clients with no cipher suite it accepts (2 clients)"},
      {0, 0, 0, 0, 5, "no handshake accepted"},
      {0, 0, 0, 0, 0, "no handshake reached a ServerHello"},
      {0, versions({0x0301}), 300, 0, 300, "rejects clients whose best is TLS 1.0 (256+ clients)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    ServerView v;
    v.negotiated_versions = c.negotiated;
    v.rejected_versions = c.rejected;
    v.version_rejected = clients(c.version_clients);
    v.cipher_rejected = clients(c.cipher_clients);
    v.failed = c.failed;
    EXPECT_EQ(inferred_policy(v), c.want);
  }
}

TEST(FleetViews, ServerViewFromEvidence) {
  FleetViews fleet;
  fleet.add_flow(tls12_success("192.0.2.10", "192.0.2.1", 0));
  fleet.add_flow(tls12_success("192.0.2.11", "192.0.2.1", 5));  // same leaf: listed once
  fleet.add_flow(rejected("192.0.2.20", "192.0.2.1", 10));
  fleet.add_flow(rejected("192.0.2.21", "192.0.2.1", 20));
  fleet.add_flow(rejected("192.0.2.21", "192.0.2.1", 30));  // same client: counted once
  fleet.add_flow(tls12_success("192.0.2.10", "192.0.2.2", 40));

  const std::vector<const ServerView*> servers = fleet.server_rows(0);
  ASSERT_EQ(servers.size(), 2u);
  const ServerView& v = *servers[0];  // most failures first
  EXPECT_EQ(net::to_string(v.server), "192.0.2.1:443");
  EXPECT_EQ(v.names, std::vector<std::string>{"example.com"});
  EXPECT_EQ(v.flows, 5u);
  EXPECT_EQ(v.failed, 3u);
  EXPECT_EQ(v.negotiated_versions, versions({0x0303}));
  EXPECT_EQ(v.negotiated_suites, std::vector<std::uint16_t>{0xc02f});
  EXPECT_EQ(v.rejected_versions, versions({0x0301}));
  EXPECT_EQ(v.version_rejected.clients.size(), 2u);
  ASSERT_EQ(v.certificates.size(), 1u);
  EXPECT_EQ(v.certificates[0].subject, "CN=example.com");
  EXPECT_EQ(inferred_policy(v), "accepts TLS 1.2; rejects clients whose best is TLS 1.0 (2 clients)");
  EXPECT_EQ(servers[1]->failed, 0u);
  EXPECT_EQ(fleet.server_rows(1).size(), 1u);
}

TEST(FleetViews, ClientView) {
  FleetViews fleet;
  fleet.add_flow(tls12_success("192.0.2.10", "192.0.2.1", 0));
  fleet.add_flow(rejected("192.0.2.10", "192.0.2.1", 10));
  fleet.add_flow(non_tls());  // 192.0.2.20: no ClientHello
  const std::vector<const ClientView*> rows = fleet.client_rows(0);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(net::to_string(rows[0]->client), "192.0.2.10");
  EXPECT_EQ(rows[0]->flows, 2u);
  EXPECT_EQ(rows[0]->failed, 1u);
  EXPECT_EQ(rows[0]->highest_offered, 0x0304);
  EXPECT_EQ(rows[0]->ja4s.size(), 2u);
  EXPECT_EQ(top_reason(rows[0]->failures), Reason::ProtocolVersionMismatch);
  EXPECT_EQ(net::to_string(rows[1]->client), "192.0.2.20");
  EXPECT_EQ(rows[1]->highest_offered, 0);
}

TEST(FleetViews, ReasonFirstLastSeenAndTopPairs) {
  FleetViews fleet;
  fleet.add_flow(rejected("192.0.2.21", "192.0.2.1", 500));
  fleet.add_flow(rejected("192.0.2.20", "192.0.2.1", 100));  // out of order: still the first
  fleet.add_flow(rejected("192.0.2.21", "192.0.2.1", 300));
  const ReasonDetail& d = fleet.reason(Reason::ProtocolVersionMismatch);
  EXPECT_EQ(d.flows, 3u);
  EXPECT_EQ(d.first_seen, at_ms(100));
  EXPECT_EQ(d.last_seen, at_ms(500));
  const std::vector<PairCount> pairs = fleet.top_pairs(Reason::ProtocolVersionMismatch, kTopPairs);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(net::to_string(pairs[0].client), "192.0.2.21");
  EXPECT_EQ(pairs[0].flows, 2u);
  EXPECT_EQ(fleet.reason(Reason::NoSharedCipher).flows, 0u);
}

// Only the pairs shown are sorted: the order must still be most flows first, then address order.
TEST(FleetViews, TopPairsAreTheMostFrequentWithTiesInAddressOrder) {
  FleetViews fleet;
  // Clients .40 down to .30 with one flow each, then .35 and .33 with a second one.
  for (int host = 40; host >= 30; --host)
    fleet.add_flow(rejected(("192.0.2." + std::to_string(host)).c_str(), "192.0.2.1", 100));
  fleet.add_flow(rejected("192.0.2.35", "192.0.2.1", 200));
  fleet.add_flow(rejected("192.0.2.33", "192.0.2.1", 200));
  const std::vector<PairCount> top = fleet.top_pairs(Reason::ProtocolVersionMismatch, 4);
  ASSERT_EQ(top.size(), 4u);
  EXPECT_EQ(net::to_string(top[0].client), "192.0.2.33");
  EXPECT_EQ(net::to_string(top[1].client), "192.0.2.35");
  EXPECT_EQ(net::to_string(top[2].client), "192.0.2.30");
  EXPECT_EQ(net::to_string(top[3].client), "192.0.2.31");
  EXPECT_EQ(top[0].flows, 2u);
  EXPECT_EQ(top[2].flows, 1u);
  const std::vector<PairCount> all = fleet.top_pairs(Reason::ProtocolVersionMismatch, 0);
  ASSERT_EQ(all.size(), 11u);
  EXPECT_EQ(net::to_string(all[10].client), "192.0.2.40");
}

TEST(FleetViews, ServersPastTheCapAreCountedNotItemised) {
  FleetViews fleet;
  FlowRecord f = rejected("192.0.2.20", "192.0.2.1", 0);
  for (std::size_t i = 0; i < FleetViews::kMaxServers + 3; ++i) {
    f.server.port = static_cast<std::uint16_t>(i % 60000 + 1);
    f.server.ip.bytes[2] = static_cast<std::uint8_t>(i / 60000);
    fleet.add_flow(f);
  }
  EXPECT_EQ(fleet.server_rows(0).size(), FleetViews::kMaxServers);
  EXPECT_EQ(fleet.untracked_servers().flows, 3u);
  EXPECT_EQ(fleet.untracked_servers().failed, 3u);
  EXPECT_EQ(fleet.client_rows(0).size(), 1u);
}

TEST(FleetViews, SummaryJsonAndText) {
  Summary s;
  s.add_flow(tls12_success("192.0.2.10", "192.0.2.1", 0));
  s.add_flow(rejected("192.0.2.20", "192.0.2.1", 10));
  const nlohmann::json j = summary_to_json(s);
  ASSERT_EQ(j["by_server"].size(), 1u);
  EXPECT_EQ(j["by_server"][0]["server"], "192.0.2.1:443");
  EXPECT_EQ(j["by_server"][0]["policy"], "accepts TLS 1.2; rejects clients whose best is TLS 1.0 (1 client)");
  EXPECT_EQ(j["by_server"][0]["negotiated_suites"][0], "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(j["by_server"][0]["certificates"][0]["not_after"], "2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(j["by_client"].size(), 2u);
  EXPECT_EQ(j["by_reason_detail"]["protocol_version_mismatch"]["first_seen"], "2024-01-02T03:04:05.133456Z");
  EXPECT_EQ(j["by_reason_detail"]["protocol_version_mismatch"]["top_pairs"][0]["server"], "192.0.2.1:443");
  EXPECT_FALSE(j.contains("window"));

  std::ostringstream text;
  write_fleet_text(text, s.fleet(), 10, false);
  EXPECT_NE(text.str().find("  192.0.2.1:443 (example.com)  1/2 failed\n"
                            "      policy: accepts TLS 1.2; rejects clients whose best is TLS 1.0 (1 client)\n"),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("certificate: CN=example.com, not after 2026-01-01T00:00:00Z"), std::string::npos);
  EXPECT_NE(text.str().find("protocol_version_mismatch  1  first 2024-01-02T03:04:05Z  last 2024-01-02T03:04:05Z"),
            std::string::npos);
}

TEST(FleetViews, SummaryJsonSaysTheWindow) {
  Summary s;
  s.set_window({Timestamp::from_sec_nsec(1704153600, 0), std::nullopt});
  analysis::InputResult input;
  input.stats.flows_outside_window = 4;
  s.add_input(input);
  const nlohmann::json j = summary_to_json(s);
  EXPECT_EQ(j["window"]["since"], "2024-01-02T00:00:00.000000Z");
  EXPECT_TRUE(j["window"]["until"].is_null());
  EXPECT_EQ(j["window"]["flows_outside"], 4u);
}

}  // namespace
}  // namespace tlsdiag::report
