// append_flow_json must give exactly dump_json(flow_to_json(flow)): on the report fixtures and on
// random flows that fill every field (strings with quotes, control bytes, UTF-8 and invalid
// UTF-8). A failure here means flow_to_json and flow_json_text.cpp no longer match: make the same
// change in both.
#include "tlsdiag/report/flow_json_text.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include "report_fixtures.h"
#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/json_indent.h"
#include "tlsdiag/report/json_report.h"

namespace tlsdiag::report {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace)

std::string via_nlohmann(const FlowRecord& flow) { return dump_json(flow_to_json(flow)); }

std::string via_text(const FlowRecord& flow) {
  std::string out;
  append_flow_json(out, flow);
  return out;
}

TEST(FlowJsonText, MatchesFlowToJsonOnFixtures) {
  for (const FlowRecord& flow : all_flows()) {
    SCOPED_TRACE(flow.first_packet);
    EXPECT_EQ(via_text(flow), via_nlohmann(flow));
  }
}

TEST(FlowJsonText, LeadingMemberGoesFirst) {
  const FlowRecord flow = tls13_success();
  std::string line;
  append_flow_json(line, flow, "\"type\":\"flow\"");
  EXPECT_EQ(line, "{\"type\":\"flow\"," + via_nlohmann(flow).substr(1));
}

TEST(FlowJsonText, EscapesLikeNlohmann) {
  FlowRecord flow = tls13_success();
  for (std::string s : {std::string("quote \" backslash \\ slash /"), std::string("\b\f\n\r\t\x01\x1f\x7f"),
                        std::string("caf\xc3\xa9 \xe2\x82\xac"), std::string("bad \xff\xfe end"),
                        std::string("cut \xe2\x82"), std::string("\xc3"), std::string(1, '\0')}) {
    flow.history = s;
    flow.notes = {s, s + s};
    SCOPED_TRACE(s);
    EXPECT_EQ(via_text(flow), via_nlohmann(flow));
  }
}

// Random values for every field of a FlowRecord.
class RandomFlow {
 public:
  explicit RandomFlow(std::uint32_t seed) : rng_(seed) {}

