// Verdict rules (src/analysis/verdict_rules.cpp kRules): one scenario or more per rule, each a
// flow driven through the Correlator as the TLS stage would report it, then checked for status,
// rejected_by, reason, confidence, the rule that fired and the facts its explanation must name.
#include "tlsdiag/analysis/verdict_rules.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <cstdint>
#include <ostream>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/paths.h"
#include "tlsdiag/analysis/correlator.h"

namespace tlsdiag::analysis {
namespace {

using reassembly::CloseReason;
using reassembly::TcpEventKind;

constexpr Direction kC2S = Direction::ClientToServer;
constexpr Direction kS2C = Direction::ServerToClient;
constexpr std::uint8_t kClientTtl = 64;
constexpr std::uint8_t kServerTtl = 57;

class RecordingFlowSink : public FlowSink {
 public:
  void on_flow(const FlowRecord& flow) override { flows.push_back(flow); }
  void on_input_done(const InputResult&) override {}
  void on_finish() override {}
  std::vector<FlowRecord> flows;
};

net::Endpoint endpoint(std::uint8_t last, std::uint16_t port) {
  net::Endpoint ep;
  ep.ip.family = 4;
  ep.ip.bytes = {192, 0, 2, last};
  ep.port = port;
  return ep;
}

// FlowScript: one flow told to a Correlator event by event, as the Dissector would, with TCP
// statistics kept alongside (packets, payload bytes, TTLs) so the close carries realistic stats.
class FlowScript {
 public:
  struct Options {
    std::uint16_t server_port = 443;
    bool syn = true;       // the client's SYN was captured
    bool syn_ack = true;   // the server's SYN-ACK was captured
  };

  explicit FlowScript(Options o) : correlator_(sink_, "test.pcap") {
    reassembly::FlowInfo info;
    info.id = 1;
    info.client = endpoint(10, 50123);
    info.server = endpoint(20, o.server_port);
    info.syn_seen = o.syn;
    info.first_seen = time();
    info.first_packet = 1;
    correlator_.on_open(info);
    if (o.syn) tcp(TcpEventKind::Syn, kC2S, kClientTtl);
    if (o.syn_ack) tcp(TcpEventKind::SynAck, kS2C, kServerTtl);
  }
  FlowScript() : FlowScript(Options{}) {}

  // Capture time of the next event, in ms after the first packet.
  FlowScript& at(std::int64_t ms) {
    now_ms_ = ms;
    return *this;
  }
  FlowScript& client(tls::TlsEventBody body) { return tls(kC2S, std::move(body)); }
  FlowScript& server(tls::TlsEventBody body) { return tls(kS2C, std::move(body)); }
  FlowScript& fin(Direction d) { return tcp(TcpEventKind::Fin, d, ttl_of(d)); }
  // A reset sent with |ttl|; the sender's earlier packets had their usual TTL.
  FlowScript& rst(Direction d, std::uint8_t ttl) { return tcp(TcpEventKind::Rst, d, ttl); }
  FlowScript& rst(Direction d) { return rst(d, ttl_of(d)); }
  FlowScript& gap(Direction d, std::uint64_t missing) {
    auto& s = stats_.dir[reassembly::index(d)];
    ++s.gaps;
    s.gap_bytes += missing;
    correlator_.on_gap(1, d, missing, reassembly::GapKind::NotCaptured, time());
    advance();
    return *this;
  }
  // |missing| bytes given up on at a reassembly buffer cap: not a gap in the capture.
  FlowScript& given_up(Direction d, std::uint64_t missing) {
    auto& s = stats_.dir[reassembly::index(d)];
    s.given_up_bytes += missing;
    s.buffer_cap_hit = true;
    correlator_.on_gap(1, d, missing, reassembly::GapKind::GivenUp, time());
    advance();
    return *this;
  }
  // Closes the flow; the record the Correlator released, or nullopt when it reported none.
  std::optional<FlowRecord> finish(CloseReason why = CloseReason::Fin) {
    correlator_.on_close(1, why, time(), stats_);
    correlator_.on_end(time());
    if (sink_.flows.empty()) return std::nullopt;
    EXPECT_EQ(sink_.flows.size(), 1u);
    return sink_.flows.front();
  }

