#pragma once
// ReportThread: runs the stages after the correlator (judging each flow: analysis::Finalizer;
// the report's summary, rendering, spilling and writing) on a thread of their own, so that one
// input's analysis and its report use two cores.
//
// Input: one Correlator's calls (take_flow / on_flow, hold, release) on the analysis thread.
// Output: the same calls, in the same order, on |next|, from the report thread; so the output
// is byte for byte what |next| would make called directly. hold() returns a token at once (never
// null: whether |next| wants the release is known only on the report thread, which keeps what
// |next|'s hold returned by token). drain() returns once every call has reached |next|, and
// rethrows what |next| threw; on_input_done and on_finish are not forwarded (the caller reports
// the input after drain(), as it does after the chain without this stage).
// Calls are handed over kWakeBatch at a time (or by drain()): one lock and one wake-up per batch,
// where one per flow would cost more than the flow's report.
// Memory: at most kMaxQueued calls in flight, each with its FlowRecord (past it the analysis
// thread waits). Records go back to the analysis thread to be freed, so that the two threads do
// not free into each other's malloc arenas.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <deque>
#include <vector>

#include "tlsdiag/analysis/flow_sink.h"

namespace tlsdiag::app {

class ReportThread final : public analysis::FlowSink {
 public:
  static constexpr std::size_t kMaxQueued = 256;
  static constexpr std::size_t kWakeBatch = 64;  // calls handed over at a time

  explicit ReportThread(analysis::FlowSink& next);
  // Stops the thread; calls not yet delivered are dropped (drain() first to deliver them).
  ~ReportThread() override;
  ReportThread(const ReportThread&) = delete;
  ReportThread& operator=(const ReportThread&) = delete;

  void on_flow(const analysis::FlowRecord& flow) override;  // copies the record
  void take_flow(std::unique_ptr<analysis::FlowRecord> flow) override;
  std::unique_ptr<analysis::HeldFlow> hold(analysis::FlowRecord&& flow) override;
  std::unique_ptr<analysis::HeldFlow> take_and_hold(std::unique_ptr<analysis::FlowRecord> flow) override;
  void release(std::unique_ptr<analysis::HeldFlow> held) override;
  // The token and its slot here, and what |next| keeps (asked on this thread: |next|'s figure
  // must not depend on what the report thread is doing).
  std::size_t held_bytes(std::size_t record_bytes) const override;
  void on_input_done(const analysis::InputResult&) override {}
  void on_finish() override {}

  // Waits until |next| has had every call; rethrows the first exception it threw.
  void drain();

 private:
  struct Token;
  enum class Kind : std::uint8_t { Flow, Hold, Release };
  struct Call {
    Kind kind = Kind::Flow;
    std::uint64_t token = 0;                     // Hold, Release
    std::unique_ptr<analysis::FlowRecord> flow;  // Flow, Hold
  };

  void push(Call call);
  void hand_over();
  void free_returned(std::unique_lock<std::mutex>& lock);
  void run();
  void deliver(Call& call);

  analysis::FlowSink& next_;
  std::mutex mutex_;
  std::condition_variable work_ready_;  // the report thread waits for calls
  std::condition_variable room_;        // the analysis thread waits for room, or for drain
  std::vector<Call> outbox_;            // analysis thread only: calls not handed over yet
  std::vector<Call> queue_;             // analysis -> report
  std::vector<std::unique_ptr<analysis::FlowRecord>> returned_;  // report -> analysis, to free
  std::size_t in_flight_ = 0;  // calls queued or being delivered (not those in outbox_)
  bool stop_ = false;
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};  // error_ is set: later calls throw it at once
  std::uint64_t next_token_ = 1;
  // Report thread only: what |next|.hold returned for token first_held_ + i, until its release
  // (null: nothing to release, or released). Tokens are numbered in order of hold, so the deque
  // spans the oldest flow still held to the newest: 8 bytes each, not a hash node.
  std::deque<std::unique_ptr<analysis::HeldFlow>> held_;
  std::uint64_t first_held_ = 1;
  std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace tlsdiag::app