  FlowRecord make() {
    FlowRecord f = base_flow(pick(2) ? "192.0.2.10" : "2001:db8::1", "198.51.100.7", n<std::uint64_t>());
    f.source_file = text();
    f.first_seen = Timestamp{static_cast<std::int64_t>(n<std::uint32_t>()) * 1000};
    f.last_seen = Timestamp{f.first_seen.ns + n<std::uint16_t>()};
    f.syn_seen = pick(2);
    f.roles_from_client_hello = pick(2);
    if (pick(3)) f.client_hello = client_hello();
    if (pick(4) == 0) f.hello_retry_request = server_hello();
    if (pick(4) == 0) f.second_client_hello = client_hello();
    if (pick(3)) f.server_hello = server_hello();
    for (int i = pick(4); i > 0; --i) f.certificates.push_back({{}, n<std::uint16_t>()});
    if (!f.certificates.empty() && pick(2)) f.certificate_findings = findings(f.certificates.size());
    f.certificate_count = n<std::uint8_t>();
    f.certificate_request = pick(2);
    f.client_certificate_empty = pick(2);
    if (pick(2)) f.server_key_exchange_group = n<std::uint16_t>();
    for (int i = pick(3); i > 0; --i) {
      f.alerts.push_back({pick(2) ? Direction::ClientToServer : Direction::ServerToClient,
                          static_cast<std::uint8_t>(pick(4)), n<std::uint8_t>(), pick(2) == 0,
                          /*decrypted=*/pick(2) == 0, Timestamp{n<std::int32_t>()}, n<std::uint64_t>()});
    }
    for (int i = pick(5); i > 0; --i) {
      f.tcp_events.push_back({static_cast<reassembly::TcpEventKind>(pick(5)),
                              pick(2) ? Direction::ClientToServer : Direction::ServerToClient,
                              Timestamp{n<std::int32_t>()}, n<std::uint8_t>(), n<std::uint8_t>(),
                              n<std::uint64_t>()});
    }
    f.history = text();
    f.established = pick(2);
    f.resumed = pick(2);
    for (auto& e : f.encrypted) {
      e.handshake_records = n<std::uint32_t>();
      e.application_records = n<std::uint32_t>();
      e.alert_records = n<std::uint32_t>();
      e.bytes = n<std::uint64_t>();
      const std::vector<std::uint16_t> sizes = list<std::uint16_t>();
      e.first_sizes.assign(sizes.begin(), sizes.end());
    }
    for (auto& d : f.stats.dir) {
      d.packets = n<std::uint32_t>();
      d.payload_bytes = n<std::uint64_t>() >> 2;
      d.retransmitted_bytes = n<std::uint32_t>();
      d.overlap_conflicts = pick(3) == 0 ? n<std::uint16_t>() : 0;  // often none: no first_conflict
      d.first_conflict = n<std::uint64_t>();
      d.out_of_order_segments = n<std::uint16_t>();
      d.gaps = n<std::uint16_t>();
      d.gap_bytes = n<std::uint32_t>();
      d.given_up_bytes = n<std::uint32_t>();
      d.truncated_packets = n<std::uint16_t>();
      d.buffer_cap_hit = pick(5) == 0;
    }
    for (auto& p : f.non_tls_prefix) {
      if (pick(3) == 0) p = list<std::uint8_t>();
    }
    f.notes = texts();
    f.warnings = texts();
    f.close_reason = static_cast<reassembly::CloseReason>(pick(6));
    f.verdict.status = static_cast<Status>(pick(3));
    f.verdict.rejected_by = static_cast<RejectedBy>(pick(static_cast<int>(analysis::RejectedBy::kCount)));
    f.verdict.reason = static_cast<Reason>(pick(static_cast<int>(analysis::Reason::kCount)));
    f.verdict.confidence = static_cast<Confidence>(pick(3));
    f.verdict.explanation = text();
    f.verdict.remediation = text();
    f.verdict.evidence = texts();
    return f;
  }

