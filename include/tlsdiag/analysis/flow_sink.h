#pragma once
// FlowSink: where finished flows go (the reports). Inputs are announced and closed around their
// flows so one report can cover several files.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tlsdiag/analysis/flow_record.h"
#include "tlsdiag/analysis/input_counters.h"
#include "tlsdiag/capture/input_info.h"

namespace tlsdiag::analysis {

// Counters from the capture and decode stages for one input.
struct InputStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;             // captured bytes
  std::uint64_t wire_bytes = 0;
  std::uint64_t tcp_packets = 0;
  std::uint64_t non_ip = 0;
  std::uint64_t non_tcp = 0;
  std::uint64_t truncated_packets = 0;  // caplen < len
  std::uint64_t ip_fragments = 0;
  std::uint64_t malformed = 0;  // packets whose headers did not decode: the packet kinds below
  std::uint64_t unsupported_link = 0;
  std::array<std::uint64_t, kMalformedKindCount> malformed_by_kind{};  // packet and TLS kinds
  std::array<std::uint64_t, kCapCount> caps_hit{};  // by Cap; flows + memory = flows_evicted
  // Every flow seen is accounted for: flows_seen == flows_reported + flows_not_tls +
  // flows_without_payload + flows_outside_window (evicted flows are among them: they are
  // reported early, not lost).
  std::uint64_t flows_seen = 0;
  std::uint64_t flows_evicted = 0;
  std::uint64_t flows_reported = 0;         // handed to the report (TLS, or expected TLS)
  std::uint64_t flows_not_tls = 0;          // both sides spoke another protocol on a non-TLS port
  std::uint64_t flows_without_payload = 0;  // no byte of payload (a SYN scan, a refused connection)
  std::uint64_t flows_outside_window = 0;   // TLS flows left out by --since / --until
};


struct InputResult {
  capture::InputInfo info;
  InputStats stats;
  std::optional<std::string> error;  // "truncated record at byte 1234: ..."
  std::optional<std::uint64_t> error_offset;
};

// What a FlowSink keeps of a finished flow that waits for its turn (see FlowSink::hold).
class HeldFlow {
 public:
  virtual ~HeldFlow() = default;
};

class FlowSink {
 public:
  virtual ~FlowSink() = default;
  virtual void on_flow(const FlowRecord& flow) = 0;
  // The same, for a caller that is done with the record: a sink that keeps it (DeferredSink)
  // takes it instead of copying it.
  virtual void take_flow(std::unique_ptr<FlowRecord> flow) { on_flow(*flow); }
  virtual void on_input_done(const InputResult& result) = 0;
  // After every input: write summaries, flush.
  virtual void on_finish() = 0;

  // Ordered delivery without holding records: a flow that finishes while an earlier flow is still
  // open is handed to hold() at once, and what hold() returns comes back to release() at the
  // flow's turn, in place of on_flow. The default keeps the whole record and calls on_flow from
  // release(); a report overrides both to keep only its rendered output, so waiting flows cost a
  // few bytes each instead of a FlowRecord. hold() returns null when nothing is left to do at
  // the flow's turn (a report that does not print the flow); release() is then not called.
  virtual std::unique_ptr<HeldFlow> hold(FlowRecord&& flow) {
    return std::make_unique<HeldRecord>(std::move(flow));
  }
  virtual void release(std::unique_ptr<HeldFlow> held) {
    on_flow(static_cast<const HeldRecord&>(*held).flow);
  }
  // The heap bytes (util/memory_budget.h) that what hold() returned keeps, for a flow whose
  // record took |record_bytes| with all it owns: the correlator charges them to --memory-limit
  // while the flow waits. The default keeps the whole record.
  virtual std::size_t held_bytes(std::size_t record_bytes) const { return record_bytes; }

 private:
  struct HeldRecord final : HeldFlow {
    explicit HeldRecord(FlowRecord&& f) : flow(std::move(f)) {}
    FlowRecord flow;
  };
};

}  // namespace tlsdiag::analysis
