#pragma once
// RecordingTlsSink: a TlsEventSink test double that records every call, in order.
//
//   RecordingTlsSink sink;
//   tls::Dissector dissector(sink);
//   ... feed the dissector ...
//   EXPECT_EQ(sink.tls_lines(), (std::vector<std::string>{"c2s ClientHello ...", "s2c Alert 2/40"}));
//   const auto hellos = sink.bodies<tls::ClientHello>();
//
// events keeps the TlsEvents themselves; log holds one line per call of any kind (lifecycle
// included), written by describe() with every field the dissector fills, so two event lists
// compare equal exactly when their lines do.
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "tlsdiag/tls/hello_parsers.h"
#include "tlsdiag/tls/tls_event_sink.h"

namespace tlsdiag::test {

namespace detail {
template <typename T>
void hex_list(std::ostringstream& os, const char* name, const std::vector<T>& values) {
  os << ' ' << name << "=[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) os << ',';
    os << std::hex << static_cast<unsigned>(values[i]) << std::dec;
  }
  os << ']';
}
inline void error(std::ostringstream& os, const char* name, const std::optional<ParseError>& e) {
  if (e) os << ' ' << name << '=' << errc_message(e->code) << '@' << e->offset;
}
}  // namespace detail

inline const char* direction_name(reassembly::Direction d) {
  return d == reassembly::Direction::ClientToServer ? "c2s" : "s2c";
}

inline std::string describe(const tls::ClientHello& h) {
  std::ostringstream os;
  os << "ClientHello rec=" << std::hex << h.record_version << " legacy=" << h.legacy_version << std::dec
     << (h.sslv2_format ? " sslv2" : "") << " sid=" << int{h.session_id_length} << " len=" << h.message_length;
  detail::hex_list(os, "suites", h.cipher_suites);
  detail::hex_list(os, "comp", h.compression_methods);
  detail::hex_list(os, "ext", h.extensions);
  detail::hex_list(os, "versions", h.supported_versions);
  os << " sni=" << h.sni << " alpn=[";
  for (std::size_t i = 0; i < h.alpn.size(); ++i) os << (i ? "," : "") << h.alpn[i];
  os << ']';
  detail::hex_list(os, "groups", h.groups);
  detail::hex_list(os, "pf", h.ec_point_formats);
  detail::hex_list(os, "sigs", h.signature_algorithms);
  detail::hex_list(os, "ks", h.key_share_groups);
  detail::hex_list(os, "pskm", h.psk_key_exchange_modes);
  os << " flags=" << h.pre_shared_key << h.early_data << h.renegotiation_info << h.extended_master_secret
     << h.session_ticket << h.encrypted_client_hello << h.fallback_scsv;
  detail::error(os, "ext_error", h.extensions_error);
  return os.str();
}

inline std::string describe(const tls::ServerHello& h) {
  std::ostringstream os;
  os << (h.hello_retry_request ? "HelloRetryRequest" : "ServerHello") << " rec=" << std::hex << h.record_version
     << " legacy=" << h.legacy_version << " selected=" << h.selected_version << " suite=" << h.cipher_suite
     << std::dec << " comp=" << int{h.compression_method} << " sid=" << int{h.session_id_length}
     << (h.downgrade_sentinel ? " downgrade" : "");
  detail::hex_list(os, "ext", h.extensions);
  if (h.key_share_group) os << " ks=" << std::hex << *h.key_share_group << std::dec;
  os << " alpn=" << h.alpn << " flags=" << h.pre_shared_key << h.extended_master_secret << h.renegotiation_info;
  detail::error(os, "ext_error", h.extensions_error);
  return os.str();
}

inline std::string describe(const tls::CertificateChain& c) {
  std::ostringstream os;
  os << "Certificate count=" << c.count << " len=" << c.message_length << " der=[";
  for (std::size_t i = 0; i < c.der.size(); ++i) os << (i ? "," : "") << c.der[i].size();
  os << ']';
  return os.str();
}

inline std::string describe(const tls::CertificateRequest& r) {
  std::ostringstream os;
  os << "CertificateRequest";
  detail::hex_list(os, "sigs", r.signature_algorithms);
  return os.str();
}

inline std::string describe(const tls::ServerKeyExchange& s) {
  std::ostringstream os;
  os << "ServerKeyExchange";
  if (s.named_group) os << " group=" << std::hex << *s.named_group;
  return os.str();
}

