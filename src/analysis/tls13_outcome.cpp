#include <algorithm>

#include "tlsdiag/analysis/verdict_rules.h"

namespace tlsdiag::analysis {

namespace {
bool is_protected(const Step& s) {
  return s.kind == StepKind::EncryptedRecord || (s.kind == StepKind::Alert);
}
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
  for (++it; it != steps.end(); ++it) {
    const Step& s = *it;
    const bool from_client = s.sender == Direction::ClientToServer;
    if (!from_client && is_protected(s) && client_records.empty()) server_flight = true;
    else if (from_client && is_protected(s) && server_flight && server_after_client.empty()) client_records.push_back(&s);
    else if (from_client && is_protected(s) && server_flight) out.data_after_handshake = true;
    else if (!from_client && is_protected(s) && !client_records.empty()) server_after_client.push_back(&s);
    else if (!from_client && is_end(s) && !client_records.empty()) server_ended_after = true;
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
  return out;
}

}  // namespace tlsdiag::analysis
