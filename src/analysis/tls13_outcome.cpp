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
  // client_flight: the client's records before the server sent anything after them;
  // client_all: every client record after the server's flight began.
  std::vector<const Step*> client_flight, client_all, server_after_client;
  const auto after = static_cast<std::size_t>(steps.end() - it);  // sized once: this runs for every flow
  client_flight.reserve(after);
  client_all.reserve(after);
  server_after_client.reserve(after);
  bool server_flight = false;
  bool server_ended_after = false;
  bool client_ended = false;
  for (++it; it != steps.end(); ++it) {
    const Step& s = *it;
    const bool from_client = s.sender == Direction::ClientToServer;
    if (from_client && is_end(s)) client_ended = true;
    if (!from_client && is_end(s) && !client_flight.empty()) server_ended_after = true;
    if (!is_protected(s)) continue;
    if (!from_client && client_flight.empty()) server_flight = true;
    else if (from_client && server_flight) {
      client_all.push_back(&s);
      if (server_after_client.empty()) client_flight.push_back(&s);
    } else if (!from_client && !client_ended) server_after_client.push_back(&s);
  }
  if (client_flight.empty()) return out;
  out.client_finished_flight = true;
  out.client_flight_records = static_cast<std::uint32_t>(client_flight.size());
  out.first_client_record = client_flight.front()->length;
  const auto finished = std::ranges::find_if(client_all, [](const Step* s) { return s->length > kMaxAlertRecord; });
  out.client_finished = finished != client_all.end();
  if (out.client_finished) out.client_finished_at = (*finished)->ts;
  out.server_answered = std::ranges::any_of(server_after_client, [](const Step* s) { return s->length > kMaxAlertRecord; });
  out.client_aborted = client_all.size() == 1 && client_all.front()->length <= kMaxAlertRecord;
  if (out.client_aborted) {
    out.alert = client_all.front();
    return out;
  }
  out.server_aborted = server_after_client.size() == 1 && server_after_client.front()->length <= kMaxAlertRecord &&
                       server_ended_after;
  out.data_after_handshake = client_all.size() > client_flight.size() || (!out.server_aborted && !server_after_client.empty());
  // Exactly the client's Finished and one alert-sized record, then the client closed.
  out.client_alert_after_finished = client_ended && client_all.size() == 2 &&
                                    client_all[0]->length > kMaxAlertRecord && client_all[1]->length <= kMaxAlertRecord &&
                                    client_all[1]->ts.ns - client_all[0]->ts.ns <= kPromptAlertNs;
  if (out.server_aborted) out.alert = server_after_client.front();
  else if (out.client_alert_after_finished) out.alert = client_all[1];
  return out;
}

}  // namespace tlsdiag::analysis
