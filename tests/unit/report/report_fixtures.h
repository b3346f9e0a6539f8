#pragma once
// Hand-built FlowRecords and InputResults for the report tests: one per kind of outcome the
// reports must render. Values are what the analysis stage would produce for such a capture.
#include <arpa/inet.h>

#include <string>
#include <vector>

#include "tlsdiag/analysis/flow_record.h"
#include "tlsdiag/analysis/flow_sink.h"

namespace tlsdiag::report::fixtures {

using analysis::AlertRecord;
using analysis::Confidence;
using analysis::FlowRecord;
using analysis::Reason;
using analysis::RejectedBy;
using analysis::Status;
using analysis::TcpControl;
using reassembly::Direction;
using reassembly::TcpEventKind;

// 2024-01-02T03:04:05.123456789Z plus |ms| milliseconds.
inline Timestamp at_ms(std::int64_t ms) {
  return Timestamp::from_sec_nsec(1704164645, 123456789 + ms * 1'000'000);
}

inline net::Endpoint endpoint(const char* ip, std::uint16_t port) {
  net::Endpoint ep;
  ep.port = port;
  if (inet_pton(AF_INET, ip, ep.ip.bytes.data()) == 1) {
    ep.ip.family = 4;
  } else {
    inet_pton(AF_INET6, ip, ep.ip.bytes.data());
    ep.ip.family = 6;
  }
  return ep;
}

inline TcpControl control(TcpEventKind kind, Direction sender, std::int64_t ms, std::uint8_t ttl,
                          std::uint64_t packet) {
  TcpControl c;
  c.kind = kind;
  c.sender = sender;
  c.ts = at_ms(ms);
  c.ttl = ttl;
  c.packet_number = packet;
  return c;
}

inline FlowRecord base_flow(const char* client, const char* server, std::uint64_t first_packet) {
  FlowRecord f;
  f.source_file = "capture.pcap";
  f.first_packet = first_packet;
  f.client = endpoint(client, 51000);
  f.server = endpoint(server, 443);
  f.first_seen = at_ms(0);
  f.last_seen = at_ms(250);
  f.syn_seen = true;
  f.tcp_events.push_back(control(TcpEventKind::Syn, Direction::ClientToServer, 0, 64, first_packet));
  f.tcp_events.push_back(control(TcpEventKind::SynAck, Direction::ServerToClient, 10, 57, first_packet + 1));
  return f;
}

inline tls::ClientHello modern_client_hello(const char* sni) {
  tls::ClientHello ch;
  ch.record_version = 0x0301;
  ch.legacy_version = 0x0303;
  ch.session_id_length = 32;
  ch.cipher_suites = {0x1a1a, 0x1301, 0x1302, 0xc02f};  // GREASE first, as Chrome sends it
  ch.compression_methods = {0};
  ch.extensions = {0x0a0a, 0x0000, 0x0010, 0x000a, 0x000d, 0x002b, 0x0033};
  ch.supported_versions = {0x2a2a, 0x0303, 0x0304};  // lowest first: the report sorts
  ch.sni = sni;
  ch.alpn = {"h2", "http/1.1"};
  ch.groups = {0x001d, 0x0017};
  ch.signature_algorithms = {0x0804, 0x0403};
  ch.key_share_groups = {0x001d};
  ch.psk_key_exchange_modes = {1};
  ch.message_length = 508;
  return ch;
}

// TLS 1.3 handshake that completed.
inline FlowRecord tls13_success() {
  FlowRecord f = base_flow("192.0.2.10", "192.0.2.1", 1);
  f.client_hello = modern_client_hello("example.com");
  tls::ServerHello sh;
  sh.record_version = 0x0303;
  sh.legacy_version = 0x0303;
  sh.selected_version = 0x0304;
  sh.cipher_suite = 0x1301;
  sh.extensions = {0x002b, 0x0033};
  sh.key_share_group = 0x001d;
  sh.alpn = "h2";
  f.server_hello = sh;
  f.history = "CSsiFf";
  f.established = true;
  f.stats.dir[0].payload_bytes = 900;
  f.stats.dir[1].payload_bytes = 4200;
  f.verdict = {Status::Ok, RejectedBy::None, Reason::Ok, Confidence::Certain,
               "The TLS 1.3 handshake completed.", "", {}};
  return f;
}

// A TLS 1.0-only client refused by the server with a plaintext protocol_version alert.
inline FlowRecord version_rejected() {
  FlowRecord f = base_flow("192.0.2.10", "192.0.2.1", 11);
  tls::ClientHello ch;
  ch.record_version = 0x0301;
  ch.legacy_version = 0x0301;
  ch.cipher_suites = {0x002f, 0x0035, 0x000a};
  ch.compression_methods = {0};
  ch.extensions = {0x0000, 0xff01};
  ch.sni = "example.com";
  ch.renegotiation_info = true;
  f.client_hello = ch;
  AlertRecord a;
  a.sender = Direction::ServerToClient;
  a.level = 2;
  a.description = 70;
  a.ts = at_ms(20);
  a.packet_number = 16;
  f.alerts.push_back(a);
  f.tcp_events.push_back(control(TcpEventKind::Fin, Direction::ServerToClient, 21, 57, 17));
  f.history = "Ca";
  f.close_reason = reassembly::CloseReason::Fin;
  f.verdict = {Status::Failed, RejectedBy::Server, Reason::ProtocolVersionMismatch, Confidence::Certain,
               "The server rejected the client's highest version TLS 1.0 with a protocol_version alert; "
               "it requires a newer version.",
               "Enable TLS 1.2 or TLS 1.3 on the client.",
               {"#16 server alert fatal protocol_version"}};
  return f;
}

// TLS 1.3 over IPv6: the client answers the server's encrypted flight with one short encrypted
// record and closes, most likely rejecting the certificate.
inline FlowRecord encrypted_alert_v6() {
  FlowRecord f = base_flow("2001:db8::10", "2001:db8::1", 21);
  f.client_hello = modern_client_hello("internal.example");
  tls::ServerHello sh;
  sh.legacy_version = 0x0303;
  sh.selected_version = 0x0304;
  sh.cipher_suite = 0x1302;
  sh.key_share_group = 0x001d;
  f.server_hello = sh;
  AlertRecord a;
  a.sender = Direction::ClientToServer;
  a.encrypted = true;
  a.ts = at_ms(40);
  a.packet_number = 27;
  f.alerts.push_back(a);
  f.encrypted[0].application_records = 1;
  f.encrypted[0].bytes = 24;
  f.encrypted[0].first_sizes = {24};
  f.encrypted[1].handshake_records = 4;
  f.encrypted[1].bytes = 3800;
  f.encrypted[1].first_sizes = {32, 3100, 290, 58};
  f.history = "CSsexX";
  f.verdict = {Status::Failed, RejectedBy::Client, Reason::CertificateRejected, Confidence::Likely,
               "The client closed the connection with a short encrypted record right after the "
               "server's encrypted flight; it most likely rejected the server certificate.",
               "Check that the client trusts the server's certificate chain and that the name matches.",
               {"#27 client encrypted record of 24 bytes, then FIN"}};
  return f;
}

// An SSH server on 443: the client's ClientHello never came, only a banner from the server.
inline FlowRecord non_tls() {
  FlowRecord f = base_flow("192.0.2.20", "192.0.2.2", 31);
  const std::string banner = "SSH-2.0-OpenSSH_9.2\r\n";
  f.non_tls_prefix[1].assign(banner.begin(), banner.end());
  f.stats.dir[1].payload_bytes = banner.size();
  f.verdict = {Status::Failed, RejectedBy::Unknown, Reason::NonTlsTraffic, Confidence::Likely,
               "The server spoke SSH, not TLS.", "Point the client at the TLS port.", {}};
  return f;
}

// IPv6, ClientHello seen, then the capture ended.
inline FlowRecord truncated_v6() {
  FlowRecord f = base_flow("2001:db8::20", "2001:db8::1", 41);
  f.client_hello = modern_client_hello("");
  f.history = "C";
  f.stats.dir[0].gaps = 1;
  f.stats.dir[0].gap_bytes = 1448;
  f.notes = {"client: gap of 1448 bytes after byte 517"};
  f.verdict = {Status::Incomplete, RejectedBy::Unknown, Reason::CaptureTruncated, Confidence::Unknown,
               "The capture ended before the server answered the ClientHello.", "", {}};
  return f;
}

inline std::vector<FlowRecord> all_flows() {
  return {tls13_success(), version_rejected(), encrypted_alert_v6(), non_tls(), truncated_v6()};
}

inline analysis::InputResult good_input() {
  analysis::InputResult r;
  r.info = {"capture.pcap", "pcap", 1, "EN10MB", 262144, false, "", {}, {}};
  r.stats.packets = 120;
  r.stats.bytes = 64000;
  r.stats.wire_bytes = 64000;
  r.stats.tcp_packets = 110;
  r.stats.non_tcp = 10;
  r.stats.flows_seen = 5;
  return r;
}

inline analysis::InputResult broken_input() {
  analysis::InputResult r;
  r.info = {"broken.pcap", "pcap", 1, "EN10MB", 65535, true, "", {}, {}};
  r.stats.packets = 3;
  r.stats.bytes = 900;
  r.stats.tcp_packets = 3;
  r.stats.truncated_packets = 1;
  r.error = "truncated record at byte 1234";
  r.error_offset = 1234;
  return r;
}

}  // namespace tlsdiag::report::fixtures
