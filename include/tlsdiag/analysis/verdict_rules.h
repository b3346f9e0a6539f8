#pragma once
// Verdict rules: an ordered table {name, matches, apply}; the first rule that matches a finished
// flow decides its verdict. Each rule names the evidence it used.
#include <span>
#include <string_view>

#include "tlsdiag/analysis/flow_facts.h"

namespace tlsdiag::analysis {

struct VerdictRule {
  std::string_view name;
  bool (*matches)(const FlowFacts& facts);
  void (*apply)(const FlowFacts& facts, Verdict& out);
};

std::span<const VerdictRule> verdict_rules();
Verdict decide(const FlowFacts& facts);

// TLS 1.3 inference over protected records (no keys): who aborted after whose flight.
struct Tls13Outcome {
  bool client_finished_flight = false;  // the client sent protected records after the server's
  bool client_aborted = false;          // ... exactly one, alert-sized: an alert, not Finished
  // The server answered the client's flight with one alert-sized record and closed, before the
  // client closed (after a client FIN, that record is only the server's close_notify).
  bool server_aborted = false;
  bool client_finished = false;         // a client record big enough to be its Finished
  const Step* alert = nullptr;          // the record read as an alert (points into flow.steps)
  std::uint32_t client_flight_records = 0;
  std::uint32_t first_client_record = 0;  // payload length
  bool data_after_handshake = false;
  // After its Finished the client sent only alert-sized records and closed: it rejected the
  // server once the handshake was over (e.g. a hostname check in the application) or was a probe.
  bool client_alert_after_finished = false;
  Timestamp client_finished_at;  // the first client record big enough to be its Finished
  // The server sent a record bigger than an alert after the client's flight: a ticket or an
  // answer, so it accepted the client's Finished (and certificate, if it asked for one).
  bool server_answered = false;
};
Tls13Outcome tls13_outcome(const FlowRecord& flow);

// An alert-sized protected record: 2 alert bytes + content type + padding + 16-byte AEAD tag.
// A Finished is at least 4 + 32 + 1 + 16 = 53 bytes, so these never collide.
inline constexpr std::uint32_t kMaxAlertRecord = 35;
// A client that rejects the server after the handshake (an application-level check) sends its
// alert right after its Finished, without waiting for the network. A close_notify after a pause
// is an idle connection closing (browsers close unused pre-connections this way).
inline constexpr std::int64_t kPromptAlertNs = 50'000'000;

}  // namespace tlsdiag::analysis
