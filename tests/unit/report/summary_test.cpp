#include "tlsdiag/report/summary.h"

#include <gtest/gtest.h>

#include "report_fixtures.h"
#include "tlsdiag/report/flow_json.h"

namespace tlsdiag::report {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace)

Summary summary_of_all() {
  Summary s;
  for (const FlowRecord& f : all_flows()) s.add_flow(f);
  s.add_input(good_input());
  s.add_input(broken_input());
  return s;
}

TEST(Summary, CountsStatusesAndHellos) {
  const Summary s = summary_of_all();
  EXPECT_EQ(s.flows(), 5u);
  EXPECT_EQ(s.ok(), 1u);
  EXPECT_EQ(s.failed(), 3u);
  EXPECT_EQ(s.incomplete(), 1u);
  EXPECT_EQ(s.established(), 1u);
  EXPECT_EQ(s.resumed(), 0u);
  EXPECT_EQ(s.client_hellos(), 4u);
  EXPECT_EQ(s.server_hellos(), 2u);
}

TEST(Summary, CountsByReasonAndSide) {
  const Summary s = summary_of_all();
  EXPECT_EQ(s.count(Reason::Ok), 1u);
  EXPECT_EQ(s.count(Reason::ProtocolVersionMismatch), 1u);
  EXPECT_EQ(s.count(Reason::CertificateRejected), 1u);
  EXPECT_EQ(s.count(Reason::NonTlsTraffic), 1u);
  EXPECT_EQ(s.count(Reason::CaptureTruncated), 1u);
  EXPECT_EQ(s.count(Reason::NoSharedCipher), 0u);
  EXPECT_EQ(s.count(Reason::ProtocolVersionMismatch, RejectedBy::Server), 1u);
  EXPECT_EQ(s.count(Reason::ProtocolVersionMismatch, RejectedBy::Client), 0u);
  EXPECT_EQ(s.count(Reason::CertificateRejected, RejectedBy::Client), 1u);
  EXPECT_EQ(s.by_rejected_by()[static_cast<std::size_t>(RejectedBy::Unknown)], 2u);
  EXPECT_EQ(s.by_rejected_by()[static_cast<std::size_t>(RejectedBy::None)], 1u);
}

TEST(Summary, SumsInputCountersAndKeepsErrors) {
  const Summary s = summary_of_all();
  EXPECT_EQ(s.inputs(), 2u);
  EXPECT_EQ(s.totals().packets, 123u);
  EXPECT_EQ(s.totals().bytes, 64900u);
  EXPECT_EQ(s.totals().tcp_packets, 113u);
  EXPECT_EQ(s.totals().non_tcp, 10u);
  EXPECT_EQ(s.totals().truncated_packets, 1u);
  EXPECT_EQ(s.totals().flows_seen, 5u);
  ASSERT_EQ(s.input_errors().size(), 1u);
  EXPECT_EQ(s.input_errors()[0].path, "broken.pcap");
  EXPECT_EQ(s.input_errors()[0].message, "truncated record at byte 1234");
  EXPECT_EQ(s.input_errors()[0].offset, 1234u);
}

TEST(Summary, TopFailingServers) {
  Summary s;
  for (int i = 0; i < 3; ++i) s.add_flow(version_rejected());
  s.add_flow(encrypted_alert_v6());
  s.add_flow(non_tls());
  s.add_flow(tls13_success());  // not a failure
  const std::vector<ServerFailures> top = s.top_failing_servers(0);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].server, "192.0.2.1:443 (example.com)");
  EXPECT_EQ(top[0].failed, 3u);
  EXPECT_EQ(top[0].top_reason, Reason::ProtocolVersionMismatch);
  // Ties keep name order.
  EXPECT_EQ(top[1].server, "192.0.2.2:443");
  EXPECT_EQ(top[2].server, "[2001:db8::1]:443 (internal.example)");
  EXPECT_EQ(top[2].top_reason, Reason::CertificateRejected);
  EXPECT_EQ(s.top_failing_servers(1).size(), 1u);
}

constexpr const char* kModernJa4 = "t13d0306h2_40b44b994229_3cd5d6589845";   // modern_client_hello
constexpr const char* kTls10Ja4 = "t10d030200_5704bdfc91c6_bc98f8e001b5";    // version_rejected

TEST(Summary, ClientFingerprints) {
  const Summary s = summary_of_all();
  const std::vector<ClientFingerprintFailures> rows = s.client_fingerprints(0);
  ASSERT_EQ(rows.size(), 2u);  // non_tls has no ClientHello
  // One failure each: ties in JA4 order.
  EXPECT_EQ(rows[0].ja4, kTls10Ja4);
  EXPECT_EQ(rows[0].flows, 1u);
  EXPECT_EQ(rows[0].failed, 1u);
  EXPECT_EQ(rows[0].top_reason, Reason::ProtocolVersionMismatch);
  EXPECT_EQ(rows[1].ja4, kModernJa4);
  EXPECT_EQ(rows[1].flows, 3u);  // success, certificate rejection, truncated
  EXPECT_EQ(rows[1].failed, 1u);
  EXPECT_EQ(rows[1].top_reason, Reason::CertificateRejected);
  // The example is the failing flow, not the first one seen (a success from 192.0.2.10).
  EXPECT_EQ(net::to_string(rows[1].example_client), "2001:db8::10");
  EXPECT_EQ(rows[1].example_sni, "internal.example");
  EXPECT_EQ(s.untracked_fingerprints().flows, 0u);
}