inline std::string describe(const tls::HandshakeSeen& s) {
  return "Handshake type=" + std::to_string(s.type) + " len=" + std::to_string(s.length);
}
inline std::string describe(const tls::ChangeCipherSpec&) { return "ChangeCipherSpec"; }
inline std::string describe(const tls::Alert& a) {
  if (!a.visible()) return "Alert encrypted";
  return std::string(a.decrypted ? "Alert decrypted " : "Alert ") + std::to_string(a.level) + "/" +
         std::to_string(a.description);
}
inline std::string describe(const tls::EncryptedRecord& r) {
  return "EncryptedRecord type=" + std::to_string(r.content_type) + " len=" + std::to_string(r.length);
}
inline std::string describe(const tls::NonTls& n) {
  return "NonTls \"" + std::string(n.prefix.begin(), n.prefix.end()) + "\"";
}
inline std::string describe(const tls::Malformed& m) {
  return "Malformed " + m.what + " " + std::string(errc_message(m.code)) + " @" + std::to_string(m.stream_offset);
}
inline std::string describe(const tls::RolesSwapped&) { return "RolesSwapped"; }
// Named apart, then as the ClientHello it parses to (Dissector::defer_client_hellos).
inline std::string describe(const tls::UnparsedClientHello& u) {
  const auto hello = tls::parse_client_hello(u);
  return hello ? "Unparsed" + describe(*hello) : "UnparsedClientHello that does not frame";
}
inline std::string describe(const tls::Decryption& d) {
  using O = tls::Decryption::Outcome;
  switch (d.outcome) {
    case O::Decrypted: return "Decryption decrypted";
    case O::Failed: return "Decryption failed";
    case O::NoKeys: return "Decryption no_keys";
    case O::UnsupportedSuite: return "Decryption unsupported_suite";
  }
  return "Decryption ?";
}

inline std::string describe(const tls::TlsEventBody& body) {
  return std::visit([](const auto& b) { return describe(b); }, body);
}

// "c2s ClientHello ...": direction and body, without flow id, time or packet number.
inline std::string describe(const tls::TlsEvent& e) {
  return std::string(direction_name(e.dir)) + " " + describe(e.body);
}

class RecordingTlsSink : public tls::TlsEventSink {
 public:
  std::vector<tls::TlsEvent> events;               // on_tls calls
  std::vector<reassembly::TcpEvent> tcp_events;    // on_tcp calls
  std::vector<std::string> log;                    // every call, described
  std::vector<reassembly::FlowStats> close_stats;  // on_close stats, in order

  void on_open(const reassembly::FlowInfo& flow) override {
    log.push_back("open #" + std::to_string(flow.id) + (flow.syn_seen ? " syn" : " midstream"));
  }
  void on_tcp(reassembly::FlowId flow, const reassembly::TcpEvent& event) override {
    tcp_events.push_back(event);
    constexpr const char* kKinds[] = {"Syn", "SynAck", "Fin", "Rst"};
    log.push_back("tcp #" + std::to_string(flow) + " " + direction_name(event.dir) + " " +
                  kKinds[static_cast<int>(event.kind)]);
  }
  void on_gap(reassembly::FlowId flow, reassembly::Direction dir, std::uint64_t missing, reassembly::GapKind kind,
              Timestamp) override {
    log.push_back("gap #" + std::to_string(flow) + " " + direction_name(dir) + " " + std::to_string(missing) +
                  (kind == reassembly::GapKind::GivenUp ? " given up" : ""));
  }
  void on_tls(const tls::TlsEvent& event) override {
    events.push_back(event);
    log.push_back("tls #" + std::to_string(event.flow) + " " + describe(event));
  }
  void on_close(reassembly::FlowId flow, reassembly::CloseReason why, Timestamp, const reassembly::FlowStats& stats) override {
    close_stats.push_back(stats);
    log.push_back("close #" + std::to_string(flow) + " " + std::to_string(static_cast<int>(why)));
  }
  void on_end(Timestamp) override { log.push_back("end"); }

  // One line per TlsEvent, as describe(event).
  std::vector<std::string> tls_lines() const {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(describe(e));
    return out;
  }
  // The bodies of one alternative, in order.
  template <typename Body>
  std::vector<Body> bodies() const {
    std::vector<Body> out;
    for (const auto& e : events)
      if (const auto* b = std::get_if<Body>(&e.body)) out.push_back(*b);
    return out;
  }
  template <typename Body>
  std::size_t count() const {
    return bodies<Body>().size();
  }
  void clear() {
    events.clear();
    tcp_events.clear();
    log.clear();
    close_stats.clear();
  }
};

}  // namespace tlsdiag::test
