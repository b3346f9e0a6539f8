#include "tlsdiag/analysis/verdict_rules.h"

#include <algorithm>
#include <array>
#include <string>

#include "alert_meaning.h"
#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/tls/registry.h"
#include "verdict_text.h"

namespace tlsdiag::analysis {

namespace {
using reassembly::TcpEventKind;

constexpr std::uint16_t kX25519 = 29;
constexpr std::uint16_t kSecp256r1 = 23;
constexpr std::uint8_t kHandshakeFailure = 40;
constexpr std::uint8_t kProtocolVersion = 70;
constexpr std::uint8_t kCertificateRequired = 116;
constexpr const char* kHostnameMismatchFix =
    "Connect with a name the certificate covers, or reissue the certificate with this name in its subjectAltName.";

}  // namespace

bool looks_like_http_request(const std::vector<std::uint8_t>& prefix) {
  static constexpr std::array<std::string_view, 9> kMethods = {"GET ", "POST ", "HEAD ", "PUT ", "DELETE ",
                                                               "OPTIONS ", "CONNECT ", "PATCH ", "PRI * HTTP/2"};
  const std::string_view s(reinterpret_cast<const char*>(prefix.data()), prefix.size());
  return std::ranges::any_of(kMethods, [&](std::string_view m) { return s.starts_with(m); });
}

namespace {

void set(Verdict& v, Status s, RejectedBy by, Reason r, Confidence c) {
  v.status = s;
  v.rejected_by = by;
  v.reason = r;
  v.confidence = c;
}

RejectedBy side(Direction d) { return d == Direction::ClientToServer ? RejectedBy::Client : RejectedBy::Server; }

bool offered_suite(const FlowRecord& f, std::uint16_t suite) {
  return f.client_hello && std::ranges::find(f.client_hello->cipher_suites, suite) != f.client_hello->cipher_suites.end();
}

// ---- one-sided capture -------------------------------------------------------------------
bool one_sided(const FlowFacts& x) {
  if (x.client_packets == 0 && x.server_packets > 0) return true;
  if (x.server_packets > 0 || x.client_bytes == 0) return false;
  // The client cannot send data after its SYN unless a SYN-ACK came back: it was not captured.
  const bool protected_after_hello = x.f.encrypted[0].application_records + x.f.encrypted[0].handshake_records > 0 ||
                                     x.f.history.find('I') != std::string::npos;
  return x.f.syn_seen || protected_after_hello;
}
void one_sided_apply(const FlowFacts& x, Verdict& v) {
  set(v, Status::Incomplete, RejectedBy::Unknown, Reason::OneSidedCapture, Confidence::Certain);
  const bool only_client = x.server_packets == 0;
  v.explanation = std::string("The capture holds only the ") + (only_client ? "client" : "server") +
                  "'s packets of this connection, yet the other side was clearly answering; the outcome cannot be seen.";
  v.remediation = "Capture both directions (same interface, no asymmetric routing, no one-way SPAN/tap).";
}

// ---- established ---------------------------------------------------------------------------
bool established(const FlowFacts& x) { return x.f.established; }
void established_apply(const FlowFacts& x, Verdict& v) {
  set(v, Status::Ok, RejectedBy::None, Reason::Ok, Confidence::Certain);
  // Most flows take this rule: the sentence is built in one buffer.
  v.explanation.reserve(128);
  v.explanation.append("The handshake completed: ").append(text::server_version(x.f)).append(" with ");
  tls::append_cipher_suite_name(v.explanation, x.f.server_hello ? x.f.server_hello->cipher_suite : 0);
  v.explanation.append(x.f.resumed ? " (resumed session)." : ".");
  if (x.f.server_hello && x.f.server_hello->downgrade_sentinel)
    v.evidence.push_back("the ServerHello random carries the RFC 8446 downgrade marker");
}

// ---- non-TLS peers ---------------------------------------------------------------------------
bool tls_to_plain(const FlowFacts& x) { return x.client_hello && x.server_non_tls && !x.server_hello; }
void tls_to_plain_apply(const FlowFacts& x, Verdict& v) {
  set(v, Status::Failed, RejectedBy::Server, Reason::TlsToPlaintextPort, Confidence::Certain);
  v.explanation = "The client sent a TLS ClientHello" + text::sni_clause(x.f) + ", but the server on port " +
                  std::to_string(x.f.server.port) + " answered in plaintext: " +
                  text::quoted_prefix(x.f.non_tls_prefix[1]) + ". It does not speak TLS on this port.";
  v.remediation = "Point the client at the server's TLS port, or use the plaintext protocol (e.g. http://) for this port.";
}

bool server_malformed_reply(const FlowFacts& x) {
  return x.client_hello && !x.server_hello && x.server_malformed && !x.server_tls_bytes && x.first_alert == nullptr;
}
void server_malformed_reply_apply(const FlowFacts& x, Verdict& v) {
  set(v, Status::Failed, RejectedBy::Server, Reason::ProtocolError, Confidence::Likely);
  v.explanation = "The server answered the ClientHello" + text::sni_clause(x.f) +
                  " with bytes framed like a TLS record but with an impossible header (see notes); its TLS stack, or "
                  "something on the path, is broken.";
  v.remediation = "Look at the server's TLS implementation or a middlebox rewriting its replies.";
}

bool nginx_plain_http_page(const FlowRecord& f) {
  const std::string s(f.non_tls_prefix[1].begin(), f.non_tls_prefix[1].end());
  return s.find("HTTP/1.") == 0 && s.find(" 400 ") != std::string::npos;
}
bool plain_to_tls(const FlowFacts& x) {
  if (x.client_hello || !x.client_non_tls) return false;
  return x.server_tls_bytes || nginx_plain_http_page(x.f) || (x.on_tls_port && !x.server_non_tls) ||
         (looks_like_http_request(x.f.non_tls_prefix[0]) && x.server_bytes == 0 && x.server_ended);
}
void plain_to_tls_apply(const FlowFacts& x, Verdict& v) {
  const bool certain = x.server_tls_bytes || nginx_plain_http_page(x.f);
  set(v, Status::Failed, RejectedBy::Server, Reason::PlaintextToTlsPort, certain ? Confidence::Certain : Confidence::Likely);
  std::string reply = x.server_tls_bytes ? "a TLS alert" : x.server_non_tls ? text::quoted_prefix(x.f.non_tls_prefix[1])
                      : x.first_rst ? "a reset" : "nothing";
  v.explanation = "The client sent plaintext " + text::quoted_prefix(x.f.non_tls_prefix[0]) + " to port " +
                  std::to_string(x.f.server.port) + ", where the server expects TLS; it answered with " + reply + ".";
  v.remediation = "Use TLS (e.g. https://) when talking to this port, or the server's plaintext port.";
}

bool neither_tls(const FlowFacts& x) { return !x.client_hello && x.client_non_tls && !x.server_tls_bytes; }
void neither_tls_apply(const FlowFacts& x, Verdict& v) {
  set(v, Status::Failed, RejectedBy::Unknown, Reason::NonTlsTraffic, Confidence::Likely);
  v.explanation = "Neither side spoke TLS on port " + std::to_string(x.f.server.port) + ": the client sent " +
                  text::quoted_prefix(x.f.non_tls_prefix[0]) + ".";
  v.remediation = "If TLS was intended here, check the client's configuration; otherwise this is not a TLS service.";
}

// ---- plaintext alerts ------------------------------------------------------------------------
bool plain_fatal_alert(const FlowFacts& x) {
  return x.first_alert != nullptr && x.first_alert->visible() && x.first_alert->level == 2;
}

std::string join_groups(const std::vector<std::uint16_t>& groups) {
  std::string out;
  for (std::uint16_t g : groups) {
    if (tls::is_grease(g)) continue;
    if (!out.empty()) out += ", ";
    out += tls::group_name(g);
  }
  return out.empty() ? "none" : out;
}

// RFC 8446 §9.1: x25519 and secp256r1 are the groups every TLS 1.3 stack implements; a client
// offering neither most likely failed on groups rather than suites.
bool unusual_groups_only(const FlowRecord& f) {
  if (!f.client_hello || f.client_hello->groups.empty()) return false;
  const auto& g = f.client_hello->groups;
  return std::ranges::find(g, kX25519) == g.end() && std::ranges::find(g, kSecp256r1) == g.end();
}

// A client that offered TLS 1.2 or newer and aborts a ServerHello choosing TLS 1.1 or older with
// a generic alert (OpenSSL 3 sends internal_error at its default security level) refuses the version.
bool refuses_old_version(const FlowFacts& x, const AlertRecord& a) {
  constexpr std::array<std::uint8_t, 4> kGeneric = {40, 47, 71, 80};
  const int chosen = tls::version_rank(x.f.server_hello->selected_version);
  return chosen > 0 && chosen < tls::version::kTls12 && x.f.client_hello &&
         tls::version_rank(x.f.client_hello->highest_version()) >= tls::version::kTls12 &&
         std::ranges::find(kGeneric, a.description) != kGeneric.end();
}

// A client's generic certificate alert (bad_certificate, certificate_unknown: what Java and
// OpenSSL send) made specific by what the certificate shows at capture time.
Reason certificate_cause(const CertificateFindings& c, Reason r) {
  if (r != Reason::CertificateRejected) return r;
  if (c.hostname_mismatch) return Reason::CertificateHostnameMismatch;
  // Outside its validity period either way; not-yet-valid has no reason of its own.
  if (c.expired || c.not_yet_valid) return Reason::CertificateExpired;
  if (c.self_signed_leaf || c.missing_intermediate || c.chain_broken || c.trusted == false)
    return Reason::CertificateUntrusted;
  return r;
}

Reason refine_alert_reason(const FlowFacts& x, const AlertRecord& a, Reason r) {
  const bool by_server = a.sender == Direction::ServerToClient;
  if (!by_server && x.certificates != nullptr) r = certificate_cause(*x.certificates, r);
  if (by_server && x.f.certificate_request && (x.f.client_certificate_empty || x.f.history.find('X') == std::string::npos) &&
      (a.description == kHandshakeFailure || a.description == kCertificateRequired || r == Reason::CertificateRejected))
    return Reason::ClientCertificateRequired;
  if (by_server && !x.server_hello && a.description == kHandshakeFailure && unusual_groups_only(x.f))
    return Reason::NoSharedGroup;
  if (!by_server && x.server_hello && (a.description == kHandshakeFailure || a.description == 47) &&
      !offered_suite(x.f, x.f.server_hello->cipher_suite))
    return Reason::NoSharedCipher;
  if (!by_server && x.server_hello && r != Reason::ProtocolVersionMismatch && refuses_old_version(x, a))
    return Reason::ProtocolVersionMismatch;
  if (!by_server && a.description == kHandshakeFailure) return Reason::OtherAlert;
  return r;
}

bool is_certificate_reason(Reason r) {
  return r == Reason::CertificateExpired || r == Reason::CertificateUntrusted || r == Reason::CertificateRejected ||
         r == Reason::CertificateHostnameMismatch || r == Reason::CertificateRevoked;
}

std::string alert_explanation(const FlowFacts& x, const AlertRecord& a, Reason r) {
  const FlowRecord& f = x.f;
  const std::string who = text::sender(a.sender);
  const std::string other = text::sender(reassembly::opposite(a.sender));
  const std::string al = text::alert(a);
  const bool by_server = a.sender == Direction::ServerToClient;
  switch (r) {
    case Reason::ProtocolVersionMismatch:
      if (by_server)
        return "The server rejected the client's highest version " + text::highest_offered(f) + " with a " + al +
               " alert; it accepts none of the versions offered (" + text::offered_versions(f) + ")" +
               (f.client_hello && tls::version_rank(f.client_hello->highest_version()) < tls::version::kTls12
                    ? " and requires a newer version." : ".");
      return "The client rejected the server's choice of " + text::server_version(f) + " with a " + al +
             " alert; the client offered " + text::offered_versions(f) + " and will not go that low.";
    case Reason::NoSharedCipher:
      if (!by_server)
        return "The server chose " + tls::cipher_suite_name(f.server_hello->cipher_suite) +
               ", which the client did not offer; the client aborted with " + al + ".";
      return "The server found no acceptable cipher suite among the " +
             std::to_string(f.client_hello ? f.client_hello->cipher_suites.size() : 0) +
             " the client offered" + text::sni_clause(f) + " and answered " + al +
             " (a handshake_failure here can also mean no shared group or signature algorithm).";
    case Reason::NoSharedGroup:
      return "The server answered " + al + " to a client that offered only the groups " +
             join_groups(f.client_hello->groups) + "; most likely none of them is enabled on the server.";
    case Reason::ClientCertificateRequired:
      return "The server requested a client certificate and the client " +
             std::string(f.client_certificate_empty ? "sent an empty one" : "sent none") + "; the server aborted with " + al + ".";
    case Reason::SniUnrecognizedName:
      return "The server does not recognise the requested name" +
             (f.client_hello && !f.client_hello->sni.empty() ? " " + f.client_hello->sni : std::string(" (no SNI was sent)")) +
             " and aborted with " + al + ".";
    case Reason::AlpnMismatch: {
      std::string alpn;
      if (f.client_hello) for (const auto& p : f.client_hello->alpn) alpn += (alpn.empty() ? "" : ", ") + p;
      return "No application protocol in common: the client offered ALPN [" + alpn + "] and the server answered " + al + ".";
    }
    case Reason::InappropriateFallback:
      return "The client retried with " + text::highest_offered(f) +
             " and TLS_FALLBACK_SCSV after an earlier attempt failed; the server supports a higher version and refused the downgrade (" + al + ").";
    case Reason::CertificateExpired: case Reason::CertificateUntrusted: case Reason::CertificateRejected:
    case Reason::CertificateRevoked: case Reason::CertificateHostnameMismatch:
      return "The " + who + " rejected the " + other + "'s certificate" + (by_server ? "" : text::sni_clause(f)) +
             " with " + al + ".";
    case Reason::InsufficientSecurity:
      return "The " + who + " rejected the " + other + "'s parameters as too weak (" + al + ").";
    case Reason::ProtocolError:
      return "The " + who + " aborted with " + al + ": it found a message from the " + other + " malformed or out of place.";
    default:
      return "The " + who + " aborted the handshake with " + al + ".";
  }
}

void plain_fatal_alert_apply(const FlowFacts& x, Verdict& v) {
  const AlertRecord& a = *x.first_alert;
  const AlertMeaning* m = alert_meaning(a.description);
  const Reason r = refine_alert_reason(x, a, m ? m->reason : Reason::OtherAlert);
  // The alert itself is certain; a reason read into a generic alert is only likely.
  const bool inferred = (a.description == kHandshakeFailure && r != Reason::OtherAlert) ||
                        (m != nullptr && m->reason == Reason::CertificateRejected && r != Reason::CertificateRejected) ||
                        (r == Reason::ProtocolVersionMismatch && a.description != kProtocolVersion) ||
                        (r == Reason::ClientCertificateRequired && a.description != kCertificateRequired);
  set(v, Status::Failed, side(a.sender), r, inferred ? Confidence::Likely : Confidence::Certain);
  v.explanation = alert_explanation(x, a, r);
  if (a.sender == Direction::ClientToServer && x.certificates != nullptr && is_certificate_reason(r)) {
    const std::string seen = x.certificates->summary();
    v.explanation += seen.empty() ? " The certificate itself shows no problem at capture time (names, dates, chain), so "
                                    "the client's trust store or clock is the likely cause."
                                  : " The certificate shows it: " + seen + ".";
  }
  // The remediation follows the reason the flow was given, which may be inferred beyond the alert.
  const AlertMeaning* fix = (m != nullptr && m->reason == r) ? m : alert_meaning_for(r);
  if (r == Reason::NoSharedGroup)
    v.remediation = "Enable a common key-exchange group (x25519 or secp256r1) on the client or the client's groups on the server.";
  else if (r == Reason::CertificateHostnameMismatch)
    v.remediation = kHostnameMismatchFix;
  else if (fix != nullptr)
    v.remediation = a.sender == Direction::ClientToServer ? fix->client_fix : fix->server_fix;
  else
    v.remediation = "Look up why the " + text::sender(a.sender) + " sent " + tls::alert_name(a.description) + " in its logs.";
  v.evidence.push_back(text::evidence_alert(a));
}

// ---- a client that finishes the handshake, then at once sends an alert and closes -------------
// Clients that check the server's name or chain themselves (curl, many HTTP libraries) complete
// the handshake, find the certificate wrong, send an alert (often close_notify) and close without
// a byte of data. A probe that only tests the handshake looks the same on the wire, so this is
// said only when the certificate shows a problem.
const AlertRecord* alert_instead_of_data(const FlowRecord& f) {
  bool finished = false;
  for (const Step& s : f.steps) {
    if (s.sender != Direction::ClientToServer) continue;
    // The client's Finished: its first protected handshake record (TLS <= 1.2), or the message
    // itself once decrypted.
    if ((s.kind == StepKind::EncryptedRecord && s.content_type == 22) ||
        (s.kind == StepKind::PlainHandshake && s.content_type == 20)) {
      finished = true;
    } else if (finished && s.kind == StepKind::EncryptedRecord) {
      return nullptr;  // data came first
    } else if (finished && s.kind == StepKind::Alert) {
      for (const AlertRecord& a : f.alerts)
        if (a.sender == Direction::ClientToServer && a.packet_number == s.packet_number) return &a;
      return nullptr;
    }
  }
  return nullptr;
}
bool certificate_rejected_after_handshake(const FlowFacts& x) {
  return x.f.established && x.client_ended && x.certificates != nullptr &&
         certificate_cause(*x.certificates, Reason::CertificateRejected) != Reason::CertificateRejected &&
         alert_instead_of_data(x.f) != nullptr;
}
void certificate_rejected_after_handshake_apply(const FlowFacts& x, Verdict& v) {
  const AlertRecord& a = *alert_instead_of_data(x.f);
  const Reason r = certificate_cause(*x.certificates, Reason::CertificateRejected);
  set(v, Status::Failed, RejectedBy::Client, r, Confidence::Likely);
  v.explanation = "The handshake" + text::sni_clause(x.f) + " completed, but the client then sent " + text::alert(a) +
                  " and closed without sending any data. The certificate shows why it most likely gave up: " +
                  x.certificates->summary() + ". Clients that check the name or chain after the handshake (curl, "
                  "many HTTP libraries) do this; a probe that only tests the handshake would look the same.";
  const AlertMeaning* fix = alert_meaning_for(r);
  v.remediation = r == Reason::CertificateHostnameMismatch
                      ? kHostnameMismatchFix
                      : fix != nullptr ? fix->client_fix : "Fix the server's certificate chain.";
  v.evidence.push_back(text::evidence_alert(a));
}

// ---- TLS 1.3 aborts seen only as protected records -------------------------------------------
bool tls13_client_abort(const FlowFacts& x) { return x.tls13 && !x.decrypted && tls13_outcome(x.f).client_aborted; }
void tls13_client_abort_apply(const FlowFacts& x, Verdict& v) {
  const Tls13Outcome o = tls13_outcome(x.f);
  set(v, Status::Failed, RejectedBy::Client, Reason::EncryptedAlert, Confidence::Likely);
  v.explanation = "After the server's encrypted TLS 1.3 flight (certificate included), the client answered with a single " +
                  std::to_string(o.first_client_record) +
                  "-byte encrypted record, the size of an alert, instead of its Finished, and the connection ended. "
                  "The client rejected something in that flight, most often the server's certificate (untrusted, expired or wrong name)" +
                  text::sni_clause(x.f) + ".";
  v.remediation = "Check the server certificate chain against the client's trust store and the name it connects to; "
                  "a key log (SSLKEYLOGFILE) would show the exact alert.";
}

bool tls13_server_abort(const FlowFacts& x) { return x.tls13 && !x.decrypted && tls13_outcome(x.f).server_aborted; }
void tls13_server_abort_apply(const FlowFacts& x, Verdict& v) {
  const Tls13Outcome o = tls13_outcome(x.f);
  // An empty client Certificate is 4 + 1 + 3 bytes + content type + 16-byte tag = 25 bytes, and
  // is followed by the client's Finished.
  if (o.client_flight_records >= 2 && o.first_client_record <= kMaxAlertRecord) {
    set(v, Status::Failed, RejectedBy::Server, Reason::ClientCertificateRequired, Confidence::Likely);
    v.explanation = "The client answered the server's TLS 1.3 flight with a " + std::to_string(o.first_client_record) +
                    "-byte record (the size of an empty Certificate) and its Finished; the server then sent one alert-sized "
                    "encrypted record and closed. The server most likely requires a client certificate.";
    v.remediation = "Configure the client with a certificate the server accepts.";
  } else if (o.client_flight_records >= 2) {
    set(v, Status::Failed, RejectedBy::Server, Reason::CertificateRejected, Confidence::Likely);
    v.explanation = "The client sent a certificate (a " + std::to_string(o.first_client_record) +
                    "-byte record) and its Finished; the server answered with one alert-sized encrypted record and closed: it most "
                    "likely rejected the client's certificate.";
    v.remediation = "Check the client certificate against the server's client-CA list and its validity.";
  } else {
    set(v, Status::Failed, RejectedBy::Server, Reason::EncryptedAlert, Confidence::Likely);
    v.explanation = "The server answered the client's Finished with one alert-sized encrypted record and closed; TLS 1.3 hides which alert.";
    v.remediation = "Check the server's logs for this connection, or capture with a key log to see the alert.";
  }
}

bool client_rejects_after_handshake(const FlowFacts& x) {
  return x.tls13 && !x.decrypted && tls13_outcome(x.f).client_alert_after_finished;
}
void client_rejects_after_handshake_apply(const FlowFacts& x, Verdict& v) {
  set(v, Status::Failed, RejectedBy::Client, Reason::EncryptedAlert, Confidence::Likely);
  v.explanation = "The TLS 1.3 handshake" + text::sni_clause(x.f) +
                  " completed, but the client then sent a single alert-sized encrypted record and closed without sending any "
                  "data: it most likely rejected the server after the handshake (an application-level check such as the "
                  "certificate's host name), unless it was a probe that only tests the handshake.";
  v.remediation = "Check the name the client connects to against the server certificate's names; a key log (SSLKEYLOGFILE) "
                  "would show the exact alert.";
}

bool encrypted_alert(const FlowFacts& x) { return x.first_alert != nullptr && !x.first_alert->visible(); }
void encrypted_alert_apply(const FlowFacts& x, Verdict& v) {
  const AlertRecord& a = *x.first_alert;
  set(v, Status::Failed, side(a.sender), Reason::EncryptedAlert, Confidence::Likely);
  v.explanation = "The " + text::sender(a.sender) + " sent an encrypted alert after ChangeCipherSpec, before the handshake "
                  "completed; its content is not visible without keys.";
  v.remediation = "Check the " + text::sender(a.sender) + "'s logs, or capture with a key log to see the alert.";
  v.evidence.push_back(text::evidence_alert(a));
}

// ---- resets and closes without an alert -------------------------------------------------------
bool reset(const FlowFacts& x) { return x.first_rst != nullptr; }
void reset_apply(const FlowFacts& x, Verdict& v) {
  const TcpControl& r = *x.first_rst;
  const std::string stage = x.server_hello ? "during the handshake" : x.client_hello ? "right after the ClientHello" : "before any TLS";
  v.evidence.push_back("#" + std::to_string(r.packet_number) + " RST from the " + text::sender(r.sender) + " (TTL " +
                       std::to_string(r.ttl) + ")");
  if (x.rst_ttl_anomaly) {
    set(v, Status::Failed, RejectedBy::Network, Reason::TcpReset, Confidence::Likely);
    v.explanation = "A reset claiming to come from the " + text::sender(r.sender) + " arrived " + stage + " with IP TTL " +
                    std::to_string(r.ttl) + ", while that side's earlier packets had TTL " + std::to_string(r.prior_ttl) +
                    ": most likely injected by a middlebox (firewall, IPS, DPI filter).";
    v.remediation = "Look for a firewall or filtering device between the peers that resets TLS" + text::sni_clause(x.f) + ".";
    return;
  }
  if (r.sender == Direction::ClientToServer) {
    set(v, Status::Failed, RejectedBy::Client, Reason::ClientAbort, Confidence::Likely);
    v.explanation = "The client reset the connection " + stage + " without sending an alert.";
    v.remediation = "Check the client's logs: it gave up (timeout, certificate check or policy) without saying why on the wire.";
    return;
  }
  set(v, Status::Failed, RejectedBy::Server, Reason::TcpReset, Confidence::Certain);
  v.explanation = "The server reset the connection " + stage + text::sni_clause(x.f) + " without a TLS alert.";
  v.remediation = "Check that a TLS service listens on port " + std::to_string(x.f.server.port) +
                  " and accepts this client (ACLs, SNI routing, overload); its logs should say why it dropped the connection.";
}

bool client_closed(const FlowFacts& x) { return x.client_fin != nullptr && x.server_bytes > 0; }
void client_closed_apply(const FlowFacts& x, Verdict& v) {
  set(v, Status::Failed, RejectedBy::Client, Reason::ClientAbort, Confidence::Likely);
  v.explanation = "The client closed the connection after the server's " +
                  std::string(x.server_hello ? "ServerHello" : "reply") + " without sending an alert; the capture does not show why.";
  v.remediation = "Check the client's logs or error output for this connection.";
}

bool server_silent(const FlowFacts& x) { return x.client_hello && x.server_bytes == 0; }
void server_silent_apply(const FlowFacts& x, Verdict& v) {
  const Step* hello = nullptr;
  for (const Step& s : x.f.steps)
    if (s.kind == StepKind::ClientHello) { hello = &s; break; }
  const Timestamp from = hello ? hello->ts : x.f.first_seen;
  if (x.server_fin != nullptr) {
    set(v, Status::Failed, RejectedBy::Server, Reason::NoServerResponse, Confidence::Likely);
    v.explanation = "The server closed the connection " + text::seconds(from, x.server_fin->ts) +
                    " after the ClientHello" + text::sni_clause(x.f) + " without sending a single byte.";
    v.remediation = "Check the server's logs: it dropped the client before TLS (ACL, SNI routing, overload, or a non-TLS service).";
  } else if (x.client_ended) {
    set(v, Status::Failed, RejectedBy::Server, Reason::NoServerResponse, Confidence::Likely);
    v.explanation = "The server never answered the ClientHello" + text::sni_clause(x.f) + "; the client gave up after " +
                    text::seconds(from, x.f.last_seen) + ".";
    v.remediation = "Check that the server's TLS service is up and reachable, and that nothing on the path drops the ClientHello.";
  } else {
    set(v, Status::Incomplete, RejectedBy::Unknown, Reason::NoServerResponse, Confidence::Unknown);
    if (x.f.close_reason == reassembly::CloseReason::Timeout) {
      v.explanation = "No server reply to the ClientHello, and the connection then stayed idle past the flow timeout (" +
                      text::seconds(from, x.f.last_seen) + " after the hello, last packet).";
      v.remediation = "Check that the server's TLS service is up and reachable; raise --flow-timeout if it is just slow.";
      return;
    }
    v.explanation = "No server reply to the ClientHello before the capture ended (" + text::seconds(from, x.f.last_seen) + " later).";
    v.remediation = "Capture for longer to see whether the server answers.";
  }
}

bool truncated(const FlowFacts& x) { return x.truncated_capture; }
void truncated_apply(const FlowFacts&, Verdict& v) {
  set(v, Status::Incomplete, RejectedBy::Unknown, Reason::CaptureTruncated, Confidence::Certain);
  v.explanation = "Part of the handshake is missing from the capture (lost segments or a short snaplen), so its outcome cannot be seen.";
  v.remediation = "Capture with a full snaplen (tcpdump -s 0) and without drops.";
}

bool server_closed(const FlowFacts& x) { return x.server_ended && x.server_hello; }
void server_closed_apply(const FlowFacts&, Verdict& v) {
  set(v, Status::Failed, RejectedBy::Server, Reason::ProtocolError, Confidence::Unknown);
  v.explanation = "The server closed the connection mid-handshake without an alert; the capture does not show why.";
  v.remediation = "Check the server's logs for this connection.";
}

bool always(const FlowFacts&) { return true; }
void unfinished_apply(const FlowFacts& x, Verdict& v) {
  set(v, Status::Incomplete, RejectedBy::Unknown, Reason::CaptureTruncated, Confidence::Unknown);
  const std::uint64_t given_up = x.f.stats.dir[0].given_up_bytes + x.f.stats.dir[1].given_up_bytes;
  if (!x.client_hello && given_up > 0) {
    // The capture may hold every byte: tlsdiag's out-of-order cap made it skip some.
    v.explanation = "The ClientHello could not be read: segments came so far out of order that the reassembly buffer "
                    "cap was hit and " + std::to_string(given_up) + " bytes were given up on.";
    v.remediation = "Raise --max-out-of-order-segments or --max-reassembly-buffer if the traffic is genuine.";
    return;
  }
  const bool idle = x.f.close_reason == reassembly::CloseReason::Timeout;
  v.explanation = !x.client_hello ? "The capture does not contain this connection's ClientHello (it started mid-stream)."
                  : idle          ? "The connection went idle past the flow timeout before the handshake reached an outcome."
                                  : "The capture ends before the handshake reached an outcome.";
  v.remediation = "Capture the whole connection, from its SYN to its close.";
}

constexpr std::array kRules = {
    VerdictRule{"one_sided_capture", one_sided, one_sided_apply},
    VerdictRule{"client_alert_after_handshake", client_rejects_after_handshake, client_rejects_after_handshake_apply},
    VerdictRule{"certificate_rejected_after_handshake", certificate_rejected_after_handshake,
                certificate_rejected_after_handshake_apply},
    VerdictRule{"established", established, established_apply},
    VerdictRule{"server_malformed_reply", server_malformed_reply, server_malformed_reply_apply},
    VerdictRule{"tls_to_plaintext_port", tls_to_plain, tls_to_plain_apply},
    VerdictRule{"plaintext_to_tls_port", plain_to_tls, plain_to_tls_apply},
    VerdictRule{"non_tls_traffic", neither_tls, neither_tls_apply},
    VerdictRule{"plaintext_fatal_alert", plain_fatal_alert, plain_fatal_alert_apply},
    VerdictRule{"tls13_client_abort", tls13_client_abort, tls13_client_abort_apply},
    VerdictRule{"tls13_server_abort", tls13_server_abort, tls13_server_abort_apply},
    VerdictRule{"encrypted_alert", encrypted_alert, encrypted_alert_apply},
    VerdictRule{"truncated", truncated, truncated_apply},
    VerdictRule{"reset", reset, reset_apply},
    VerdictRule{"no_server_response", server_silent, server_silent_apply},
    VerdictRule{"client_closed", client_closed, client_closed_apply},
    VerdictRule{"server_closed", server_closed, server_closed_apply},
    VerdictRule{"unfinished", always, unfinished_apply},
};

}  // namespace

std::span<const VerdictRule> verdict_rules() { return kRules; }

Verdict decide(const FlowFacts& facts) {
  Verdict v;
  for (const VerdictRule& rule : kRules) {
    if (!rule.matches(facts)) continue;
    rule.apply(facts, v);
    v.evidence.insert(v.evidence.begin(), std::string("rule: ").append(rule.name));
    return v;
  }
  return v;
}

}  // namespace tlsdiag::analysis
