#pragma once
// DeferredSink: the FlowSink one input's chain writes to in batch mode, so that inputs analysed
// in parallel reach the shared report exactly as they would one after the other.
//
// Input: the calls of one Correlator (on_flow, hold, release), from the thread that runs the
// input's correlator (its worker, or the input's app::EventThread). Output: the same calls, in the
// same order, on the shared report. Until the input's turn (forward_to) they are recorded with
// their FlowRecords; forward_to replays the record, and from then on calls go straight through.
// Replaying the calls themselves, holds included, rather than just the flows matters: a report
// counts a held flow when it is held, so the order of hold and on_flow calls is part of the output
// (first-seen examples in the summary).
//
// Threads: that thread calls on_flow/hold/release, the main thread calls forward_to once; a mutex
// orders them. The report is touched by whoever holds the mutex after forward_to, and by nobody
// else until the input is done: the caller's side of that bargain (BatchRunner).
// on_input_done and on_finish are not forwarded: the caller reports the input when it is done.
// Memory: while recording, every finished flow of the input (a FlowRecord each).
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "tlsdiag/analysis/flow_sink.h"

namespace tlsdiag::app {

class DeferredSink final : public analysis::FlowSink {
 public:
  void on_flow(const analysis::FlowRecord& flow) override;
  void take_flow(std::unique_ptr<analysis::FlowRecord> flow) override;
  std::unique_ptr<analysis::HeldFlow> hold(analysis::FlowRecord&& flow) override;
  void release(std::unique_ptr<analysis::HeldFlow> held) override;
  // Connected: the report's own figure. Recording: a token, and the whole record in calls_.
  std::size_t held_bytes(std::size_t record_bytes) const override;
  void on_input_done(const analysis::InputResult&) override {}
  void on_finish() override {}

  // Replays what was recorded into |report|, then forwards every later call to it.
  void forward_to(analysis::FlowSink& report);
  // Calls recorded and not yet replayed.
  std::size_t recorded() const;

 private:
  struct Token;  // what hold() hands the correlator
  enum class Kind : std::uint8_t { Flow, Hold, Release };
  struct Call {
    Kind kind;
    std::uint64_t token = 0;  // Hold, Release: which held flow
    std::unique_ptr<analysis::FlowRecord> flow;  // Flow, Hold
  };

  void replay(Call& call);
  void release_to_report(std::uint64_t token);

  mutable std::mutex mutex_;
  analysis::FlowSink* report_ = nullptr;  // set by forward_to
  // report_ for held_bytes, which does not take the mutex: the correlator asks for every held
  // flow, while the main thread may be inside the report for a long time (a lock there once
  // measured 1.09 -> 1.5 s on the 1 GB workload); a report's figure is a constant.
  std::atomic<analysis::FlowSink*> connected_{nullptr};
  std::vector<Call> calls_;
  // Flows held while recording, handed to the report's hold() by replay, waiting for release;
  // by token. A null value: the report has nothing left to do for that flow.
  std::unordered_map<std::uint64_t, std::unique_ptr<analysis::HeldFlow>> held_by_report_;
  std::uint64_t next_token_ = 1;
};

}  // namespace tlsdiag::app
