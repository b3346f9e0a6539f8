#include <algorithm>

#include "tlsdiag/analysis/verdict_rules.h"

namespace tlsdiag::analysis {

namespace {
// TLS 1.3 protects every record after the ServerHello as application_data (RFC 8446 §5.2).
bool is_protected(const Step& s) { return s.kind == StepKind::EncryptedRecord; }
bool is_end(const Step& s) { return s.kind == StepKind::Fin || s.kind == StepKind::Rst; }
}  // namespace

// Walks the steps after the ServerHello: the server's protected flight, the client's protected
// records after it, and what the server sent after those.
Tls13Outcome tls13_outcome(const FlowRecord& flow) {
  Tls13Outcome out;
  const auto& steps = flow.steps;
  auto it = std::ranges::find_if(steps, [](const Step& s) { return s.kind == StepKind::ServerHello; });
  if (it == steps.end()) return out;
  std::vector<const Step*> client_records, server_after_client;
  bool server_flight = false;
  bool server_ended_after = false;
  bool client_ended = false;
  for (++it; it != steps.end(); ++it) {
    const Step& s = *it;
    const bool from_client = s.sender == Direction::ClientToServer;
    if (!from_client && is_protected(s) && client_records.empty()) server_flight = true;
    else if (from_client && is_protected(s) && server_flight && server_after_client.empty()) client_records.push_back(&s);
    else if (from_client && is_protected(s) && server_flight) out.data_after_handshake = true;
    else if (!from_client && is_protected(s) && !client_records.empty() && !client_ended) server_after_client.push_back(&s);
    else if (!from_client && is_end(s) && !client_records.empty()) server_ended_after = true;
    if (from_client && is_end(s)) client_ended = true;
  }
  if (client_records.empty()) return out;
  out.client_finished_flight = true;
  out.client_flight_records = static_cast<std::uint32_t>(client_records.size());
  out.first_client_record = client_records.front()->length;
  out.client_aborted = client_records.size() == 1 && client_records.front()->length <= kMaxAlertRecord &&
                       client_records.front()->kind == StepKind::EncryptedRecord && server_after_client.empty();
  if (out.client_aborted) return out;
  out.server_aborted = server_after_client.size() == 1 && server_after_client.front()->length <= kMaxAlertRecord &&
                       server_ended_after;
  if (!out.server_aborted && !server_after_client.empty()) out.data_after_handshake = true;
  out.client_finished = std::ranges::any_of(client_records, [](const Step* s) { return s->length > kMaxAlertRecord; });
  // The client's flight is its Finished (after a Certificate and CertificateVerify when it has
  // one); a later record bigger than an alert is application data, even if the server then
  // sends nothing before the capture or connection ends.
  if (!out.server_aborted && client_records.size() >= 2 &&
      std::ranges::any_of(client_records.begin() + 1, client_records.end(),
                          [](const Step* s) { return s->length > kMaxAlertRecord; }))
    out.data_after_handshake = true;
  // The client's Finished is its first record (or second, after a Certificate): anything it
  // sent later that is bigger than an alert is application data.
  const auto after_finished = std::ranges::subrange(client_records.begin() + 1, client_records.end());
  out.client_alert_after_finished =
      client_ended && client_records.size() == 2 && client_records.front()->length > kMaxAlertRecord &&
      std::ranges::all_of(after_finished, [](const Step* s) { return s->length <= kMaxAlertRecord; });
  return out;
}

}  // namespace tlsdiag::analysis
