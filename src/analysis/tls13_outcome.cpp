#include <algorithm>

#include "tlsdiag/analysis/verdict_rules.h"

namespace tlsdiag::analysis {

namespace {
// TLS 1.3 protects every record after the ServerHello as application_data (RFC 8446 §5.2).
bool is_protected(const Step& s) { return s.kind == StepKind::EncryptedRecord; }
bool is_end(const Step& s) { return s.kind == StepKind::Fin || s.kind == StepKind::Rst; }

// What the walk needs of a run of records: how many, the first two, and the first one larger
// than an alert. No list is kept: this runs for every flow.
struct Records {
  std::size_t count = 0;
  const Step* first = nullptr;
  const Step* second = nullptr;
  const Step* first_big = nullptr;
  void add(const Step& s) {
    if (count == 0) first = &s;
    else if (count == 1) second = &s;
    if (first_big == nullptr && s.length > kMaxAlertRecord) first_big = &s;
    ++count;
  }
};
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
  Records client_flight, client_all, server_after_client;
  bool server_flight = false;
  bool server_ended_after = false;
  bool client_ended = false;
  for (++it; it != steps.end(); ++it) {
    const Step& s = *it;
    const bool from_client = s.sender == Direction::ClientToServer;
    if (from_client && is_end(s)) client_ended = true;
    if (!from_client && is_end(s) && client_flight.count > 0) server_ended_after = true;
    if (!is_protected(s)) continue;
    if (!from_client && client_flight.count == 0) server_flight = true;
    else if (from_client && server_flight) {
      client_all.add(s);
      if (server_after_client.count == 0) client_flight.add(s);
    } else if (!from_client && !client_ended) server_after_client.add(s);
  }
  if (client_flight.count == 0) return out;
  out.client_finished_flight = true;
  out.client_flight_records = static_cast<std::uint32_t>(client_flight.count);
  out.first_client_record = client_flight.first->length;
  out.client_finished = client_all.first_big != nullptr;
  if (out.client_finished) out.client_finished_at = client_all.first_big->ts;
  out.server_answered = server_after_client.first_big != nullptr;
  out.client_aborted = client_all.count == 1 && client_all.first->length <= kMaxAlertRecord;
  if (out.client_aborted) {
    out.alert = client_all.first;
    return out;
  }
  out.server_aborted = server_after_client.count == 1 && server_after_client.first->length <= kMaxAlertRecord &&
                       server_ended_after;
  out.data_after_handshake = client_all.count > client_flight.count || (!out.server_aborted && server_after_client.count > 0);
  // Exactly the client's Finished and one alert-sized record, then the client closed.
  out.client_alert_after_finished = client_ended && client_all.count == 2 &&
                                    client_all.first->length > kMaxAlertRecord && client_all.second->length <= kMaxAlertRecord &&
                                    client_all.second->ts.ns - client_all.first->ts.ns <= kPromptAlertNs;
  if (out.server_aborted) out.alert = server_after_client.first;
  else if (out.client_alert_after_finished) out.alert = client_all.second;
  return out;
}

}  // namespace tlsdiag::analysis