TEST(Summary, ClientFingerprintsMostFailuresFirst) {
  Summary s;
  s.add_flow(tls13_success());
  s.add_flow(version_rejected());
  s.add_flow(encrypted_alert_v6());
  s.add_flow(encrypted_alert_v6());
  const std::vector<ClientFingerprintFailures> rows = s.client_fingerprints(1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].ja4, kModernJa4);
  EXPECT_EQ(rows[0].failed, 2u);
}

TEST(Summary, ClientFingerprintWithoutFailures) {
  Summary s;
  s.add_flow(tls13_success());
  const std::vector<ClientFingerprintFailures> rows = s.client_fingerprints(0);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].failed, 0u);
  EXPECT_FALSE(rows[0].top_reason.has_value());
  EXPECT_EQ(net::to_string(rows[0].example_client), "192.0.2.10");
  EXPECT_EQ(rows[0].example_sni, "example.com");
  EXPECT_TRUE(s.client_fingerprints(0, /*failing_only=*/true).empty());
}

TEST(Summary, ClientFingerprintsPastTheCapAreCountedTogether) {
  Summary s;
  FlowRecord flow = version_rejected();
  const std::size_t extra = 5;
  for (std::size_t i = 0; i < Summary::kMaxClientFingerprints + extra; ++i) {
    flow.client_hello->cipher_suites = {static_cast<std::uint16_t>(i)};  // a new JA4 each time
    s.add_flow(flow);
  }
  s.add_flow(version_rejected());  // seen before the cap filled: still tallied
  EXPECT_EQ(s.client_fingerprints(0).size(), Summary::kMaxClientFingerprints);
  EXPECT_EQ(s.untracked_fingerprints().flows, extra);
  EXPECT_EQ(s.untracked_fingerprints().failed, extra);
}

TEST(Summary, ExitCode) {
  Summary ok;
  ok.add_flow(tls13_success());
  ok.add_flow(truncated_v6());  // incomplete is not a failed handshake
  ok.add_input(good_input());
  EXPECT_EQ(ok.exit_code(), 0);

  Summary failed = ok;
  failed.add_flow(version_rejected());
  EXPECT_EQ(failed.exit_code(), 1);

  Summary input_error = failed;
  input_error.add_input(broken_input());
  EXPECT_EQ(input_error.exit_code(), 2);
}

TEST(Summary, Json) {
  const nlohmann::json j = summary_to_json(summary_of_all());
  EXPECT_EQ(j["flows"], 5);
  EXPECT_EQ(j["established"], 1);
  EXPECT_EQ(j["failed"], 3);
  EXPECT_EQ(j["incomplete"], 1);
  EXPECT_EQ(j["client_hellos"], 4);
  EXPECT_EQ(j["server_hellos"], 2);
  EXPECT_EQ(j["by_reason"], nlohmann::json({{"ok", 1},
                                            {"protocol_version_mismatch", 1},
                                            {"certificate_rejected", 1},
                                            {"non_tls_traffic", 1},
                                            {"capture_truncated", 1}}));
  EXPECT_EQ(j["by_rejected_by"],
            nlohmann::json({{"server", 1}, {"client", 1}, {"unknown", 2}, {"none", 1}}));
  ASSERT_EQ(j["by_client_fingerprint"].size(), 2u);
  EXPECT_EQ(j["by_client_fingerprint"][1],
            nlohmann::json({{"ja4", kModernJa4},
                            {"flows", 3},
                            {"failed", 1},
                            {"top_reason", "certificate_rejected"},
                            {"example_client", "2001:db8::10"},
                            {"example_sni", "internal.example"}}));
  EXPECT_EQ(j["by_client_fingerprint_other"], nlohmann::json({{"flows", 0}, {"failed", 0}}));
  EXPECT_EQ(j["packets"], 123);
  EXPECT_EQ(j["inputs"], 2);
  EXPECT_EQ(j["input_errors"], 1);
}

}  // namespace
}  // namespace tlsdiag::report

namespace tlsdiag::report {
namespace {

TEST(Summary, KeepsInputNotesAndAccountsForEveryFlow) {
  Summary s;
  analysis::InputResult in = good_input();
  in.info.notes = {"pieces overlap in time: a.pcap1 starts before a.pcap ends"};
  in.stats.flows_reported = 3;
  in.stats.flows_not_tls = 1;
  in.stats.flows_without_payload = 1;
  s.add_input(in);
  s.add_input(in);
  ASSERT_EQ(s.input_notes().size(), 2u);
  EXPECT_EQ(s.input_notes()[0].first, "capture.pcap");
  EXPECT_EQ(s.totals().flows_seen, 10u);
  EXPECT_EQ(s.totals().flows_reported + s.totals().flows_not_tls + s.totals().flows_without_payload, 10u);
  const nlohmann::json totals = summary_to_json(s);
  EXPECT_EQ(totals["flows_reported"], 6);
  EXPECT_EQ(totals["flows_without_payload"], 2);
}

}  // namespace
}  // namespace tlsdiag::report
