#pragma once
// Dissector: the TLS stage. Input: reassembled bytes per direction (StreamSink). Output: what was
// on the wire, as TlsEvents, plus the flow lifecycle passed through (TlsEventSink).
// Per direction it detects TLS (or SSLv2 CLIENT-HELLO, or not-TLS), cuts records (in place when a
// record sits inside one delivered chunk), assembles handshake messages and parses the ones the
// analysis needs. It resynchronises at the next plausible record header after a gap or garbage,
// and stops asking for bytes once a direction is past its handshake (kEncryptedRecordsKept).
// With a key log, protected records of connections whose secrets it holds are decrypted and
// what they hold is parsed as if it had been in clear (direction_keys.h).
// Limits: a partial record is at most 5 + 2^14 + 2048 bytes; handshake messages, certificates
// kept and extensions parsed per TlsLimits (each hit counted in DissectorStats); non-TLS bytes
// are scanned for a STARTTLS upgrade up to kStartTlsScanBytes.
#include <array>
#include <memory>
#include <deque>

#include "tlsdiag/reassembly/stream_sink.h"
#include "tlsdiag/tls/handshake_assembler.h"
#include "tlsdiag/tls/hello_parsers.h"
#include "tlsdiag/tls/malformed_kind.h"
#include "tlsdiag/tls/other_messages.h"
#include "tlsdiag/tls/tls_event_sink.h"
#include "tlsdiag/util/memory_budget.h"

namespace tlsdiag::tls {

inline constexpr std::uint32_t kEncryptedRecordsKept = 16;
inline constexpr std::uint64_t kStartTlsScanBytes = 64 * 1024;
inline constexpr std::size_t kNonTlsPrefixBytes = 64;

// The TLS stage's caps (--max-handshake-message, --max-certificates, --max-extensions); the
// defaults are the documented ones (docs/hostile-input.md).
struct TlsLimits {
  std::uint32_t max_handshake_message = kMaxHandshakeMessage;  // longer ones are skipped
  std::size_t max_certificates = kMaxCertificatesKept;         // kept per chain
  std::size_t max_extensions = kMaxExtensions;                 // parsed per hello
};

struct DissectorStats {
  std::uint64_t records = 0;
  std::uint64_t handshake_messages = 0;
  std::uint64_t malformed = 0;  // Malformed events: the sum of malformed_by_kind
  std::array<std::uint64_t, kMalformedKindCount> malformed_by_kind{};
  std::uint64_t resyncs = 0;
  std::uint64_t records_decrypted = 0;
  // Caps hit. A message over max_handshake_message is malformed_by_kind[OversizedMessage].
  std::uint64_t certificate_chains_capped = 0;  // chains of more certificates than max_certificates
  // Hellos of more extensions than max_extensions: ServerHellos, and ClientHellos unless deferred
  // (defer_client_hellos: the sink that parses them counts them).
  std::uint64_t hellos_extensions_capped = 0;

  std::uint64_t malformed_count(MalformedKind kind) const {
    return malformed_by_kind[static_cast<std::size_t>(kind)];
  }
};

class KeyLog;

class Dissector : public reassembly::StreamSink {
 public:
  // |keys| (may be null) must outlive the dissector.
  explicit Dissector(TlsEventSink& next, const KeyLog* keys = nullptr, TlsLimits limits = {});
  ~Dissector() override;

  void on_open(const reassembly::FlowInfo& flow) override;
  void on_tcp(FlowId flow, const reassembly::TcpEvent& event) override;
  bool on_data(FlowId flow, Direction dir, std::span<const std::uint8_t> bytes, Timestamp ts,
               std::uint64_t packet_number) override;
  void on_gap(FlowId flow, Direction dir, std::uint64_t missing_bytes, reassembly::GapKind kind,
              Timestamp ts) override;
  void on_close(FlowId flow, reassembly::CloseReason why, Timestamp ts,
                const reassembly::FlowStats& stats) override;
  void on_end(Timestamp last) override;

  const DissectorStats& stats() const { return stats_; }
  // --memory-limit: each flow's state and the bytes it holds (partial records, handshake
  // messages being assembled), and the table of slots, are charged to |budget| (see
  // util/memory_budget.h).
  void set_memory_budget(MemoryBudget* budget) { budget_ = budget; }
  // Emit each ClientHello as an UnparsedClientHello, checked (malformed ones are still Malformed
  // here) but parsed by the sink: for a sink on another thread (the event thread), which then
  // does the parsing. The sink then counts the ClientHellos past max_extensions;
  // hellos_extensions_capped counts the ServerHellos'.
  void defer_client_hellos() { defer_hellos_ = true; }

 private:
  struct FlowState;
  struct DirectionState;
  struct Context;
  FlowState* find(FlowId id);

  TlsEventSink& next_;
  const KeyLog* keys_;
  TlsLimits limits_;
  bool defer_hellos_ = false;
  // Open flows by id: flows_[id - first_id_] (the StreamTable numbers flows 1, 2, ... in order,
  // so finding a flow is an array lookup). A flow's state is made at its first byte or gap: a
  // connection that never carries payload (a SYN scan) costs a slot, not a FlowState.
  struct Slot {
    std::unique_ptr<FlowState> state;
    bool open = false;
    bool syn_seen = false;
  };
  Slot* slot(FlowId id);
  FlowState* state_for(FlowId id);  // made on first use; null when the flow is not open
  void forget(FlowId id);
  void recharge(FlowState& flow, DirectionState& dir);
  void recharge_slots();
  std::deque<Slot> flows_;
  FlowId first_id_ = 0;
  MemoryBudget* budget_ = nullptr;
  std::size_t slots_charged_ = 0;  // flows_, charged to budget_
  DissectorStats stats_;
  // The certificates' DER, one copy per distinct certificate. The flows that carry one are each
  // charged its full size (Correlator); what only this table holds, at most 4 MiB, is outside
  // the budget, as the certificate cache is.
  ByteInterner certificates_;
};

}  // namespace tlsdiag::tls
