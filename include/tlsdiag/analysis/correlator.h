#pragma once
// Correlator: the analysis stage. Input: TlsEvents and the flow lifecycle. Output: one FlowRecord
// per flow that carried payload, with its verdict, when the flow closes (FlowSink::on_flow);
// without the verdict after defer_finalize(), for an analysis::Finalizer downstream to judge.
// Flows without any payload (a lone SYN, a scan) are counted, not reported.
// Ordered mode (files, --order start): flows are released in order of their first packet, each
// as soon as it and every earlier flow have closed; one that closes behind a still-open earlier
// flow goes to FlowSink::hold at once and to FlowSink::release at its turn (instead of on_flow),
// and its record is freed. Unordered mode (files with --order end; live): each flow is released
// when it closes, or with report_when_decided() (live) as soon as its handshake's outcome is
// known (outcome_known), with the counters of that moment and close_reason Open; its later
// events are ignored.
// Memory: an entry per open flow and per closed flow still waiting for its turn; a flow that is
// not reported is forgotten when it closes, so a flood of SYNs behind one long flow costs nothing.
#include <array>
#include <deque>
#include <memory>
#include <string>

#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/reassembly/flow_stats_query.h"
#include "tlsdiag/tls/tls_event_sink.h"
#include "tlsdiag/util/memory_budget.h"

struct x509_store_st;

namespace tlsdiag::analysis {

class CertificateCache;  // certificate_check.h

struct CorrelatorStats {
  std::uint64_t flows_opened = 0;
  std::uint64_t flows_reported = 0;
  std::uint64_t flows_without_payload = 0;  // never carried a byte: not a TLS attempt
  std::uint64_t flows_not_tls = 0;          // both sides spoke something else on a non-TLS port
  // Of the ClientHellos the dissector left to be parsed here (Dissector::defer_client_hellos).
  std::uint64_t client_hellos_extensions_capped = 0;
};

class Correlator : public tls::TlsEventSink {
 public:
  Correlator(FlowSink& next, std::string source_file, bool ordered = true, x509_store_st* trust = nullptr);
  ~Correlator() override;

  void on_open(const reassembly::FlowInfo& flow) override;
  void on_tcp(reassembly::FlowId flow, const reassembly::TcpEvent& event) override;
  void on_gap(reassembly::FlowId flow, Direction dir, std::uint64_t missing, reassembly::GapKind kind,
              Timestamp ts) override;
  void on_tls(const tls::TlsEvent& event) override;
  void take_tls(tls::TlsEvent&& event) override;
  void on_close(reassembly::FlowId flow, reassembly::CloseReason why, Timestamp ts,
                const reassembly::FlowStats& stats) override;
  void on_end(Timestamp last) override;

  // --memory-limit: the records of open flows, what is held of flows waiting for their turn, and
  // the table of entries are charged to |budget| (util/memory_budget.h).
  void set_memory_budget(MemoryBudget* budget) { budget_ = budget; }
  // Hands records on without their verdict, for an analysis::Finalizer further down the chain to
  // judge; by default the correlator judges them itself.
  void defer_finalize() { finalize_ = false; }
  // Unordered mode: report a flow once its outcome is known, counters from |streams|.
  void report_when_decided(const reassembly::FlowStatsQuery& streams) { streams_ = &streams; }

  const CorrelatorStats& stats() const { return stats_; }
  // Entries kept: open flows, and closed ones waiting for an earlier flow (ordered mode).
  std::size_t tracked_flows() const { return tracked_; }

 private:
  struct Apply;
  tls::TlsEventBody parse_hello(const tls::UnparsedClientHello& unparsed);
  // A flow before its first TLS event or gap: what it takes to become a FlowRecord then. A flow
  // that never gets one (no payload: a SYN scan) is never reported, so it never costs a record.
  struct Pending {
    reassembly::FlowInfo info;
    std::array<reassembly::TcpEvent, 4> tcp;  // SYN, SYN-ACK, ...: replayed into the record
    std::uint8_t tcp_count = 0;
  };
  struct Entry {
    std::unique_ptr<Pending> pending;   // from on_open until the first TLS event or gap
    std::unique_ptr<FlowRecord> flow;   // from then until closed; reset when held or dropped
    std::unique_ptr<HeldFlow> held;     // a closed flow waiting for an earlier one (ordered mode)
    bool closed = false;
    bool report = false;
    // Open: what the record owns besides steps, alerts, history (recharge). Held: what the sink
    // keeps for the flow (FlowSink::held_bytes).
    std::uint32_t owned = 0;
    std::size_t charged = 0;  // bytes charged to the memory budget
    bool live() const { return pending || flow || held; }
  };
  Entry* lookup(reassembly::FlowId id);
  // The record of an open flow (made from its Pending on first use), or null.
  FlowRecord* find(reassembly::FlowId id);
  void materialize(Entry& entry);
  void recharge(Entry& entry, bool recount_owned = true);
  void recharge_span();
  static void record_tcp(FlowRecord& flow, const reassembly::TcpEvent& event);
  void forget(reassembly::FlowId id);
  static void add_step(FlowRecord& flow, Step step);
  void release_closed();
  void report_decided(reassembly::FlowId id, FlowRecord& flow, Timestamp now);

  FlowSink& next_;
  std::string source_file_;
  bool ordered_;
  x509_store_st* trust_;
  bool finalize_ = true;
  const reassembly::FlowStatsQuery* streams_ = nullptr;  // set: report flows once decided
  MemoryBudget* budget_ = nullptr;
  std::size_t span_charged_ = 0;  // flows_'s slots, charged to budget_
  std::unique_ptr<CertificateCache> certificates_;  // each server's chain parsed once
  // Open flows and closed ones waiting for their turn: flows_[id - first_id_], an empty Entry for
  // a flow forgotten or never opened. The StreamTable numbers flows 1, 2, ... in order of their
  // first packet, so finding a flow is an array lookup and the front is the next to release;
  // forgotten entries leave the front at once, so the deque spans the oldest tracked flow to the
  // newest (24 bytes per flow opened since).
  std::deque<Entry> flows_;
  reassembly::FlowId first_id_ = 0;
  std::size_t tracked_ = 0;
  CorrelatorStats stats_;
};

// Fills established, resumed, the certificate findings and the verdict of a finished flow
// (exposed for tests). |trust| is an optional X509_STORE for the chain's trust check.
void finalize(FlowRecord& flow, x509_store_st* trust = nullptr, CertificateCache* cache = nullptr);
// Whether a finished flow is reported: it attempted TLS, or met a TLS peer.
bool attempted_tls(const FlowRecord& flow);
// Whether the handshake's outcome is settled while the connection is still open, so that more
// packets could not change the verdict: a fatal alert was seen, or the handshake completed and
// data followed it (TLS <= 1.2: client application data after both Finished; TLS 1.3: the
// server answered the client's Finished with more than an alert, and the client did not abort
// within kPromptAlertNs). |now| is the time of the newest event of the flow.
bool outcome_known(const FlowRecord& flow, Timestamp now);

}  // namespace tlsdiag::analysis
