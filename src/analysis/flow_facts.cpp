#include "tlsdiag/analysis/flow_facts.h"

#include <algorithm>
#include <array>

#include "tlsdiag/tls/messages.h"

namespace tlsdiag::analysis {

namespace {
constexpr std::array<std::uint16_t, 16> kTlsPorts = {443,  465,  563,  636,  853,  989,  990,  992,
                                                     993,  994,  995,  4433, 5061, 5986, 8443, 9443};
// A TTL differing by more than this from the sender's previous packet is not the same host path.
constexpr int kTtlTolerance = 2;

const AlertRecord* pick_first_alert(const std::vector<AlertRecord>& alerts) {
  for (const AlertRecord& a : alerts)
    if (!a.visible() || a.level == 2) return &a;
  return alerts.empty() ? nullptr : &alerts.front();
}

bool any_truncation(const FlowRecord& f) {
  for (const auto& d : f.stats.dir)
    if (d.truncated_packets > 0 || d.gaps > 0) return true;
  return std::ranges::any_of(f.steps, [](const Step& s) { return s.kind == StepKind::Malformed; }) &&
         std::ranges::any_of(f.notes, [](const std::string& n) { return n.find("truncated") != std::string::npos; });
}
}  // namespace

bool handshake_decrypted(const FlowRecord& f) {
  bool any = false;
  for (int d = 0; d < 2; ++d) {
    const EncryptedCounts& c = f.encrypted[d];
    const bool sent_protected = c.handshake_records + c.application_records + c.alert_records > 0;
    if (f.decryption[d] == Decryption::Decrypted) any = true;
    else if (sent_protected) return false;
  }
  return any;
}

bool is_tls_port(std::uint16_t port) { return std::ranges::find(kTlsPorts, port) != kTlsPorts.end(); }

FlowFacts::FlowFacts(const FlowRecord& flow) : f(flow) {
  client_hello = flow.client_hello.has_value();
  server_hello = flow.server_hello.has_value();
  tls13 = server_hello && tls::version_rank(flow.server_hello->selected_version) == tls::version::kTls13;
  client_bytes = flow.stats.dir[0].payload_bytes;
  server_bytes = flow.stats.dir[1].payload_bytes;
  client_packets = flow.stats.dir[0].packets;
  server_packets = flow.stats.dir[1].packets;
  client_non_tls = !flow.non_tls_prefix[0].empty();
  server_non_tls = !flow.non_tls_prefix[1].empty();
  server_tls_bytes = std::ranges::any_of(flow.steps, [](const Step& s) {
    return s.sender == Direction::ServerToClient && s.kind != StepKind::NonTls && s.kind != StepKind::Fin &&
           s.kind != StepKind::Rst && s.kind != StepKind::Gap && s.kind != StepKind::Malformed;
  });
  server_malformed = std::ranges::any_of(flow.steps, [](const Step& s) {
    return s.sender == Direction::ServerToClient && s.kind == StepKind::Malformed;
  });
  first_alert = pick_first_alert(flow.alerts);
  for (const TcpControl& t : flow.tcp_events) {
    using K = reassembly::TcpEventKind;
    if (t.kind == K::Rst && first_rst == nullptr) first_rst = &t;
    if (t.kind == K::Fin && t.sender == Direction::ClientToServer && client_fin == nullptr) client_fin = &t;
    if (t.kind == K::Fin && t.sender == Direction::ServerToClient && server_fin == nullptr) server_fin = &t;
    if (t.kind == K::Fin || t.kind == K::Rst) (t.sender == Direction::ClientToServer ? client_ended : server_ended) = true;
  }
  truncated_capture = any_truncation(flow);
  decrypted = handshake_decrypted(flow);
  certificates = flow.certificate_findings.get();
  on_tls_port = is_tls_port(flow.server.port);
  if (first_rst != nullptr && first_rst->prior_ttl != 0)
    rst_ttl_anomaly = std::abs(int{first_rst->ttl} - int{first_rst->prior_ttl}) > kTtlTolerance;
}

}  // namespace tlsdiag::analysis
