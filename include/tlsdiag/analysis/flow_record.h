#pragma once
// FlowRecord: everything known about one TCP connection that attempted TLS (or was expected to),
// built by the correlator from TlsEvents and handed to the reports when the flow ends.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/container/static_vector.hpp>

#include "tlsdiag/analysis/verdict.h"
#include "tlsdiag/reassembly/flow.h"
#include "tlsdiag/tls/messages.h"
#include "tlsdiag/util/boxed.h"

namespace tlsdiag::analysis {

using reassembly::Direction;
struct CertificateFindings;  // certificate_check.h

struct AlertRecord {
  Direction sender = Direction::ServerToClient;
  std::uint8_t level = 0;
  std::uint8_t description = 0;
  bool encrypted = false;  // sent in a protected record: level/description unknown...
  bool decrypted = false;  // ...unless a key log opened it
  Timestamp ts;
  std::uint64_t packet_number = 0;
  bool visible() const { return !encrypted || decrypted; }
};

// What a key log did for one direction's protected records (none: no key log, or nothing
// protected was sent).
enum class Decryption : std::uint8_t { None, Decrypted, Failed, NoKeys, UnsupportedSuite };

struct CertificateRecord {
  SharedBytes der;  // empty when the chain was past the cap; shared with the other flows that carry it
  std::uint32_t size = 0;
};

struct TcpControl {
  reassembly::TcpEventKind kind = reassembly::TcpEventKind::Syn;
  Direction sender = Direction::ClientToServer;
  Timestamp ts;
  std::uint8_t ttl = 0;
  std::uint8_t prior_ttl = 0;
  std::uint64_t packet_number = 0;
};

// One step of the handshake in capture order, kept for the verdict rules and the evidence.
enum class StepKind : std::uint8_t { ClientHello, ServerHello, HelloRetryRequest, Certificate,
                                     PlainHandshake, ChangeCipherSpec, Alert, EncryptedRecord,
                                     NonTls, Fin, Rst, Gap, Malformed };
struct Step {
  StepKind kind = StepKind::ClientHello;
  Direction sender = Direction::ClientToServer;
  std::uint8_t content_type = 0;  // EncryptedRecord: outer content type
  std::uint32_t length = 0;       // EncryptedRecord: record payload length; Gap: missing bytes
  Timestamp ts;
  std::uint64_t packet_number = 0;
};
inline constexpr std::size_t kMaxSteps = 64;
// Lists a hostile flow can make long (a million alerts, FINs or handshake messages) keep their
// first entries and count the rest (*_omitted), like notes. As many alerts as steps, so the alert
// of every kept Alert step is kept; history as long as Zeek's (SSL::max_ssl_history_length).
inline constexpr std::size_t kMaxAlerts = kMaxSteps;
inline constexpr std::size_t kMaxTcpEvents = 32;
inline constexpr std::size_t kMaxHistory = 100;

struct EncryptedCounts {
  std::uint32_t handshake_records = 0;  // content type 22 after ChangeCipherSpec (Finished)
  std::uint32_t application_records = 0;  // content type 23 (all TLS 1.3 protected records)
  std::uint32_t alert_records = 0;      // content type 21, protected
  std::uint64_t bytes = 0;
  // Sizes of the first encrypted records, kept inline: a heap block per direction was one more
  // allocation for every flow.
  boost::container::static_vector<std::uint16_t, 8> first_sizes;
};

struct FlowRecord {
  std::string source_file;
  std::uint64_t first_packet = 0;
  reassembly::FlowId id = 0;
  net::Endpoint client;
  net::Endpoint server;
  Timestamp first_seen;
  Timestamp last_seen;
  bool syn_seen = false;
  bool roles_from_client_hello = false;  // no SYN: client decided by who sent the ClientHello

  std::optional<tls::ClientHello> client_hello;
  // Only after a HelloRetryRequest: on the heap, not in every record.
  Boxed<tls::ServerHello> hello_retry_request;
  Boxed<tls::ClientHello> second_client_hello;
  std::optional<tls::ServerHello> server_hello;
  std::vector<CertificateRecord> certificates;
  std::uint32_t certificate_count = 0;
  bool certificate_request = false;
  bool client_certificate_empty = false;
  std::optional<std::uint16_t> server_key_exchange_group;
  // The first kMaxAlerts, and past them the first that decides the verdict (encrypted or fatal)
  // if none kept does.
  std::vector<AlertRecord> alerts;
  std::uint64_t alerts_omitted = 0;
  // The first kMaxTcpEvents, and past them the first of each kind from each side.
  std::vector<TcpControl> tcp_events;
  std::uint64_t tcp_events_omitted = 0;
  std::vector<Step> steps;  // first kMaxSteps steps, in order
  std::string history;  // first kMaxHistory letters
  std::uint64_t history_omitted = 0;
  bool established = false;
  bool resumed = false;

  EncryptedCounts encrypted[2];
  Decryption decryption[2] = {Decryption::None, Decryption::None};
  reassembly::FlowStats stats;
  std::vector<std::uint8_t> non_tls_prefix[2];  // first bytes of a direction that was not TLS
  std::vector<std::string> notes;  // malformed input, caps hit, gaps: findings with offsets (capped)
  std::uint64_t notes_omitted = 0;  // past the cap: counted in the last note
  // The server's chain judged at capture time (only when a chain was seen in clear).
  std::shared_ptr<const CertificateFindings> certificate_findings;
  std::vector<std::string> warnings;  // problems that did not stop the handshake (certificates)
  reassembly::CloseReason close_reason = reassembly::CloseReason::EndOfCapture;

  Verdict verdict;
};

}  // namespace tlsdiag::analysis
