#pragma once
// EventThread: runs the stages after the dissector (the correlator, judging each flow, the
// report) on a thread of their own, so that one input uses two cores: the analysis thread reads,
// decodes, reassembles and dissects; this thread correlates, judges and reports.
//
// Input: one Dissector's calls (tls::TlsEventSink) on the analysis thread. Output: the same
// calls, in the same order, on |next|, from the event thread; so the output is byte for byte what
// |next| would make called directly. drain() returns once every call has reached |next|, and
// rethrows what |next| threw (later calls throw it too).
//
// Calls are packed kBatchCalls at a time into a batch (40 bytes a call; hellos, certificates and
// the other large TLS bodies, flow info and counters in arrays beside it), and batches are
// recycled: a call allocates nothing of its own on the analysis thread, and a few cache lines
// cross between cores, not a 400-byte event. At most kLag batches are in flight; past that the
// analysis thread waits. The event thread copies the large bodies out of a batch, and the
// analysis thread frees the originals when it reuses the batch: each thread frees only what it
// allocated. (With mimalloc a block freed by another thread costs both threads; moving the
// bodies instead took the analysis thread's time in the allocator from 0.03 to 0.13 s on the
// 1 GB benchmark.)
//
// Memory budget: |next| charges the downstream budget given at construction, on the event
// thread. The analysis thread's budget (set_memory_budget) counts, as held elsewhere, what |next|
// held when it had finished the batch kLag batches before the one just handed over; and before
// the reassembler evicts a flow, the budget's settle hook (installed here) drains this thread and
// so makes the figure current. The figure changes only at those points, which depend on the input
// alone, not on how the threads ran: which flows the memory limit evicts is the same on every run
// (though possibly not the same as with one thread). Under sustained memory pressure every
// eviction waits for this thread once. The batches in flight and the spare ones (their bodies
// until reuse) are not charged.
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "tlsdiag/tls/tls_event_sink.h"
#include "tlsdiag/util/memory_budget.h"

namespace tlsdiag::app {

class EventThread final : public tls::TlsEventSink {
 public:
  static constexpr std::size_t kBatchCalls = 2048;
  static constexpr std::size_t kLag = 4;  // batches in flight at most

  // |downstream| is what |next| charges (it must outlive this); null: no budget.
  EventThread(tls::TlsEventSink& next, MemoryBudget* downstream);
  // Stops the thread; calls not yet delivered are dropped (drain() first to deliver them).
  ~EventThread() override;
  EventThread(const EventThread&) = delete;
  EventThread& operator=(const EventThread&) = delete;

  // The analysis thread's budget, told what |next| holds (see above); its settle hook is this
  // thread's drain() until this is destroyed.
  void set_memory_budget(MemoryBudget* budget);

  void on_open(const reassembly::FlowInfo& flow) override;
  void on_tcp(reassembly::FlowId flow, const reassembly::TcpEvent& event) override;
  void on_gap(reassembly::FlowId flow, reassembly::Direction dir, std::uint64_t missing, reassembly::GapKind kind,
              Timestamp ts) override;
  void on_tls(const tls::TlsEvent& event) override;
  void take_tls(tls::TlsEvent&& event) override;
  void on_close(reassembly::FlowId flow, reassembly::CloseReason why, Timestamp ts,
                const reassembly::FlowStats& stats) override;
  void on_end(Timestamp last) override;

  // Waits until |next| has had every call; rethrows the first exception it threw.
  void drain();

 private:
  enum class Kind : std::uint8_t { Open, Tcp, Gap, Tls, Close, End };
  struct Call {
    reassembly::FlowId flow = 0;
    Timestamp ts;
    std::uint64_t packet_number = 0;
    // Tls: a small body's bytes, or its index in bodies; Open, Close: the index of its info or
    // counters; Gap: the missing bytes.
    std::uint64_t value = 0;
    Kind kind = Kind::End;
    reassembly::Direction dir = reassembly::Direction::ClientToServer;
    std::uint8_t code = 0;  // Tls: the body's alternative; Tcp, Gap, Close: the event's kind or reason
    std::uint8_t ttl = 0;   // Tcp
    std::uint8_t prior_ttl = 0;
  };
  static_assert(sizeof(Call) == 40, "the figure above");
  struct Batch {
    std::vector<Call> calls;
    std::vector<tls::TlsEventBody> bodies;
    std::vector<reassembly::FlowInfo> opens;
    std::vector<reassembly::FlowStats> closes;
    void clear();
  };

  void make_room();
  // A call in the filling batch, after make_room() and whatever went into the arrays beside it.
  Call& add(Kind kind, reassembly::FlowId flow, Timestamp ts);
  void hand_over();
  void run();
  void deliver(Batch& batch);
  void deliver_tls(Batch& batch, const Call& call);

  tls::TlsEventSink& next_;
  MemoryBudget* budget_ = nullptr;
  const MemoryBudget* downstream_;  // event thread only
  // Analysis thread only, and written for every call: on cache lines of its own, away from next_,
  // which the event thread reads for every call it delivers (sharing a line cost 5 % of a run).
  alignas(64) Batch filling_;

  alignas(64) std::mutex mutex_;
  std::condition_variable work_ready_;  // the event thread waits for a batch
  std::condition_variable done_;        // the analysis thread waits for room, or for drain
  std::vector<Batch> queue_;            // handed over, not yet taken
  std::vector<Batch> spare_;            // delivered and cleared, for reuse
  std::uint64_t handed_ = 0;     // batches handed over
  std::uint64_t delivered_ = 0;  // batches |next| has had
  // What |downstream| held after batch i, at i % size (the last kLag + 1 batches).
  std::array<std::size_t, kLag + 1> held_after_{};
  bool stop_ = false;
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};  // error_ is set: later calls throw it at once
  std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace tlsdiag::app
