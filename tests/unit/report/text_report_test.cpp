#include "tlsdiag/report/text_report.h"

#include <gtest/gtest.h>

#include <sstream>

#include "report_fixtures.h"
#include "tlsdiag/analysis/certificate_check.h"

namespace tlsdiag::report {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace)

std::string render(ReportOptions opts, const std::vector<FlowRecord>& flows = all_flows()) {
  std::ostringstream out;
  TextReport report(out, std::move(opts));
  for (const FlowRecord& f : flows) report.on_flow(f);
  report.on_input_done(good_input());
  report.on_input_done(broken_input());
  report.on_finish();
  return out.str();
}

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST(TextReport, FailureBlockHasTheKeyFacts) {
  const std::string out = render({});
  for (std::string_view fact : {
           "Failed handshakes: 3",
           "[protocol_version_mismatch] 1 flow",
           "  192.0.2.10:51000 -> 192.0.2.1:443  SNI example.com  2024-01-02T03:04:05.123456Z",
           "    offered   up to TLS 1.0, 3 cipher suites\n"
           "    ja4       t10d030200_5704bdfc91c6_bc98f8e001b5\n"
           "    ja3       bb9aa9116cb03c9522edb7302c595956\n"
           "    chosen    no ServerHello",
           "    alert     server fatal protocol_version (70) at #16",
           "    verdict   protocol_version_mismatch (certain), rejected by the server",
           "    why       The server rejected the client's highest version TLS 1.0 with a "
           "protocol_version alert; it requires a newer version.",
           "    fix       Enable TLS 1.2 or TLS 1.3 on the client.",
           "    evidence  #16 server alert fatal protocol_version",
           "    source    capture.pcap #11",
       }) {
    EXPECT_TRUE(contains(out, fact)) << "missing: " << fact << "\n" << out;
  }
}

TEST(TextReport, EncryptedAlertAndIpv6) {
  const std::string out = render({});
  EXPECT_TRUE(contains(out, "[certificate_rejected] 1 flow"));
  EXPECT_TRUE(contains(out, "[2001:db8::10]:51000 -> [2001:db8::1]:443  SNI internal.example"));
  EXPECT_TRUE(contains(out, "    chosen    TLS 1.3, TLS_AES_256_GCM_SHA384"));
  EXPECT_TRUE(contains(out, "    alert     client encrypted alert (contents not visible) at #27"));
  EXPECT_TRUE(contains(out, "    verdict   certificate_rejected (likely), rejected by the client\n"));
}