 private:
  static std::uint8_t ttl_of(Direction d) { return d == kC2S ? kClientTtl : kServerTtl; }
  Timestamp time() const { return Timestamp::from_sec_nsec(1'700'000'000, now_ms_ * 1'000'000); }
  void advance() { ++now_ms_; }

  void packet(Direction d, std::uint64_t payload, std::uint8_t ttl) {
    auto& s = stats_.dir[reassembly::index(d)];
    if (s.packets == 0) s.first_ttl = ttl;
    ++s.packets;
    s.last_ttl = ttl;
    s.payload_bytes += payload;
    ++packet_;
  }

  FlowScript& tcp(TcpEventKind kind, Direction d, std::uint8_t ttl) {
    const std::uint8_t prior = stats_.dir[reassembly::index(d)].last_ttl;
    packet(d, 0, ttl);
    reassembly::TcpEvent e;
    e.kind = kind;
    e.dir = d;
    e.ts = time();
    e.ttl = ttl;
    e.prior_ttl = prior;
    e.packet_number = packet_;
    correlator_.on_tcp(1, e);
    advance();
    return *this;
  }

  FlowScript& tls(Direction d, tls::TlsEventBody body) {
    if (!std::holds_alternative<tls::RolesSwapped>(body)) packet(d, wire_size(body), ttl_of(d));
    correlator_.on_tls(tls::TlsEvent{1, d, time(), packet_, std::move(body)});
    advance();
    return *this;
  }

  // Bytes a record of this kind takes on the wire (header included).
  static std::uint64_t wire_size(const tls::TlsEventBody& body) {
    struct Size {
      std::uint64_t operator()(const tls::ClientHello& h) const { return 9 + (h.message_length ? h.message_length : 200); }
      std::uint64_t operator()(const tls::ServerHello&) const { return 100; }
      std::uint64_t operator()(const tls::CertificateChain& c) const { return 12 + 800ull * c.count; }
      std::uint64_t operator()(const tls::CertificateRequest&) const { return 40; }
      std::uint64_t operator()(const tls::ServerKeyExchange&) const { return 150; }
      std::uint64_t operator()(const tls::HandshakeSeen& h) const { return 9 + h.length; }
      std::uint64_t operator()(const tls::ChangeCipherSpec&) const { return 6; }
      std::uint64_t operator()(const tls::Alert& a) const { return a.encrypted ? 31 : 7; }
      std::uint64_t operator()(const tls::EncryptedRecord& r) const { return 5ull + r.length; }
      std::uint64_t operator()(const tls::NonTls& n) const { return n.prefix.size(); }
      std::uint64_t operator()(const tls::Malformed&) const { return 20; }
      std::uint64_t operator()(const tls::RolesSwapped&) const { return 0; }
      std::uint64_t operator()(const tls::Decryption&) const { return 0; }
      std::uint64_t operator()(const tls::UnparsedClientHello& u) const { return 9 + u.body.size(); }
    };
    return std::visit(Size{}, body);
  }

  RecordingFlowSink sink_;
  Correlator correlator_;
  reassembly::FlowStats stats_;
  std::int64_t now_ms_ = 0;
  std::uint64_t packet_ = 0;
};

// ---- message bodies -------------------------------------------------------------------------

// A TLS 1.3-capable client (supported_versions 1.3, 1.2; x25519 and secp256r1).
tls::ClientHello hello13(const std::string& sni) {
  tls::ClientHello h;
  h.record_version = 0x0301;
  h.legacy_version = 0x0303;
  h.session_id_length = 32;
  h.cipher_suites = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0x002f};
  h.compression_methods = {0};
  h.extensions = {0, 10, 13, 16, 43, 45, 51};
  h.supported_versions = {0x0304, 0x0303};
  h.sni = sni;
  h.alpn = {"h2", "http/1.1"};
  h.groups = {0x001d, 0x0017};
  h.signature_algorithms = {0x0804, 0x0403};
  h.key_share_groups = {0x001d};
  h.psk_key_exchange_modes = {1};
  h.message_length = 250;
  return h;
}

// A TLS 1.2-only client (no supported_versions).
tls::ClientHello hello12(const std::string& sni) {
  tls::ClientHello h;
  h.record_version = 0x0301;
  h.legacy_version = 0x0303;
  h.cipher_suites = {0xc02f, 0xc030, 0xc02b};
  h.compression_methods = {0};
  h.extensions = {0, 10, 11, 13, 23};
  h.sni = sni;
  h.groups = {0x001d, 0x0017};
  h.signature_algorithms = {0x0804, 0x0401};
  h.message_length = 180;
  return h;
}

// An old client offering TLS 1.0 at most, without extensions.
tls::ClientHello hello10() {
  tls::ClientHello h;
  h.record_version = 0x0301;
  h.legacy_version = 0x0301;
  h.cipher_suites = {0x002f, 0x0035, 0x000a};
  h.compression_methods = {0};
  h.message_length = 50;
  return h;
}

tls::ServerHello server_hello(std::uint16_t version, std::uint16_t suite) {
  tls::ServerHello h;
  h.record_version = std::min<std::uint16_t>(version, 0x0303);
  h.legacy_version = std::min<std::uint16_t>(version, 0x0303);
  h.selected_version = version;
  h.cipher_suite = suite;
  if (version == 0x0304) {
    h.extensions = {43, 51};
    h.key_share_group = 0x001d;
  }
  return h;
}
tls::ServerHello server_hello13(bool resumed = false) {
  tls::ServerHello h = server_hello(0x0304, 0x1301);
  h.pre_shared_key = resumed;
  if (resumed) h.extensions.push_back(41);
  return h;
}

tls::Alert alert(std::uint8_t description, std::uint8_t level = 2) { return tls::Alert{level, description, false}; }
tls::Alert encrypted_alert() { return tls::Alert{0, 0, true}; }
tls::EncryptedRecord protected_record(std::uint16_t length, std::uint8_t type = 23) { return {type, length}; }
tls::HandshakeSeen seen(std::uint8_t type, std::uint32_t length) { return {type, length}; }
tls::CertificateChain chain(std::uint32_t n) {
  tls::CertificateChain c;
  c.count = n;
  for (std::uint32_t i = 0; i < n; ++i) c.der.push_back(std::vector<std::uint8_t>(800, 0x30));
  return c;
}
tls::Alert decrypted_alert(std::uint8_t description, std::uint8_t level = 2) {
  return tls::Alert{level, description, true, true};
}
tls::Decryption decrypted() { return tls::Decryption{tls::Decryption::Outcome::Decrypted}; }
// A real certificate from tests/data/certs (wronghost.der: wrong.example.net only).
tls::CertificateChain real_chain(const std::string& name) {
  std::ifstream in(test::source_dir() / "tests" / "data" / "certs" / (name + ".der"), std::ios::binary);
  tls::CertificateChain c;
  c.der.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  c.count = 1;
  return c;
}
tls::ServerKeyExchange ske(std::uint16_t group) { return tls::ServerKeyExchange{group}; }
tls::NonTls text(const std::string& s) { return tls::NonTls{std::vector<std::uint8_t>(s.begin(), s.end())}; }

// TLS 1.2 ECDHE server flight: ServerHello, Certificate, ServerKeyExchange, ServerHelloDone.
FlowScript& tls12_server_flight(FlowScript& f, std::uint16_t version = 0x0303, std::uint16_t suite = 0xc02f) {
  return f.server(server_hello(version, suite)).server(chain(2)).server(ske(0x001d)).server(seen(14, 0));
}
// Client's second flight: ClientKeyExchange, ChangeCipherSpec, Finished.
FlowScript& tls12_client_finish(FlowScript& f) {
  return f.client(seen(16, 33)).client(tls::ChangeCipherSpec{}).client(protected_record(40, 22));
}
// TLS 1.3 server flight: ServerHello, CCS, EncryptedExtensions + Certificate + CertificateVerify
// + Finished as protected records.
FlowScript& tls13_server_flight(FlowScript& f, bool resumed = false) {
  f.server(server_hello13(resumed)).server(tls::ChangeCipherSpec{});
  if (resumed) return f.server(protected_record(40)).server(protected_record(53));
  return f.server(protected_record(25)).server(protected_record(1400)).server(protected_record(286)).server(protected_record(53));
}

// The same flight decrypted with a key log: each protected record, then what it held.
FlowScript& tls13_server_flight_decrypted(FlowScript& f, bool request_certificate = false) {
  f.server(server_hello13()).server(tls::ChangeCipherSpec{}).server(decrypted());
  f.server(protected_record(25)).server(seen(8, 6));
  if (request_certificate) f.server(protected_record(60)).server(tls::CertificateRequest{});
  f.server(protected_record(1400)).server(chain(1)).server(protected_record(286)).server(seen(15, 264));
  return f.server(protected_record(53)).server(seen(20, 32));
}

// ---- scenarios ------------------------------------------------------------------------------

struct Expect {
  std::string rule;
  Status status;
  RejectedBy rejected_by;
  Reason reason;
  Confidence confidence;
  std::vector<std::string> mentions;  // in the explanation
};

struct Scenario {
  std::string name;
  std::function<std::optional<FlowRecord>()> flow;
  Expect expect;
};

std::vector<Scenario> scenarios() {
  std::vector<Scenario> all;
  auto add = [&](std::string name, std::function<std::optional<FlowRecord>()> flow, Expect e) {
    all.push_back(Scenario{std::move(name), std::move(flow), std::move(e)});
  };

  // ---- one_sided_capture
  add("client side only, the client went on past its hello",
      [] {
        FlowScript f({.syn = true, .syn_ack = false});
        f.client(hello12("one.example"));
        tls12_client_finish(f).client(protected_record(200));
        return f.finish(CloseReason::EndOfCapture);
      },
      {"one_sided_capture", Status::Incomplete, RejectedBy::Unknown, Reason::OneSidedCapture, Confidence::Certain,
       {"only the client"}});
  add("server side only",
      [] {
        FlowScript f({.syn = false, .syn_ack = false});
        tls12_server_flight(f).server(tls::ChangeCipherSpec{}).server(protected_record(40, 22));
        return f.finish(CloseReason::EndOfCapture);
      },
      {"one_sided_capture", Status::Incomplete, RejectedBy::Unknown, Reason::OneSidedCapture, Confidence::Certain,
       {"only the server"}});

  // ---- client_alert_after_handshake
  add("TLS 1.3 client alert after its Finished, then close",
      [] {
        FlowScript f;
        f.client(hello13("api.example"));
        tls13_server_flight(f).client(tls::ChangeCipherSpec{}).client(protected_record(53)).client(protected_record(19));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"client_alert_after_handshake", Status::Failed, RejectedBy::Client, Reason::EncryptedAlert, Confidence::Likely,
       {"TLS 1.3", "api.example", "alert"}});

  // ---- certificate_rejected_after_handshake
  add("TLS 1.2: the client completes the handshake, then closes with an alert over a wrong name",
      [] {
        FlowScript f;
        f.client(hello12("shop.example"));
        f.server(server_hello(0x0303, 0xc02f)).server(real_chain("wronghost")).server(ske(0x001d)).server(seen(14, 0));
        tls12_client_finish(f).server(seen(4, 170)).server(tls::ChangeCipherSpec{}).server(protected_record(40, 22));
        f.client(encrypted_alert());
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"certificate_rejected_after_handshake", Status::Failed, RejectedBy::Client, Reason::CertificateHostnameMismatch,
       Confidence::Likely, {"completed", "shop.example", "without sending any data"}});
  add("TLS 1.2: the same close after data is a normal end, even over a wrong name",
      [] {
        FlowScript f;
        f.client(hello12("shop.example"));
        f.server(server_hello(0x0303, 0xc02f)).server(real_chain("wronghost")).server(ske(0x001d)).server(seen(14, 0));
        tls12_client_finish(f).server(seen(4, 170)).server(tls::ChangeCipherSpec{}).server(protected_record(40, 22));
        f.client(protected_record(300)).server(protected_record(900)).client(encrypted_alert());
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"established", Status::Ok, RejectedBy::None, Reason::Ok, Confidence::Certain, {"TLS 1.2"}});

  // ---- established
  add("TLS 1.2 full handshake",
      [] {
        FlowScript f;
        f.client(hello12("shop.example"));
        tls12_server_flight(f);
        tls12_client_finish(f).server(seen(4, 170)).server(tls::ChangeCipherSpec{}).server(protected_record(40, 22));
        f.client(protected_record(300)).server(protected_record(900)).client(encrypted_alert());
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"established", Status::Ok, RejectedBy::None, Reason::Ok, Confidence::Certain,
       {"TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}});
  add("TLS 1.2 resumed (abbreviated handshake)",
      [] {
        FlowScript f;
        f.client(hello12("shop.example"))
            .server(server_hello(0x0303, 0xc030))
            .server(tls::ChangeCipherSpec{})
            .server(protected_record(40, 22))
            .client(tls::ChangeCipherSpec{})
            .client(protected_record(40, 22))
            .client(protected_record(120))
            .server(protected_record(400));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"established", Status::Ok, RejectedBy::None, Reason::Ok, Confidence::Certain,
       {"TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "resumed"}});
  add("TLS 1.3 full handshake",
      [] {
        FlowScript f;
        f.client(hello13("www.example"));
        tls13_server_flight(f).client(tls::ChangeCipherSpec{}).client(protected_record(53)).client(protected_record(90));
        f.server(protected_record(250)).server(protected_record(250)).server(protected_record(700));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"established", Status::Ok, RejectedBy::None, Reason::Ok, Confidence::Certain,
       {"TLS 1.3", "TLS_AES_128_GCM_SHA256"}});
  add("TLS 1.3 resumed with a PSK",
      [] {
        FlowScript f;
        f.client(hello13("www.example"));
        tls13_server_flight(f, /*resumed=*/true).client(protected_record(53)).client(protected_record(90));
        f.server(protected_record(700));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"established", Status::Ok, RejectedBy::None, Reason::Ok, Confidence::Certain, {"TLS 1.3", "resumed"}});

  // ---- server_malformed_reply
  add("server answers with bytes that are not a valid TLS record",
      [] {
        FlowScript f;
        f.client(hello13("broken.example")).server(tls::Malformed{"record", Errc::BadHeader, 0});
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"server_malformed_reply", Status::Failed, RejectedBy::Server, Reason::ProtocolError, Confidence::Likely,
       {"broken.example"}});

  // ---- tls_to_plaintext_port
  add("ClientHello answered by an HTTP server",
      [] {
        FlowScript f({.server_port = 80});
        f.client(hello13("plain.example")).server(text("HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n"));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"tls_to_plaintext_port", Status::Failed, RejectedBy::Server, Reason::TlsToPlaintextPort, Confidence::Certain,
       {"port 80", "HTTP/1.1 400 Bad Request", "plain.example"}});

  // ---- plaintext_to_tls_port
  add("HTTP request answered by a TLS alert",
      [] {
        FlowScript f;
        f.client(text("GET / HTTP/1.1\r\nHost: secure.example\r\n\r\n")).server(alert(10));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_to_tls_port", Status::Failed, RejectedBy::Server, Reason::PlaintextToTlsPort, Confidence::Certain,
       {"GET / HTTP/1.1", "port 443", "a TLS alert"}});
  add("HTTP request answered by nginx's 400 page for plain HTTP on an HTTPS port",
      [] {
        FlowScript f({.server_port = 8443});
        f.client(text("GET / HTTP/1.1\r\nHost: secure.example\r\n\r\n"))
            .server(text("HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n<html>The plain HTTP request was sent to HTTPS port"));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_to_tls_port", Status::Failed, RejectedBy::Server, Reason::PlaintextToTlsPort, Confidence::Certain,
       {"GET / HTTP/1.1", "8443", "HTTP/1.1 400 Bad Request"}});
  add("HTTP request closed silently by a server on an unusual port",
      [] {
        FlowScript f({.server_port = 9000});
        f.client(text("GET /health HTTP/1.1\r\nHost: svc.example\r\n\r\n"));
        return f.at(10'000).fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_to_tls_port", Status::Failed, RejectedBy::Server, Reason::PlaintextToTlsPort, Confidence::Likely,
       {"GET /health HTTP/1.1", "9000", "nothing"}});

  // ---- non_tls_traffic
  add("SSH on port 443",
      [] {
        FlowScript f;
        f.server(text("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")).client(text("SSH-2.0-OpenSSH_9.6\r\n"));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"non_tls_traffic", Status::Failed, RejectedBy::Unknown, Reason::NonTlsTraffic, Confidence::Likely,
       {"port 443", "SSH-2.0-OpenSSH_9.6"}});

  // ---- plaintext_fatal_alert
  add("server refuses a TLS 1.0-only client with protocol_version",
      [] {
        FlowScript f;
        f.client(hello10()).server(alert(70));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Server, Reason::ProtocolVersionMismatch, Confidence::Certain,
       {"TLS 1.0", "protocol_version", "newer version"}});
  add("server handshake_failure to a client with usual groups: no shared cipher",
      [] {
        FlowScript f;
        f.client(hello12("legacy.example")).server(alert(40));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Server, Reason::NoSharedCipher, Confidence::Likely,
       {"handshake_failure", "among the 3", "legacy.example"}});
  add("server handshake_failure to a client offering only unusual groups",
      [] {
        FlowScript f;
        tls::ClientHello h = hello13("pq.example");
        h.groups = {0x0019, 0x001e};  // secp521r1, x448
        h.key_share_groups = {0x0019};
        f.client(h).server(alert(40));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Server, Reason::NoSharedGroup, Confidence::Likely,
       {"handshake_failure", "secp521r1", "x448"}});
  add("TLS 1.3 client answers a TLS 1.0 ServerHello with internal_error",
      [] {
        FlowScript f;
        f.client(hello13("old.example"));
        tls12_server_flight(f, 0x0301, 0x002f).client(alert(80));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Client, Reason::ProtocolVersionMismatch, Confidence::Likely,
       {"TLS 1.0", "internal_error", "TLS 1.3"}});
  add("client handshake_failure to a suite it did not offer",
      [] {
        FlowScript f;
        f.client(hello12("odd.example"));
        tls12_server_flight(f, 0x0303, 0x009c).client(alert(40));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Client, Reason::NoSharedCipher, Confidence::Likely,
       {"TLS_RSA_WITH_AES_128_GCM_SHA256", "did not offer", "handshake_failure"}});
  add("client handshake_failure to a suite it offered: nothing more to infer",
      [] {
        FlowScript f;
        f.client(hello12("odd.example"));
        tls12_server_flight(f).client(alert(40));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Client, Reason::OtherAlert, Confidence::Certain,
       {"client", "handshake_failure"}});
  const struct {
    std::uint8_t code;
    const char* name;
    Reason reason;
  } cert_alerts[] = {
      {42, "bad_certificate", Reason::CertificateRejected},
      {44, "certificate_revoked", Reason::CertificateRevoked},
      {45, "certificate_expired", Reason::CertificateExpired},
      {48, "unknown_ca", Reason::CertificateUntrusted},
  };
  for (const auto& c : cert_alerts) {
    add(std::string("client rejects the server certificate with ") + c.name,
        [code = c.code] {
          FlowScript f;
          f.client(hello12("intranet.example"));
          tls12_server_flight(f).client(alert(code));
          return f.fin(kC2S).fin(kS2C).finish();
        },
        {"plaintext_fatal_alert", Status::Failed, RejectedBy::Client, c.reason, Confidence::Certain,
         {"client rejected the server's certificate", "intranet.example", c.name}});
  }
  add("server unrecognized_name",
      [] {
        FlowScript f;
        f.client(hello13("unknown-vhost.example")).server(alert(112));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Server, Reason::SniUnrecognizedName, Confidence::Certain,
       {"unknown-vhost.example", "unrecognized_name"}});
  add("server no_application_protocol",
      [] {
        FlowScript f;
        f.client(hello13("grpc.example")).server(alert(120));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Server, Reason::AlpnMismatch, Confidence::Certain,
       {"h2, http/1.1", "no_application_protocol"}});
  add("server inappropriate_fallback to a TLS 1.1 retry with the SCSV",
      [] {
        FlowScript f;
        tls::ClientHello h = hello10();
        h.legacy_version = 0x0302;
        h.cipher_suites.push_back(0x5600);
        h.fallback_scsv = true;
        f.client(h).server(alert(86));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Server, Reason::InappropriateFallback, Confidence::Certain,
       {"TLS 1.1", "TLS_FALLBACK_SCSV", "inappropriate_fallback"}});
  add("TLS 1.2 server requires a client certificate, gets an empty one",
      [] {
        FlowScript f;
        f.client(hello12("mtls.example"))
            .server(server_hello(0x0303, 0xc02f))
            .server(chain(1))
            .server(ske(0x001d))
            .server(tls::CertificateRequest{{0x0804}})
            .server(seen(14, 0))
            .client(chain(0));
        tls12_client_finish(f).server(alert(40));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Server, Reason::ClientCertificateRequired, Confidence::Likely,
       {"client certificate", "empty", "handshake_failure"}});
  add("server decode_error",
      [] {
        FlowScript f;
        f.client(hello13("fuzz.example")).server(alert(50));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Server, Reason::ProtocolError, Confidence::Certain,
       {"decode_error", "malformed"}});
  add("server insufficient_security",
      [] {
        FlowScript f;
        f.client(hello12("weak.example")).server(alert(71));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Server, Reason::InsufficientSecurity, Confidence::Certain,
       {"insufficient_security", "too weak"}});
  add("server access_denied: an alert without a specific meaning",
      [] {
        FlowScript f;
        f.client(hello13("acl.example")).server(alert(49));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Server, Reason::OtherAlert, Confidence::Certain,
       {"access_denied (49)"}});

  // ---- decrypted TLS 1.3 (key log): the alerts are read, nothing is inferred from sizes
  add("TLS 1.3 decrypted: full handshake",
      [] {
        FlowScript f;
        f.client(hello13("keys.example"));
        tls13_server_flight_decrypted(f).client(tls::ChangeCipherSpec{}).client(decrypted());
        f.client(protected_record(53)).client(seen(20, 32)).client(protected_record(19));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"established", Status::Ok, RejectedBy::None, Reason::Ok, Confidence::Certain, {"TLS 1.3"}});
  add("TLS 1.3 decrypted: the client rejects the server's chain with unknown_ca",
      [] {
        FlowScript f;
        f.client(hello13("keys.example"));
        tls13_server_flight_decrypted(f).client(tls::ChangeCipherSpec{}).client(decrypted()).client(decrypted_alert(48));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Client, Reason::CertificateUntrusted, Confidence::Certain,
       {"unknown_ca", "decrypted"}});
  add("TLS 1.3 decrypted: the client's alert after its Finished is read, not guessed",
      [] {
        FlowScript f;
        f.client(hello13("keys.example"));
        tls13_server_flight_decrypted(f).client(decrypted()).client(protected_record(53)).client(seen(20, 32));
        f.at(5).client(decrypted_alert(42));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Client, Reason::CertificateRejected, Confidence::Certain,
       {"bad_certificate"}});
  add("TLS 1.3 decrypted: certificate_required after an empty client Certificate",
      [] {
        FlowScript f;
        f.client(hello13("mtls13.example"));
        tls13_server_flight_decrypted(f, /*request_certificate=*/true).client(decrypted());
        f.client(protected_record(25)).client(chain(0)).client(protected_record(53)).client(seen(20, 32));
        f.server(decrypted_alert(116));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"plaintext_fatal_alert", Status::Failed, RejectedBy::Server, Reason::ClientCertificateRequired,
       Confidence::Certain, {"certificate_required"}});
  add("TLS 1.3 with only the server's records decrypted: the client's abort is still inferred",
      [] {
        FlowScript f;
        f.client(hello13("half.example"));
        tls13_server_flight_decrypted(f).client(tls::ChangeCipherSpec{}).client(protected_record(19));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"tls13_client_abort", Status::Failed, RejectedBy::Client, Reason::EncryptedAlert, Confidence::Likely,
       {"19-byte"}});

  // ---- tls13_client_abort
  add("TLS 1.3 client answers the server flight with one alert-sized record",
      [] {
        FlowScript f;
        f.client(hello13("self-signed.example"));
        tls13_server_flight(f).client(tls::ChangeCipherSpec{}).client(protected_record(19));
        return f.fin(kC2S).fin(kS2C).finish();
      },
      {"tls13_client_abort", Status::Failed, RejectedBy::Client, Reason::EncryptedAlert, Confidence::Likely,
       {"19-byte", "certificate", "self-signed.example"}});

  // ---- tls13_server_abort
  add("TLS 1.3 server aborts after an empty client Certificate",
      [] {
        FlowScript f;
        f.client(hello13("mtls13.example"));
        tls13_server_flight(f).client(tls::ChangeCipherSpec{}).client(protected_record(25)).client(protected_record(53));
        f.server(protected_record(19));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"tls13_server_abort", Status::Failed, RejectedBy::Server, Reason::ClientCertificateRequired, Confidence::Likely,
       {"25-byte", "client certificate"}});
  add("TLS 1.3 server aborts after the client's certificate",
      [] {
        FlowScript f;
        f.client(hello13("mtls13.example"));
        tls13_server_flight(f).client(protected_record(900)).client(protected_record(280)).client(protected_record(53));
        f.server(protected_record(19));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"tls13_server_abort", Status::Failed, RejectedBy::Server, Reason::CertificateRejected, Confidence::Likely,
       {"900-byte", "certificate"}});
  add("TLS 1.3 server aborts after the client's Finished",
      [] {
        FlowScript f;
        f.client(hello13("strict.example"));
        tls13_server_flight(f).client(protected_record(53));
        f.server(protected_record(19));
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"tls13_server_abort", Status::Failed, RejectedBy::Server, Reason::EncryptedAlert, Confidence::Likely,
       {"alert-sized"}});

  // ---- encrypted_alert
  add("TLS 1.2 server sends an encrypted alert after its ChangeCipherSpec",
      [] {
        FlowScript f;
        f.client(hello12("enc.example"));
        tls12_server_flight(f);
        tls12_client_finish(f).server(tls::ChangeCipherSpec{}).server(encrypted_alert());
        return f.fin(kS2C).fin(kC2S).finish();
      },
      {"encrypted_alert", Status::Failed, RejectedBy::Server, Reason::EncryptedAlert, Confidence::Likely,
       {"server", "encrypted alert"}});

  // ---- truncated
  add("segments lost in the server's flight",
      [] {
        FlowScript f;
        f.client(hello12("lossy.example")).server(server_hello(0x0303, 0xc02f)).gap(kS2C, 1200);
        return f.finish(CloseReason::EndOfCapture);
      },
      {"truncated", Status::Incomplete, RejectedBy::Unknown, Reason::CaptureTruncated, Confidence::Certain, {"missing"}});
  add("a record cut off by the end of the capture",
      [] {
        FlowScript f;
        f.client(hello12("cut.example")).server(server_hello(0x0303, 0xc02f));
        f.server(tls::Malformed{"record", Errc::Truncated, 105});
        return f.finish(CloseReason::EndOfCapture);
      },
      {"truncated", Status::Incomplete, RejectedBy::Unknown, Reason::CaptureTruncated, Confidence::Certain, {"missing"}});

  // ---- reset
  add("server resets right after the ClientHello",
      [] {
        FlowScript f;
        f.client(hello13("reset.example")).rst(kS2C);
        return f.finish(CloseReason::Rst);
      },
      {"reset", Status::Failed, RejectedBy::Server, Reason::TcpReset, Confidence::Certain,
       {"right after the ClientHello", "reset.example"}});
  add("reset with a TTL unlike the server's earlier packets: injected",
      [] {
        FlowScript f;
        f.client(hello13("blocked.example")).rst(kS2C, 64);  // the server's packets came with TTL 57
        return f.finish(CloseReason::Rst);
      },
      {"reset", Status::Failed, RejectedBy::Network, Reason::TcpReset, Confidence::Likely,
       {"TTL 64", "TTL 57", "injected"}});
  add("client resets after the ServerHello",
      [] {
        FlowScript f;
        f.client(hello12("gone.example"));
        tls12_server_flight(f).rst(kC2S);
        return f.finish(CloseReason::Rst);
      },
      {"reset", Status::Failed, RejectedBy::Client, Reason::ClientAbort, Confidence::Likely,
       {"client reset", "during the handshake"}});

  // ---- no_server_response
  add("server closes without a byte",
      [] {
        FlowScript f;
        f.client(hello13("silent.example")).at(5'001).fin(kS2C).fin(kC2S);
        return f.finish();
      },
      {"no_server_response", Status::Failed, RejectedBy::Server, Reason::NoServerResponse, Confidence::Likely,
       {"server closed", "5.0 s", "silent.example"}});
  add("client gives up waiting",
      [] {
        FlowScript f;
        f.client(hello13("slow.example")).at(30'002).fin(kC2S);
        return f.finish(CloseReason::EndOfCapture);
      },
      {"no_server_response", Status::Failed, RejectedBy::Server, Reason::NoServerResponse, Confidence::Likely,
       {"never answered", "gave up after 30.0 s", "slow.example"}});
  add("capture ends while waiting",
      [] {
        FlowScript f;
        f.client(hello13("wait.example"));
        return f.finish(CloseReason::EndOfCapture);
      },
      {"no_server_response", Status::Incomplete, RejectedBy::Unknown, Reason::NoServerResponse, Confidence::Unknown,
       {"capture ended"}});
  add("live: the flow times out while waiting",
      [] {
        FlowScript f;
        f.client(hello13("wait.example"));
        return f.finish(CloseReason::Timeout);
      },
      {"no_server_response", Status::Incomplete, RejectedBy::Unknown, Reason::NoServerResponse, Confidence::Unknown,
       {"flow timeout"}});

  // ---- client_closed
  add("client closes after the server flight without an alert",
      [] {
        FlowScript f;
        f.client(hello12("quiet.example"));
        tls12_server_flight(f).fin(kC2S).fin(kS2C);
        return f.finish();
      },
      {"client_closed", Status::Failed, RejectedBy::Client, Reason::ClientAbort, Confidence::Likely,
       {"ServerHello", "without sending an alert"}});

  // ---- server_closed
  add("server closes mid-handshake without an alert",
      [] {
        FlowScript f;
        f.client(hello12("flaky.example"));
        tls12_server_flight(f);
        tls12_client_finish(f).fin(kS2C);
        return f.finish(CloseReason::EndOfCapture);
      },
      {"server_closed", Status::Failed, RejectedBy::Server, Reason::ProtocolError, Confidence::Unknown,
       {"server closed", "without an alert"}});

  // ---- unfinished
  add("capture ends mid-handshake",
      [] {
        FlowScript f;
        f.client(hello12("paused.example"));
        tls12_server_flight(f);
        return f.finish(CloseReason::EndOfCapture);
      },
      {"unfinished", Status::Incomplete, RejectedBy::Unknown, Reason::CaptureTruncated, Confidence::Unknown,
       {"capture ends before the handshake"}});
  add("connection picked up mid-stream",
      [] {
        FlowScript f({.syn = false, .syn_ack = false});
        f.client(protected_record(300)).server(protected_record(1200)).client(protected_record(80));
        return f.finish(CloseReason::EndOfCapture);
      },
      {"unfinished", Status::Incomplete, RejectedBy::Unknown, Reason::CaptureTruncated, Confidence::Unknown,
       {"does not contain", "ClientHello"}});
  // Finding 5 (docs/hostile-input.md): the bytes were captured; the reassembler's cap skipped them.
  add("reassembly cap gave up on the ClientHello",
      [] {
        FlowScript f;
        f.given_up(kC2S, 103).client(protected_record(300));
        return f.finish(CloseReason::EndOfCapture);
      },
      {"unfinished", Status::Incomplete, RejectedBy::Unknown, Reason::CaptureTruncated, Confidence::Unknown,
       {"buffer cap was hit", "103 bytes were given up"}});
  return all;
}

std::string rule_of(const Verdict& v) {
  return !v.evidence.empty() && v.evidence.front().starts_with("rule: ") ? v.evidence.front().substr(6) : "?";
}

void PrintTo(const Scenario& s, std::ostream* os) { *os << s.name; }

// One test per scenario, named after the rule it must trigger: VerdictRules/Scenarios.Verdict/<rule>_<n>.
class Scenarios : public ::testing::TestWithParam<Scenario> {};

TEST_P(Scenarios, Verdict) {
  const Scenario& s = GetParam();
  SCOPED_TRACE(s.name);
  const std::optional<FlowRecord> flow = s.flow();
  ASSERT_TRUE(flow.has_value()) << "the flow was not reported";
  const Verdict& v = flow->verdict;
  EXPECT_EQ(rule_of(v), s.expect.rule);
  EXPECT_EQ(name(v.status), name(s.expect.status));
  EXPECT_EQ(name(v.rejected_by), name(s.expect.rejected_by));
  EXPECT_EQ(name(v.reason), name(s.expect.reason));
  EXPECT_EQ(name(v.confidence), name(s.expect.confidence));
  for (const std::string& m : s.expect.mentions)
    EXPECT_NE(v.explanation.find(m), std::string::npos) << "\"" << m << "\" not in: " << v.explanation;
  EXPECT_EQ(v.remediation.empty(), v.status == Status::Ok);  // a failure always says what to change
  // An ok verdict is an established connection; a client that rejects the server only after
  // both Finished messages leaves the handshake complete but the connection failed.
  if (s.expect.rule != "client_alert_after_handshake" && s.expect.rule != "certificate_rejected_after_handshake") {
    EXPECT_EQ(flow->established, v.status == Status::Ok);
  }
}

std::string scenario_name(const ::testing::TestParamInfo<Scenario>& info) {
  return info.param.expect.rule + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(VerdictRules, Scenarios, ::testing::ValuesIn(scenarios()), scenario_name);

TEST(VerdictRules, EveryRuleHasAScenario) {
  std::set<std::string> covered;
  for (const Scenario& s : scenarios()) covered.insert(s.expect.rule);
  for (const VerdictRule& rule : verdict_rules()) EXPECT_TRUE(covered.contains(std::string(rule.name))) << rule.name;
  EXPECT_EQ(covered.size(), verdict_rules().size());
}

TEST(VerdictRules, ResumptionFlags) {
  for (const Scenario& s : scenarios()) {
    if (s.expect.rule != "established") continue;
    SCOPED_TRACE(s.name);
    const auto flow = s.flow();
    ASSERT_TRUE(flow.has_value());
    EXPECT_EQ(flow->resumed, s.name.find("resumed") != std::string::npos);
  }
}

// The verdict for an alert names the alert as evidence, with its packet number.
TEST(VerdictRules, AlertEvidence) {
  FlowScript f;
  f.client(hello10()).server(alert(70));
  const auto flow = f.fin(kS2C).finish();
  ASSERT_TRUE(flow.has_value());
  const auto& ev = flow->verdict.evidence;
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0], "rule: plaintext_fatal_alert");
  EXPECT_EQ(ev[1], "#4 server sent fatal protocol_version (70)");  // SYN, SYN-ACK, ClientHello, alert
}

// A warning alert is no rejection (RFC 8446 §6: only fatal alerts end the connection).
TEST(VerdictRules, WarningAlertIsNoRejection) {
  FlowScript f;
  f.client(hello12("warn.example")).server(alert(112, 1));
  tls12_server_flight(f);
  tls12_client_finish(f).server(seen(4, 170)).server(tls::ChangeCipherSpec{}).server(protected_record(40, 22));
  f.client(protected_record(100)).server(protected_record(100));
  const auto flow = f.fin(kC2S).fin(kS2C).finish();
  ASSERT_TRUE(flow.has_value());
  EXPECT_TRUE(flow->established);
  EXPECT_EQ(flow->verdict.status, Status::Ok);
}

TEST(VerdictRules, DowngradeSentinelIsEvidence) {
  FlowScript f;
  tls::ServerHello sh = server_hello(0x0303, 0xc02f);
  sh.downgrade_sentinel = true;
  f.client(hello13("down.example")).server(sh).server(chain(1)).server(ske(0x001d)).server(seen(14, 0));
  tls12_client_finish(f).server(tls::ChangeCipherSpec{}).server(protected_record(40, 22));
  f.client(protected_record(100)).server(protected_record(100));
  const auto flow = f.fin(kC2S).fin(kS2C).finish();
  ASSERT_TRUE(flow.has_value());
  EXPECT_EQ(flow->verdict.status, Status::Ok);
  const auto& ev = flow->verdict.evidence;
  EXPECT_NE(std::find_if(ev.begin(), ev.end(), [](const std::string& e) { return e.find("downgrade") != std::string::npos; }),
            ev.end());
}

Step step(StepKind kind, Direction sender, std::uint8_t content_type = 0, std::uint32_t length = 0) {
  Step s;
  s.kind = kind;
  s.sender = sender;
  s.content_type = content_type;
  s.length = length;
  return s;
}

// The remediation must fit the reason the verdict gives, also when that reason was inferred
// from a generic alert.
TEST(VerdictRules, RemediationFollowsTheInferredReason) {
  FlowScript f;
  f.client(hello13("old.example"));
  tls12_server_flight(f, 0x0301, 0x002f).client(alert(80));  // internal_error
  const auto flow = f.fin(kC2S).fin(kS2C).finish();
  ASSERT_TRUE(flow.has_value());
  ASSERT_EQ(flow->verdict.reason, Reason::ProtocolVersionMismatch);
  // internal_error has no meaning of its own: the remediation must follow the refined reason
  // (what to change about versions), not say "look up why the client sent internal_error".
  EXPECT_NE(flow->verdict.remediation.find("version"), std::string::npos) << flow->verdict.remediation;
}

// TLS 1.3 client abort while the server's flight is still arriving: the server sent
// EncryptedExtensions + Certificate, the client rejected the certificate at once (one 19-byte
// record) and closed, and the rest of the server's flight (CertificateVerify, Finished) was
// captured after that. A close in between means no established connection.
TEST(VerdictRules, Tls13ClientAbortBeforeTheServerFlightEnds) {
  FlowScript f;
  f.client(hello13("bigchain.example"))
      .server(server_hello13())
      .server(tls::ChangeCipherSpec{})
      .server(protected_record(25))
      .server(protected_record(9000))  // Certificate with a long chain
      .client(protected_record(19))
      .fin(kC2S)
      .server(protected_record(286))   // CertificateVerify
      .server(protected_record(53))    // Finished
      .rst(kS2C);
  const auto flow = f.finish(CloseReason::Rst);
  ASSERT_TRUE(flow.has_value());
  EXPECT_FALSE(flow->established);
  EXPECT_EQ(flow->verdict.status, Status::Failed);
  EXPECT_EQ(flow->verdict.rejected_by, RejectedBy::Client);
  EXPECT_EQ(flow->verdict.reason, Reason::EncryptedAlert);
}

// finalize() on a FlowRecord built by hand (no Correlator): TLS 1.2 both CCS + Finished.
TEST(Finalize, HandBuiltTls12Record) {
  FlowRecord f;
  f.server = endpoint(20, 443);
  f.client_hello = hello12("hand.example");
  f.server_hello = server_hello(0x0303, 0xc02f);
  f.certificate_count = 1;
  f.history = "CsxknGIti";
  f.steps = {step(StepKind::ClientHello, kC2S),       step(StepKind::ServerHello, kS2C),
             step(StepKind::ChangeCipherSpec, kC2S),  step(StepKind::EncryptedRecord, kC2S, 22, 40),
             step(StepKind::ChangeCipherSpec, kS2C),  step(StepKind::EncryptedRecord, kS2C, 22, 40)};
  f.encrypted[0].handshake_records = 1;
  f.encrypted[1].handshake_records = 1;
  f.stats.dir[0].packets = f.stats.dir[1].packets = 4;
  f.stats.dir[0].payload_bytes = f.stats.dir[1].payload_bytes = 500;
  finalize(f);
  EXPECT_TRUE(f.established);
  EXPECT_FALSE(f.resumed);
  EXPECT_EQ(f.verdict.reason, Reason::Ok);

  // Without the server's Finished it is not established.
  f.encrypted[1].handshake_records = 0;
  finalize(f);
  EXPECT_FALSE(f.established);
  EXPECT_NE(f.verdict.status, Status::Ok);
}

// ---- tls13_outcome ----------------------------------------------------------------------------

FlowRecord tls13_steps(std::vector<Step> after_server_hello) {
  FlowRecord f;
  f.steps = {step(StepKind::ClientHello, kC2S), step(StepKind::ServerHello, kS2C),
             step(StepKind::EncryptedRecord, kS2C, 23, 1500), step(StepKind::EncryptedRecord, kS2C, 23, 53)};
  f.steps.insert(f.steps.end(), after_server_hello.begin(), after_server_hello.end());
  return f;
}
Step rec(Direction d, std::uint32_t length) { return step(StepKind::EncryptedRecord, d, 23, length); }
Step end(Direction d) { return step(StepKind::Fin, d); }

TEST(Tls13Outcome, ClientAbortIsOneAlertSizedRecord) {
  // RFC 8446 §5.2: an alert record is 2 bytes + content type + AEAD tag (16) = 19 bytes of payload.
  const auto o = tls13_outcome(tls13_steps({rec(kC2S, 19), end(kC2S)}));
  EXPECT_TRUE(o.client_finished_flight);
  EXPECT_TRUE(o.client_aborted);
  EXPECT_FALSE(o.server_aborted);
  EXPECT_EQ(o.first_client_record, 19u);
}

TEST(Tls13Outcome, FinishedIsNoAbort) {
  // A Finished with SHA-256: 4 + 32 + 1 + 16 = 53 bytes.
  const auto o = tls13_outcome(tls13_steps({rec(kC2S, 53), rec(kS2C, 300), rec(kC2S, 100)}));
  EXPECT_TRUE(o.client_finished_flight);
  EXPECT_FALSE(o.client_aborted);
  EXPECT_FALSE(o.server_aborted);
  EXPECT_TRUE(o.data_after_handshake);
}

TEST(Tls13Outcome, ServerAbortAfterTheClientFlight) {
  const auto o = tls13_outcome(tls13_steps({rec(kC2S, 25), rec(kC2S, 53), rec(kS2C, 19), end(kS2C)}));
  EXPECT_TRUE(o.server_aborted);
  EXPECT_EQ(o.client_flight_records, 2u);
  EXPECT_EQ(o.first_client_record, 25u);
  EXPECT_FALSE(o.data_after_handshake);
}

TEST(Tls13Outcome, NoClientRecordsNoOutcome) {
  const auto o = tls13_outcome(tls13_steps({end(kC2S)}));
  EXPECT_FALSE(o.client_finished_flight);
  EXPECT_FALSE(o.client_aborted);
  EXPECT_FALSE(o.server_aborted);
}

TEST(Tls13Outcome, AlertAfterFinished) {
  const auto o = tls13_outcome(tls13_steps({rec(kC2S, 53), rec(kC2S, 19), end(kC2S)}));
  EXPECT_TRUE(o.client_alert_after_finished);
  EXPECT_FALSE(o.client_aborted);
}

}  // namespace
}  // namespace tlsdiag::analysis
