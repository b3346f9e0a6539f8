#pragma once
// FlowFacts: what the verdict rules ask of a finished flow, derived once from its FlowRecord.
#include <optional>

#include "tlsdiag/analysis/flow_record.h"

namespace tlsdiag::analysis {

struct FlowFacts {
  explicit FlowFacts(const FlowRecord& flow);

  const FlowRecord& f;
  bool client_hello = false;
  bool server_hello = false;   // a real ServerHello, not a HelloRetryRequest
  bool tls13 = false;          // the server selected TLS 1.3 (or a draft of it)
  std::uint64_t client_bytes = 0;
  std::uint64_t server_bytes = 0;
  std::uint64_t server_packets = 0;
  std::uint64_t client_packets = 0;
  bool client_non_tls = false;
  bool server_non_tls = false;
  bool server_tls_bytes = false;         // the server sent at least one TLS record
  bool server_malformed = false;         // the server sent bytes framed as TLS that did not parse
  const AlertRecord* first_alert = nullptr;  // first fatal or encrypted alert, else first alert
  const TcpControl* first_rst = nullptr;
  const TcpControl* client_fin = nullptr;
  const TcpControl* server_fin = nullptr;
  bool truncated_capture = false;        // snaplen cut, gaps or a record cut off by the end
  bool on_tls_port = false;              // server port is one TLS normally runs on
  bool rst_ttl_anomaly = false;          // the RST's TTL differs from its sender's earlier packets
  bool client_ended = false;             // the client sent FIN or RST
  bool server_ended = false;
  bool decrypted = false;                // handshake_decrypted(f)
  const CertificateFindings* certificates = nullptr;  // the server chain judged at capture time
};

// A key log opened the protected records of every side that sent any (at least one did): what
// they held is known, nothing about them has to be inferred from record sizes.
bool handshake_decrypted(const FlowRecord& f);
// Ports where a TLS server is expected (HTTPS, SMTPS, LDAPS, DNS over TLS, IMAPS, POP3S, ...).
bool is_tls_port(std::uint16_t port);
// The first bytes of an HTTP/1.x request (or the HTTP/2 preface).
bool looks_like_http_request(const std::vector<std::uint8_t>& prefix);

}  // namespace tlsdiag::analysis
