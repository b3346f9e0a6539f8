#include <algorithm>

#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/analysis/correlator.h"
#include "tlsdiag/analysis/flow_facts.h"
#include "tlsdiag/analysis/verdict_rules.h"

namespace tlsdiag::analysis {

namespace {
bool has_step(const FlowRecord& f, StepKind kind, Direction sender) {
  return std::ranges::any_of(f.steps, [&](const Step& s) { return s.kind == kind && s.sender == sender; });
}

// TLS <= 1.2: both sides sent ChangeCipherSpec followed by their (encrypted) Finished.
bool established_tls12(const FlowRecord& f) {
  for (Direction d : {Direction::ClientToServer, Direction::ServerToClient}) {
    if (!has_step(f, StepKind::ChangeCipherSpec, d)) return false;
    const EncryptedCounts& c = f.encrypted[reassembly::index(d)];
    if (c.handshake_records + c.application_records == 0) return false;
  }
  return true;
}

void add_inferred_alert(FlowRecord& f, const AlertRecord& alert) {
  const bool known = std::ranges::any_of(f.alerts, [&](const AlertRecord& a) {
    return a.packet_number == alert.packet_number && a.sender == alert.sender;
  });
  if (known) return;
  const auto at = std::ranges::upper_bound(f.alerts, alert.ts, {}, &AlertRecord::ts);
  f.alerts.insert(at, alert);
}

bool has_fatal_plain_alert(const FlowRecord& f) {
  return std::ranges::any_of(f.alerts, [](const AlertRecord& a) { return !a.encrypted && a.level == 2; });
}

bool has_fatal_visible_alert(const FlowRecord& f) {
  return std::ranges::any_of(f.alerts, [](const AlertRecord& a) { return a.visible() && a.level == 2; });
}

bool sent_finished(const FlowRecord& f, Direction d) {
  constexpr std::uint8_t kFinished = 20;
  return std::ranges::any_of(f.steps, [&](const Step& s) {
    return s.kind == StepKind::PlainHandshake && s.sender == d && s.content_type == kFinished;
  });
}
}  // namespace

bool attempted_tls(const FlowRecord& f) {
  if (f.client_hello || f.server_hello || !f.alerts.empty()) return true;
  if (f.encrypted[0].bytes + f.encrypted[1].bytes > 0) return true;
  if (std::ranges::any_of(f.steps, [](const Step& s) {
        return s.kind == StepKind::Malformed || s.kind == StepKind::ChangeCipherSpec || s.kind == StepKind::PlainHandshake;
      }))
    return true;
  // Plaintext sent to a port where TLS is expected is a failed TLS connection too.
  // So is an HTTP request that a server closes on without a byte of answer (an HTTP server
  // always answers, even with 400; a TLS server waits for a ClientHello and gives up).
  if (f.non_tls_prefix[0].empty()) return false;
  const bool server_silent_close = f.stats.dir[1].payload_bytes == 0 &&
      std::ranges::any_of(f.tcp_events, [](const TcpControl& t) { return t.sender == Direction::ServerToClient &&
          (t.kind == reassembly::TcpEventKind::Fin || t.kind == reassembly::TcpEventKind::Rst); });
  return is_tls_port(f.server.port) || (looks_like_http_request(f.non_tls_prefix[0]) && server_silent_close);
}

bool outcome_known(const FlowRecord& f, Timestamp now) {
  if (has_fatal_visible_alert(f)) return true;
  if (!f.server_hello) return false;
  if (tls::version_rank(f.server_hello->selected_version) == tls::version::kTls13) {
    const Tls13Outcome o = tls13_outcome(f);
    return o.client_finished && !o.client_aborted && o.server_answered &&
           now.ns - o.client_finished_at.ns > kPromptAlertNs;
  }
  if (f.server_hello->selected_version == tls::version::kSsl2) return false;
  // The client's application data comes after it accepted the server (a client that rejects the
  // certificate after the handshake sends an alert instead).
  return established_tls12(f) && f.encrypted[0].application_records > 0 && !has_fatal_plain_alert(f);
}

void finalize(FlowRecord& f, x509_store_st* trust, CertificateCache* cache) {
  const bool tls13 = f.server_hello && tls::version_rank(f.server_hello->selected_version) == tls::version::kTls13;
  if (tls13 && handshake_decrypted(f)) {
    // Decrypted: both Finished messages are seen, and so is any alert (a server that rejects the
    // client's certificate does so after the client's Finished).
    f.established = sent_finished(f, Direction::ClientToServer) && sent_finished(f, Direction::ServerToClient) &&
                    !has_fatal_visible_alert(f);
    f.resumed = f.server_hello->pre_shared_key;
  } else if (tls13) {
    const Tls13Outcome o = tls13_outcome(f);
    // Both Finished messages went out (the server's ends its flight, the client's is the first
    // client record bigger than an alert) and neither side aborted right after.
    f.established = o.client_finished && !o.client_aborted && !o.server_aborted && !has_fatal_plain_alert(f);
    f.resumed = f.server_hello->pre_shared_key;
    // RFC 8446 §5.2: the alert travels as protected application_data; its sender and time are
    // known, its level and description are not.
    if (o.alert != nullptr)
      add_inferred_alert(f, AlertRecord{o.alert->sender, 0, 0, true, false, o.alert->ts, o.alert->packet_number});
  } else if (f.server_hello && f.server_hello->selected_version == tls::version::kSsl2) {
    // SSLv2: after the hellos both sides exchanged records (CLIENT-MASTER-KEY, then protected).
    f.established = f.encrypted[0].bytes > 0 && f.encrypted[1].bytes > 0;
  } else if (f.server_hello) {
    f.established = established_tls12(f) && !has_fatal_plain_alert(f);
    // RFC 5246 §7.3 abbreviated handshake: the server goes straight to ChangeCipherSpec.
    f.resumed = f.certificate_count == 0 && f.history.find('x') == std::string::npos &&
                f.history.find('k') == std::string::npos && has_step(f, StepKind::ChangeCipherSpec, Direction::ServerToClient);
  }
  if (!f.certificates.empty()) {
    auto findings = std::make_shared<CertificateFindings>(check_chain(f, trust, cache));
    f.warnings = findings->warnings;
    f.certificate_findings = std::move(findings);
  }
  f.verdict = decide(FlowFacts(f));
}

}  // namespace tlsdiag::analysis