 private:
  int pick(int k) { return std::uniform_int_distribution<int>(0, k - 1)(rng_); }
  template <class T>
  T n() {
    // Small values mostly, extremes sometimes.
    if (pick(8) == 0) return pick(2) ? std::numeric_limits<T>::max() : std::numeric_limits<T>::min();
    return static_cast<T>(std::uniform_int_distribution<std::int64_t>(0, 70000)(rng_));
  }
  template <class T>
  std::vector<T> list() {
    std::vector<T> v(static_cast<std::size_t>(pick(6)));
    for (T& x : v) x = n<T>();
    return v;
  }
  std::string text() {
    static const char* const kPieces[] = {"a", "example.com", " ", "\"", "\\", "/", "\n", "\r", "\t",
                                          "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x82\xac",
                                          "\xf0\x9f\x94\x92", "\xff", "\x80", "\xc3", "\xe2\x82"};
    std::string s;
    for (int i = pick(6); i > 0; --i) s += kPieces[pick(static_cast<int>(std::size(kPieces)))];
    return s;
  }
  std::vector<std::string> texts() {
    std::vector<std::string> v(static_cast<std::size_t>(pick(3)));
    for (std::string& s : v) s = text();
    return v;
  }
  std::optional<ParseError> parse_error() {
    if (pick(3)) return std::nullopt;
    return ParseError{static_cast<Errc>(pick(4)), n<std::uint16_t>()};
  }
  tls::ClientHello client_hello() {
    tls::ClientHello h;
    h.record_version = n<std::uint16_t>();
    h.legacy_version = pick(2) ? tls::version::kTls12 : n<std::uint16_t>();
    h.sslv2_format = pick(2);
    h.session_id_length = n<std::uint8_t>();
    h.cipher_suites = list<std::uint16_t>();
    h.compression_methods = list<std::uint8_t>();
    h.extensions = list<std::uint16_t>();
    if (pick(2)) h.supported_versions = {tls::version::kTls13, 0x0a0a, tls::version::kTls12, n<std::uint16_t>()};
    h.sni = pick(2) ? text() : "";
    h.alpn = texts();
    h.groups = list<std::uint16_t>();
    h.ec_point_formats = list<std::uint8_t>();
    h.signature_algorithms = list<std::uint16_t>();
    h.key_share_groups = list<std::uint16_t>();
    h.psk_key_exchange_modes = list<std::uint8_t>();
    h.pre_shared_key = pick(2);
    h.early_data = pick(2);
    h.renegotiation_info = pick(2);
    h.extended_master_secret = pick(2);
    h.session_ticket = pick(2);
    h.encrypted_client_hello = pick(2);
    h.fallback_scsv = pick(2);
    h.message_length = n<std::uint32_t>();
    h.extensions_error = parse_error();
    return h;
  }
  tls::ServerHello server_hello() {
    tls::ServerHello h;
    h.record_version = n<std::uint16_t>();
    h.legacy_version = n<std::uint16_t>();
    h.selected_version = pick(2) ? tls::version::kTls13 : n<std::uint16_t>();
    h.cipher_suite = n<std::uint16_t>();
    h.compression_method = n<std::uint8_t>();
    h.session_id_length = n<std::uint8_t>();
    h.hello_retry_request = pick(2);
    h.downgrade_sentinel = pick(2);
    h.extensions = list<std::uint16_t>();
    if (pick(2)) h.key_share_group = n<std::uint16_t>();
    h.alpn = pick(2) ? text() : "";
    h.pre_shared_key = pick(2);
    h.extended_master_secret = pick(2);
    h.renegotiation_info = pick(2);
    h.extensions_error = parse_error();
    return h;
  }
  std::shared_ptr<const analysis::CertificateFindings> findings(std::size_t certificates) {
    auto f = std::make_shared<analysis::CertificateFindings>();
    f->any = true;
    for (std::size_t i = pick(2) ? certificates : certificates - 1; i > 0; --i) {
      analysis::CertificateInfo c;
      c.parse_error = pick(4) == 0;
      c.error = text();
      c.subject = text();
      c.issuer = text();
      c.serial_hex = text();
      c.sha256_fingerprint = text();
      c.dns_names = texts();
      c.ip_addresses = texts();
      c.not_before = Timestamp{n<std::int32_t>()};
      c.not_after = Timestamp{n<std::int32_t>()};
      c.key_type = text();
      c.key_bits = pick(2) ? 0 : 2048;
      c.signature_algorithm = text();
      c.is_ca = pick(2);
      c.self_signed = pick(2);
      f->chain.push_back(std::make_shared<const analysis::CertificateInfo>(std::move(c)));
    }
    return f;
  }

  std::mt19937 rng_;
};

TEST(FlowJsonText, MatchesFlowToJsonOnRandomFlows) {
  RandomFlow random(20260601);
  for (int i = 0; i < 2000; ++i) {
    const FlowRecord flow = random.make();
    const std::string expected = via_nlohmann(flow);
    const std::string actual = via_text(flow);
    ASSERT_EQ(actual, expected) << "random flow " << i;
  }
}