TEST(TextReport, LeafCertificateAndDecryptedAlert) {
  FlowRecord f = encrypted_alert_v6();
  auto findings = std::make_shared<analysis::CertificateFindings>();
  analysis::CertificateInfo leaf;
  leaf.subject = "CN=internal.example";
  leaf.issuer = "CN=Corp CA";
  leaf.dns_names = {"internal.example", "*.internal.example"};
  leaf.not_before = Timestamp::from_sec_nsec(1'704'067'200, 0);  // 2024-01-01
  leaf.not_after = Timestamp::from_sec_nsec(1'735'689'600, 0);   // 2025-01-01
  findings->chain.push_back(std::make_shared<const analysis::CertificateInfo>(leaf));
  f.certificate_findings = findings;
  f.certificate_count = 2;
  f.alerts[0].decrypted = true;
  f.alerts[0].level = 2;
  f.alerts[0].description = 48;
  const std::string out = render({}, {f});
  EXPECT_TRUE(contains(out, "    cert      CN=internal.example (DNS internal.example, *.internal.example), issued by "
                            "CN=Corp CA, valid 2024-01-01 .. 2025-01-01, 2 certificates in the chain\n"))
      << out;
  EXPECT_TRUE(contains(out, "    alert     client fatal unknown_ca (48), decrypted at #27")) << out;
}

TEST(TextReport, NonTlsShowsThePayload) {
  const std::string out = render({});
  EXPECT_TRUE(contains(out, "[non_tls_traffic] 1 flow"));
  EXPECT_TRUE(contains(out, "    offered   no ClientHello"));
  EXPECT_TRUE(contains(out, "    server sent \"SSH-2.0-OpenSSH_9.2\\n\""));
  EXPECT_TRUE(contains(out, "    verdict   non_tls_traffic (likely), rejecting side unknown\n"));
}

TEST(TextReport, SectionsInOrder) {
  const std::string out = render({});
  const auto failed = out.find("Failed handshakes: 3");
  const auto version = out.find("[protocol_version_mismatch]");
  const auto cert = out.find("[certificate_rejected]");
  const auto incomplete = out.find("Incomplete handshakes: 1");
  const auto truncated = out.find("[capture_truncated] 1 flow");
  const auto ok = out.find("Successful handshakes: 1 (not listed)");
  const auto summary = out.find("Summary\n");
  ASSERT_NE(summary, std::string::npos) << out;
  EXPECT_LT(failed, version);
  EXPECT_LT(version, cert);  // vocabulary order
  EXPECT_LT(cert, incomplete);
  EXPECT_LT(incomplete, truncated);
  EXPECT_LT(truncated, ok);
  EXPECT_LT(ok, summary);
  EXPECT_TRUE(contains(out, "    why       The capture ended before the server answered the ClientHello. "
                            "(confidence unknown)"));
  // Successes not listed (the summary's server view names the suites servers picked).
  EXPECT_FALSE(contains(out.substr(0, summary), "TLS_AES_128_GCM_SHA256"));
}

TEST(TextReport, SummaryTableAndInputErrors) {
  const std::string out = render({});
  EXPECT_TRUE(contains(out, "  flows       5 (ok 1, failed 3, incomplete 1; established 1, resumed 0)"))
      << out;
  EXPECT_TRUE(contains(out, "  inputs      2 (1 with errors)"));
  EXPECT_TRUE(contains(out, "  packets     123 (TCP 113"));
  EXPECT_TRUE(contains(out, "  protocol_version_mismatch            1  server 1\n"));
  EXPECT_TRUE(contains(out, "  ok                                   1  none 1\n"));
  EXPECT_TRUE(contains(out, "top failing servers"));
  EXPECT_TRUE(contains(out, "  192.0.2.1:443 (example.com)"));
  EXPECT_TRUE(contains(out, "Input errors\n  broken.pcap: truncated record at byte 1234\n"));
}

// The malformed and caps-hit lines: only the nonzero kinds and caps, summed over the inputs, and
// no line at all when nothing was malformed and no cap was hit.
TEST(TextReport, MalformedKindsAndCapsHit) {
  EXPECT_FALSE(contains(render({}), "  malformed   "));
  EXPECT_FALSE(contains(render({}), "  caps hit    "));
  std::ostringstream out;
  TextReport report(out, {});
  for (int i = 0; i < 2; ++i) {
    analysis::InputResult in = good_input();
    in.stats.malformed = 1;
    in.stats.malformed_by_kind[analysis::kind_index(net::MalformedKind::BadTcpHeader)] = 1;
    in.stats.malformed_by_kind[analysis::kind_index(tls::MalformedKind::TruncatedHandshake)] = 2;
    in.stats.caps_hit[static_cast<std::size_t>(analysis::Cap::ReassemblyBuffer)] = 1;
    in.stats.caps_hit[static_cast<std::size_t>(analysis::Cap::Flows)] = 3;
    report.on_input_done(in);
  }
  report.on_finish();
  EXPECT_TRUE(contains(out.str(), "malformed 2)\n  malformed   packets bad_tcp_header 2; TLS truncated_handshake 4\n"
                                  "  caps hit    reassembly_buffer 2, flows 6\n"))
      << out.str();
}

TEST(TextReport, FailingClientFingerprints) {
  const std::string out = render({});
  EXPECT_TRUE(contains(out, "\n  failing client fingerprints (JA4)\n"
                            "  t10d030200_5704bdfc91c6_bc98f8e001b5  1/1 failed  "
                            "protocol_version_mismatch  e.g. 192.0.2.10 (example.com)\n"
                            "  t13d0306h2_40b44b994229_3cd5d6589845  1/3 failed  "
                            "certificate_rejected  e.g. 2001:db8::10 (internal.example)\n"))
      << out;
  // Only fingerprints that failed are listed.
  EXPECT_FALSE(contains(render({}, {tls13_success()}), "failing client fingerprints"));
}

TEST(TextReport, InputErrorNamingItsPathIsNotPrefixedTwice) {
  std::ostringstream out;
  TextReport report(out, {});
  analysis::InputResult bad = broken_input();
  bad.error = "broken.pcap: packet 1 at byte 24: file ends in the middle of a record";
  bad.error_offset = 24;
  report.on_input_done(bad);
  report.on_finish();
  EXPECT_TRUE(contains(out.str(), "\n  broken.pcap: packet 1 at byte 24: file ends in the middle of a record\n"))
      << out.str();
  EXPECT_FALSE(contains(out.str(), "reason "));  // no flows, no reason table
}

TEST(TextReport, ShowOkListsSuccesses) {
  ReportOptions opts;
  opts.show_ok = true;
  const std::string out = render(opts);
  EXPECT_TRUE(contains(out, "Successful handshakes: 1\n"));
  EXPECT_TRUE(contains(out, "  192.0.2.10:51000 -> 192.0.2.1:443  SNI example.com  "
                            "2024-01-02T03:04:05.123456Z  TLS 1.3  TLS_AES_128_GCM_SHA256\n"));
}

// Finding 7 (docs/hostile-input.md): retransmitted bytes that differed from the first copy show
// in every form of a flow, only when there are some.
TEST(TextReport, ConflictingRetransmissionsShowWhenNonzero) {
  ReportOptions opts;
  opts.show_ok = true;
  EXPECT_FALSE(contains(render(opts), "conflicts") || contains(render(opts), "differ"));
  std::vector<FlowRecord> flows = {tls13_success(), version_rejected(), truncated_v6()};
  for (FlowRecord& f : flows) {
    f.stats.dir[0].overlap_conflicts = 49;
    f.stats.dir[1].overlap_conflicts = 1;
  }
  const std::string out = render(opts, flows);
  EXPECT_TRUE(contains(out, "TLS_AES_128_GCM_SHA256  retransmissions differ: client 49 bytes, server 1 byte\n")) << out;
  const std::string field = "    conflicts client 49 bytes, server 1 byte retransmitted with different bytes (first copy kept)\n";
  std::size_t shown = 0;
  for (std::size_t at = out.find(field); at != std::string::npos; at = out.find(field, at + 1)) ++shown;
  EXPECT_EQ(shown, 2U) << out;  // the failed flow and the incomplete one
}

TEST(TextReport, OnlyFailures) {
  ReportOptions opts;
  opts.only_failures = true;
  opts.show_ok = true;
  const std::string out = render(opts);
  EXPECT_TRUE(contains(out, "[protocol_version_mismatch] 1 flow"));
  EXPECT_FALSE(contains(out, "Incomplete handshakes"));
  EXPECT_FALSE(contains(out, "[capture_truncated]"));
  EXPECT_FALSE(contains(out, "Successful handshakes"));
  EXPECT_TRUE(contains(out, "  flows       5 (ok 1, failed 3, incomplete 1"));  // still counted
}

TEST(TextReport, MaxPerReason) {
  ReportOptions opts;
  opts.max_per_reason = 1;
  const std::vector<FlowRecord> flows(4, version_rejected());
  const std::string out = render(opts, flows);
  EXPECT_TRUE(contains(out, "[protocol_version_mismatch] 4 flows"));
  EXPECT_TRUE(contains(out, "  ... 3 more flows not shown"));
  std::size_t blocks = 0;
  for (auto pos = out.find("    verdict "); pos != std::string::npos; pos = out.find("    verdict ", pos + 1))
    ++blocks;
  EXPECT_EQ(blocks, 1u);
}

TEST(TextReport, ColorOnlyWhenAsked) {
  EXPECT_FALSE(contains(render({}), "\x1b["));
  ReportOptions opts;
  opts.color = true;
  const std::string out = render(opts);
  EXPECT_TRUE(contains(out, "\x1b[31m[protocol_version_mismatch] 1 flow\x1b[0m"));
}

TEST(TextReport, NamesFromTheWireCannotDriveTheTerminal) {
  FlowRecord f = version_rejected();
  f.client_hello->sni = "evil\x1b[2J.example";
  const std::string out = render({}, {f});
  EXPECT_FALSE(contains(out, "\x1b"));
  EXPECT_TRUE(contains(out, "SNI evil\\x1b[2J.example"));
}

TEST(TerminalSafe, EscapesControlsAndBadUtf8KeepsText) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"example.com", "example.com"},
      {"a\tb\nc", "a\\x09b\\x0ac"},
      {"\x7f", "\\x7f"},
      {"caf\xc3\xa9", "caf\xc3\xa9"},             // é stays
      {"\xe2\x86\x92", "\xe2\x86\x92"},           // → stays
      {"\xf0\x9f\x94\x92", "\xf0\x9f\x94\x92"},   // 4-byte sequence stays
      {"\xc2\x9b" "31m", "\\xc2\\x9b31m"},        // C1 CSI escaped
      {"\xff\xfe", "\\xff\\xfe"},
      {"\xe2\x86", "\\xe2\\x86"},                 // truncated sequence
      {"\xc0\xaf", "\\xc0\\xaf"},                 // overlong '/'
      {"\xed\xa0\x80", "\\xed\\xa0\\x80"},        // surrogate
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(terminal_safe(c.in), c.out);
  }
}

TEST(TextReport, AHeldFlowCostsAHandleNotItsRecord) {
  std::ostringstream out;
  TextReport report(out, {});
  // The output waits in the spill store (outside the budget); the flow keeps a small handle.
  EXPECT_LT(report.held_bytes(100'000), 100u);
  EXPECT_EQ(report.held_bytes(100'000), report.held_bytes(0));
}

TEST(TextReport, FailingServersPastTheCapAreCountedUnderTheList) {
  std::vector<FlowRecord> flows;
  for (std::size_t i = 0; i < Summary::kMaxFailingServers + 3; ++i) {
    FlowRecord f = version_rejected();
    f.server.port = static_cast<std::uint16_t>(1 + i % 60000);
    f.client_hello->sni = "s" + std::to_string(i) + ".example";  // a new failing server each time
    flows.push_back(std::move(f));
  }
  const std::string out = render(ReportOptions{.max_per_reason = 1}, flows);
  EXPECT_TRUE(contains(out, "  (and 3 failed flows to servers past the first 10000 tracked)\n")) << out.substr(out.size() - 2000);
}

}  // namespace
}  // namespace tlsdiag::report
