#include "tlsdiag/report/flow_json.h"

#include <gtest/gtest.h>

#include "report_fixtures.h"

namespace tlsdiag::report {
namespace {

using nlohmann::json;
using namespace fixtures;  // NOLINT(google-build-using-namespace)

TEST(FlowJson, Tls13SuccessEndpointsTimesAndSource) {
  const json j = flow_to_json(tls13_success());
  EXPECT_EQ(j["client"], json({{"ip", "192.0.2.10"}, {"port", 51000}}));
  EXPECT_EQ(j["server"], json({{"ip", "192.0.2.1"}, {"port", 443}}));
  EXPECT_EQ(j["first_seen"], "2024-01-02T03:04:05.123456Z");
  EXPECT_EQ(j["last_seen"], "2024-01-02T03:04:05.373456Z");
  EXPECT_EQ(j["source"], json({{"file", "capture.pcap"}, {"packet", 1}}));
  EXPECT_EQ(j["history"], "CSsiFf");
  EXPECT_EQ(j["established"], true);
  EXPECT_EQ(j["resumed"], false);
  EXPECT_EQ(j["notes"], json::array());
}

TEST(FlowJson, Tls13SuccessClientHello) {
  const json ch = flow_to_json(tls13_success())["client_hello"];
  EXPECT_EQ(ch["version"], "TLS 1.3");
  EXPECT_EQ(ch["versions"], json({"TLS 1.3", "TLS 1.2"}));  // GREASE dropped, highest first
  EXPECT_EQ(ch["legacy_version"], "TLS 1.2");
  EXPECT_EQ(ch["record_version"], "TLS 1.0");
  EXPECT_EQ(ch["cipher_suites"],
            json({"GREASE", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}));
  EXPECT_EQ(ch["sni"], "example.com");
  EXPECT_EQ(ch["alpn"], json({"h2", "http/1.1"}));
  EXPECT_EQ(ch["groups"], json({"x25519", "secp256r1"}));
  EXPECT_EQ(ch["signature_algorithms"], json({"rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256"}));
  EXPECT_EQ(ch["key_share_groups"], json({"x25519"}));
  EXPECT_EQ(ch["psk_key_exchange_modes"], json({"psk_dhe_ke"}));
  ASSERT_EQ(ch["extensions"].size(), 7u);
  EXPECT_EQ(ch["extensions"][0], "GREASE");
  EXPECT_EQ(ch["extensions"][1], "server_name");
  EXPECT_EQ(ch["fallback_scsv"], false);
  EXPECT_EQ(ch["sslv2_format"], false);
  EXPECT_EQ(ch["extensions_error"], nullptr);
}

// Values computed by hand from the fixture's fields (tls/fingerprint.h has the reference tests).
TEST(FlowJson, ClientHelloFingerprints) {
  const json ch = flow_to_json(tls13_success())["client_hello"];
  EXPECT_EQ(ch["ja3_full"], "771,4865-4866-49199,0-16-10-13-43-51,29-23,");  // GREASE left out
  EXPECT_EQ(ch["ja3"], "ab45ae028c34f63c481f0fb2d07507c2");
  EXPECT_EQ(ch["ja4"], "t13d0306h2_40b44b994229_3cd5d6589845");
  EXPECT_EQ(ch["ja4_r"], "t13d0306h2_1301,1302,c02f_000a,000d,002b,0033_0804,0403");
}

TEST(FlowJson, ServerHelloFingerprint) {
  const json sh = flow_to_json(tls13_success())["server_hello"];
  EXPECT_EQ(sh["ja3s_full"], "771,4865,43-51");
  EXPECT_EQ(sh["ja3s"], "f4febc55ea12b31ae17cfb7e614afda8");
}

TEST(FlowJson, Sslv2HelloHasNoJa3) {
  FlowRecord flow = version_rejected();
  flow.client_hello->sslv2_format = true;
  flow.client_hello->extensions.clear();
  tls::ServerHello sh;
  sh.record_version = tls::version::kSsl2;  // an SSLv2 SERVER-HELLO
  sh.legacy_version = tls::version::kSsl2;
  flow.server_hello = sh;
  const json j = flow_to_json(flow);
  EXPECT_EQ(j["client_hello"]["ja3"], nullptr);
  EXPECT_EQ(j["client_hello"]["ja3_full"], nullptr);
  EXPECT_EQ(j["client_hello"]["ja4"], "t10i030000_5704bdfc91c6_000000000000");
  EXPECT_EQ(j["server_hello"]["ja3s"], nullptr);
  EXPECT_EQ(j["server_hello"]["ja3s_full"], nullptr);
}

TEST(FlowJson, Tls13SuccessServerHelloAndTcp) {
  const json j = flow_to_json(tls13_success());
  const json& sh = j["server_hello"];
  EXPECT_EQ(sh["version"], "TLS 1.3");
  EXPECT_EQ(sh["cipher_suite"], "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(sh["alpn"], "h2");
  EXPECT_EQ(sh["hello_retry_request"], false);
  EXPECT_EQ(sh["group"], "x25519");
  EXPECT_EQ(j["hello_retry_request"], nullptr);
  EXPECT_EQ(j["alerts"], json::array());
  EXPECT_EQ(j["certificates"], json::array());

  const json& tcp = j["tcp"];
  EXPECT_EQ(tcp["syn_seen"], true);
  ASSERT_EQ(tcp["events"].size(), 2u);
  EXPECT_EQ(tcp["events"][0], json({{"kind", "syn"}, {"sender", "client"},
                                    {"time", "2024-01-02T03:04:05.123456Z"}, {"ttl", 64},
                                    {"prior_ttl", 0}, {"packet", 1}}));
  EXPECT_EQ(tcp["events"][1]["kind"], "syn-ack");
  EXPECT_EQ(tcp["events"][1]["sender"], "server");
  EXPECT_EQ(tcp["client_bytes"], 900);
  EXPECT_EQ(tcp["server_bytes"], 4200);
  EXPECT_EQ(tcp["gaps"], 0);
  EXPECT_EQ(tcp["buffer_cap_hit"], false);
  EXPECT_EQ(tcp["close_reason"], "end-of-capture");
}

// given_up_bytes is summed over both directions like gap_bytes; a first conflict is a stream
// offset of one direction, so each side has its own, present only when that side conflicted.
TEST(FlowJson, GivenUpBytesAndFirstConflictPerDirection) {
  FlowRecord flow = tls13_success();
  const json quiet = flow_to_json(flow).at("tcp");
  EXPECT_EQ(quiet.at("given_up_bytes"), 0);
  EXPECT_FALSE(quiet.contains("client_first_conflict"));
  EXPECT_FALSE(quiet.contains("server_first_conflict"));

  flow.stats.dir[0].given_up_bytes = 103;
  flow.stats.dir[1].given_up_bytes = 5;
  flow.stats.dir[1].overlap_conflicts = 7;
  flow.stats.dir[1].first_conflict = 1200;
  flow.stats.dir[0].first_conflict = 99;  // without a client conflict it is not shown
  const json tcp = flow_to_json(flow).at("tcp");
  EXPECT_EQ(tcp.at("given_up_bytes"), 108);
  EXPECT_EQ(tcp.at("overlap_conflicts"), 7);
  EXPECT_FALSE(tcp.contains("client_first_conflict"));
  EXPECT_EQ(tcp.at("server_first_conflict"), 1200);

  flow.stats.dir[0].overlap_conflicts = 1;
  flow.stats.dir[0].first_conflict = 0;  // offset 0 is a real offset, not "none"
  EXPECT_EQ(flow_to_json(flow).at("tcp").at("client_first_conflict"), 0);
}

TEST(FlowJson, Tls13SuccessVerdict) {
  const json v = flow_to_json(tls13_success())["verdict"];
  EXPECT_EQ(v["status"], "ok");
  EXPECT_EQ(v["rejected_by"], "none");
  EXPECT_EQ(v["reason"], "ok");
  EXPECT_EQ(v["confidence"], "certain");
  EXPECT_EQ(v["remediation"], "");
  EXPECT_EQ(v["evidence"], json::array());
}

TEST(FlowJson, ServerVersionRejectionWithPlaintextAlert) {
  const json j = flow_to_json(version_rejected());
  EXPECT_EQ(j["client_hello"]["version"], "TLS 1.0");
  // No supported_versions: only legacy_version, the highest, is on the wire (RFC 5246 §E.1).
  EXPECT_EQ(j["client_hello"]["versions"], json({"TLS 1.0"}));
  EXPECT_EQ(j["server_hello"], nullptr);
  ASSERT_EQ(j["alerts"].size(), 1u);
  EXPECT_EQ(j["alerts"][0], json({{"sender", "server"}, {"level", "fatal"},
                                  {"description", "protocol_version"}, {"code", 70},
                                  {"encrypted", false}, {"decrypted", false},
                                  {"time", "2024-01-02T03:04:05.143456Z"}, {"packet", 16}}));
  EXPECT_EQ(j["decrypted"], false);
  EXPECT_EQ(j["decryption"], json({{"client", "none"}, {"server", "none"}}));
  EXPECT_EQ(j["tcp"]["events"][2]["kind"], "fin");
  EXPECT_EQ(j["tcp"]["close_reason"], "fin");
  const json& v = j["verdict"];
  EXPECT_EQ(v["status"], "failed");
  EXPECT_EQ(v["rejected_by"], "server");
  EXPECT_EQ(v["reason"], "protocol_version_mismatch");
  EXPECT_EQ(v["confidence"], "certain");
  EXPECT_EQ(v["explanation"], version_rejected().verdict.explanation);
  EXPECT_EQ(v["remediation"], "Enable TLS 1.2 or TLS 1.3 on the client.");
  EXPECT_EQ(v["evidence"], json({"#16 server alert fatal protocol_version"}));
}

TEST(FlowJson, EncryptedAlertHasNullLevelDescriptionCode) {
  const json j = flow_to_json(encrypted_alert_v6());
  ASSERT_EQ(j["alerts"].size(), 1u);
  const json& a = j["alerts"][0];
  EXPECT_EQ(a["sender"], "client");
  EXPECT_EQ(a["encrypted"], true);
  EXPECT_EQ(a["level"], nullptr);
  EXPECT_EQ(a["description"], nullptr);
  EXPECT_EQ(a["code"], nullptr);
  EXPECT_EQ(a["packet"], 27);
  EXPECT_EQ(j["encrypted"]["server"]["handshake_records"], 4);
  EXPECT_EQ(j["encrypted"]["server"]["first_sizes"], json({32, 3100, 290, 58}));
  EXPECT_EQ(j["encrypted"]["client"]["application_records"], 1);
}

TEST(FlowJson, DecryptedAlertShowsItsContents) {
  FlowRecord f = encrypted_alert_v6();
  f.alerts[0].decrypted = true;
  f.alerts[0].level = 2;
  f.alerts[0].description = 48;
  f.decryption[0] = f.decryption[1] = analysis::Decryption::Decrypted;
  const json j = flow_to_json(f);
  const json& a = j["alerts"][0];
  EXPECT_EQ(a["encrypted"], true);
  EXPECT_EQ(a["decrypted"], true);
  EXPECT_EQ(a["level"], "fatal");
  EXPECT_EQ(a["description"], "unknown_ca");
  EXPECT_EQ(a["code"], 48);
  EXPECT_EQ(j["decrypted"], true);
  EXPECT_EQ(j["decryption"], json({{"client", "decrypted"}, {"server", "decrypted"}}));

  // One side's records did not open: the flow is not decrypted as a whole.
  f.decryption[1] = analysis::Decryption::Failed;
  EXPECT_EQ(flow_to_json(f)["decrypted"], false);
  EXPECT_EQ(flow_to_json(f)["decryption"]["server"], "failed");
}

TEST(FlowJson, Ipv6EndpointsAreCompressed) {
  const json j = flow_to_json(encrypted_alert_v6());
  EXPECT_EQ(j["client"], json({{"ip", "2001:db8::10"}, {"port", 51000}}));
  EXPECT_EQ(j["server"], json({{"ip", "2001:db8::1"}, {"port", 443}}));
}

TEST(FlowJson, FlowWithoutClientHello) {
  const json j = flow_to_json(non_tls());
  EXPECT_EQ(j["client_hello"], nullptr);
  EXPECT_EQ(j["second_client_hello"], nullptr);
  EXPECT_EQ(j["server_hello"], nullptr);
  EXPECT_EQ(j["non_tls_prefix"]["client"], nullptr);
  EXPECT_EQ(j["non_tls_prefix"]["server"]["text"], "SSH-2.0-OpenSSH_9.2\\n");
  EXPECT_EQ(j["non_tls_prefix"]["server"]["hex"], "5353482d322e302d4f70656e5353485f392e320d0a");
  EXPECT_EQ(j["verdict"]["reason"], "non_tls_traffic");
}

TEST(FlowJson, MissingSniIsNull) {
  EXPECT_EQ(flow_to_json(truncated_v6())["client_hello"]["sni"], nullptr);
}

TEST(FlowJson, Tls12GroupComesFromServerKeyExchange) {
  FlowRecord f = tls13_success();
  f.server_hello->selected_version = 0x0303;
  f.server_hello->cipher_suite = 0xc02f;
  f.server_hello->key_share_group.reset();
  f.server_hello->alpn.clear();
  f.server_key_exchange_group = 0x0017;
  const json sh = flow_to_json(f)["server_hello"];
  EXPECT_EQ(sh["version"], "TLS 1.2");
  EXPECT_EQ(sh["group"], "secp256r1");
  EXPECT_EQ(sh["alpn"], nullptr);

  f.server_key_exchange_group.reset();
  EXPECT_EQ(flow_to_json(f)["server_hello"]["group"], nullptr);
}

TEST(FlowJson, HelloRetryRequest) {
  FlowRecord f = tls13_success();
  tls::ServerHello hrr;
  hrr.selected_version = 0x0304;
  hrr.cipher_suite = 0x1301;
  hrr.hello_retry_request = true;
  hrr.key_share_group = 0x0017;
  f.hello_retry_request = hrr;
  f.second_client_hello = modern_client_hello("example.com");
  const json j = flow_to_json(f);
  EXPECT_EQ(j["hello_retry_request"]["cipher_suite"], "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(j["hello_retry_request"]["group"], "secp256r1");
  EXPECT_EQ(j["second_client_hello"]["sni"], "example.com");
}

TEST(FlowJson, CertificatesListSizeAndIndex) {
  FlowRecord f = tls13_success();
  f.certificates.push_back({std::vector<std::uint8_t>(3, 0x30), 1200});
  f.certificates.push_back({{}, 900});
  f.certificate_count = 3;
  const json j = flow_to_json(f);
  EXPECT_EQ(j["certificates"], json({{{"index", 0}, {"size", 1200}}, {{"index", 1}, {"size", 900}}}));
  EXPECT_EQ(j["certificate_count"], 3);
}

TEST(FlowJson, WarningAndUnknownAlertLevels) {
  AlertRecord a;
  a.level = 1;
  a.description = 0;
  EXPECT_EQ(alert_to_json(a)["level"], "warning");
  EXPECT_EQ(alert_to_json(a)["description"], "close_notify");
  a.level = 7;
  EXPECT_EQ(alert_to_json(a)["level"], "0x07");
}

TEST(FlowJson, InvalidUtf8FromTheWireDoesNotThrow) {
  FlowRecord f = tls13_success();
  f.client_hello->sni = std::string("bad\xff\xfe", 5);
  std::string dumped;
  ASSERT_NO_THROW(dumped = dump_json(flow_to_json(f)));
  EXPECT_NE(dumped.find("bad\xef\xbf\xbd"), std::string::npos);  // U+FFFD
  EXPECT_TRUE(json::accept(dumped));
}

TEST(FlowJson, InputWithAndWithoutError) {
  const json good = input_to_json(good_input());
  EXPECT_EQ(good["path"], "capture.pcap");
  EXPECT_EQ(good["format"], "pcap");
  EXPECT_EQ(good["link_type"], 1);
  EXPECT_EQ(good["link_name"], "EN10MB");
  EXPECT_EQ(good["error"], nullptr);
  EXPECT_EQ(good["error_offset"], nullptr);
  EXPECT_EQ(good["packets"], 120);
  const json bad = input_to_json(broken_input());
  EXPECT_EQ(bad["error"], "truncated record at byte 1234");
  EXPECT_EQ(bad["error_offset"], 1234);
  EXPECT_EQ(bad["truncated_packets"], 1);
}

// malformed_by_kind: only the kinds that occurred; caps_hit: every cap, in the code's names.
TEST(FlowJson, InputBreakdowns) {
  analysis::InputResult in = good_input();
  EXPECT_EQ(input_to_json(in)["malformed_by_kind"], json::object());
  in.stats.malformed_by_kind[analysis::kTruncatedHeaderKind] = 2;
  in.stats.malformed_by_kind[analysis::kind_index(tls::MalformedKind::MalformedCertificate)] = 1;
  in.stats.caps_hit[static_cast<std::size_t>(analysis::Cap::Certificates)] = 5;
  const json j = input_to_json(in);
  EXPECT_EQ(j["malformed_by_kind"], json({{"truncated_header", 2}, {"malformed_certificate", 1}}));
  EXPECT_EQ(j["caps_hit"], json({{"reassembly_buffer", 0}, {"out_of_order_segments", 0}, {"handshake_message", 0},
                                 {"certificates", 5}, {"extensions", 0}, {"flows", 0}, {"memory", 0}}));
}

}  // namespace
}  // namespace tlsdiag::report