// A hello's text is remembered per thread and reused for a hello that prints the same but for its
// message_length and SNI. Each change below must show in the text: rendered right after the
// unchanged hello, a change the memo did not compare would print the remembered text.
TEST(FlowJsonText, ARememberedHelloIsReusedOnlyWhenItPrintsTheSame) {
  using tls::ClientHello;
  using Change = std::function<void(ClientHello&)>;
  struct Case {
    const char* name;
    Change change;
    Change before = [](ClientHello&) {};  // applied to both hellos
  };
  const std::vector<Case> cases = {
      {"record_version", [](ClientHello& h) { h.record_version = 0x0301; }},
      {"legacy_version", [](ClientHello& h) { h.legacy_version = 0x0302; }},
      {"sslv2_format", [](ClientHello& h) { h.sslv2_format = !h.sslv2_format; }},
      {"session_id_length", [](ClientHello& h) { h.session_id_length = 7; }},
      {"cipher_suites", [](ClientHello& h) { h.cipher_suites.push_back(0x00ff); }},
      {"compression_methods", [](ClientHello& h) { h.compression_methods.push_back(1); }},
      {"extensions", [](ClientHello& h) { h.extensions.push_back(0x0017); }},
      {"supported_versions", [](ClientHello& h) { h.supported_versions.push_back(0x0302); }},
      {"sni present", [](ClientHello& h) { h.sni = h.sni.empty() ? "example.test" : ""; }},
      {"sni value", [](ClientHello& h) { h.sni = "other.example \"quoted\""; }},
      {"message_length", [](ClientHello& h) { h.message_length += 1000; }},
      {"alpn", [](ClientHello& h) { h.alpn.push_back("h2c"); }},
      {"groups", [](ClientHello& h) { h.groups.push_back(0x001e); }},
      {"ec_point_formats", [](ClientHello& h) { h.ec_point_formats.push_back(2); }},
      {"signature_algorithms", [](ClientHello& h) { h.signature_algorithms.push_back(0x0807); }},
      {"key_share_groups", [](ClientHello& h) { h.key_share_groups.push_back(0x0017); }},
      {"psk_key_exchange_modes", [](ClientHello& h) { h.psk_key_exchange_modes.push_back(0); }},
      {"pre_shared_key", [](ClientHello& h) { h.pre_shared_key = !h.pre_shared_key; }},
      {"early_data", [](ClientHello& h) { h.early_data = !h.early_data; }},
      {"renegotiation_info", [](ClientHello& h) { h.renegotiation_info = !h.renegotiation_info; }},
      {"extended_master_secret", [](ClientHello& h) { h.extended_master_secret = !h.extended_master_secret; }},
      {"session_ticket", [](ClientHello& h) { h.session_ticket = !h.session_ticket; }},
      {"encrypted_client_hello", [](ClientHello& h) { h.encrypted_client_hello = !h.encrypted_client_hello; }},
      {"fallback_scsv", [](ClientHello& h) { h.fallback_scsv = !h.fallback_scsv; }},
      {"extensions_error", [](ClientHello& h) { h.extensions_error = ParseError{Errc::Truncated, 12}; }},
      {"extensions_error offset", [](ClientHello& h) { h.extensions_error->offset = 13; },
       [](ClientHello& h) { h.extensions_error = ParseError{Errc::Truncated, 12}; }},
      {"another GREASE value, which prints the same", [](ClientHello& h) { h.cipher_suites.front() = 0x1a1a; },
       [](ClientHello& h) { h.cipher_suites.insert(h.cipher_suites.begin(), 0x2a2a); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FlowRecord first = tls13_success();
    ASSERT_TRUE(first.client_hello);
    c.before(*first.client_hello);
    ASSERT_EQ(via_text(first), via_nlohmann(first));  // remembered
    FlowRecord second = first;
    c.change(*second.client_hello);
    EXPECT_EQ(via_text(second), via_nlohmann(second));
    second.second_client_hello = *first.client_hello;  // both in one line
    EXPECT_EQ(via_text(second), via_nlohmann(second));
  }
}

// The --format json document lays the same text out (json_indent.h): what nlohmann's pretty
// printer gives, strings with quotes, escapes and brackets included.
TEST(FlowJsonText, LaidOutForTheDocumentMatchesNlohmannOnRandomFlows) {
  RandomFlow random(20261123);
  for (int i = 0; i < 500; ++i) {
    const FlowRecord flow = random.make();
    std::string laid_out;
    append_indented_json(laid_out, via_text(flow), 2);
    ASSERT_EQ(laid_out, document_item(flow_to_json(flow))) << "random flow " << i;
  }
}

}  // namespace
}  // namespace tlsdiag::report
