#pragma once
// MemoryBudget: --memory-limit, one per pipeline (and with app::EventThread a second one, which
// only counts what the correlator holds on that thread; the first learns it as "elsewhere"). The
// stages that hold memory per flow charge what they hold and release it when it goes: the
// reassembler its flow slots, index arrays, tombstones and out-of-order bytes, the dissector its
// flow states, partial records and handshake messages, the correlator its flow records and their
// hellos, certificates and notes. The reassembler, which owns the flow table, closes the least
// recently active flows (evicted: judged and reported at once, counted) while the total is over the
// limit.
// A charge is what the heap holds for it: each block as malloc rounds it (heap_block), a
// container's capacity rather than its size, and the arrays a stage keeps for reuse (the slots
// of closed flows, hash index arrays: they never shrink) for as long as they stay allocated. The
// limit bounds what grows with the traffic; the fixed part of the process (libraries, I/O
// buffers, the report's spill store and summary, the event thread's batches in flight) is
// outside it (docs/hostile-input.md).
#include <algorithm>
#include <cstddef>
#include <functional>
#include <utility>

namespace tlsdiag {

// Bytes glibc's malloc takes for an n-byte block: n plus its 8-byte chunk header, rounded up to
// 16, at least 32 (0 for no block: an empty container's capacity).
constexpr std::size_t heap_block(std::size_t n) {
  return n == 0 ? 0 : std::max<std::size_t>(32, (n + 8 + 15) & ~std::size_t{15});
}

class MemoryBudget {
 public:
  explicit MemoryBudget(std::size_t limit = 0) : limit_(limit) {}

  void charge(std::size_t bytes) {
    used_ += bytes;
    peak_ = std::max(peak_, used_ + elsewhere_);
  }
  void release(std::size_t bytes) { used_ -= std::min(bytes, used_); }
  // From |from| to |to| bytes for one holder (|from| is what it charged before).
  void adjust(std::size_t from, std::size_t to) {
    if (to > from) charge(to - from);
    else release(from - to);
  }
  bool over() const { return limit_ != 0 && used_ + elsewhere_ > limit_; }

  // What the stages on another thread hold (app/event_thread.h), as of a point that thread's
  // feeder chose; |settle| makes the figure current, waiting for that thread.
  void set_elsewhere(std::size_t bytes) {
    elsewhere_ = bytes;
    peak_ = std::max(peak_, used_ + elsewhere_);
  }
  void set_settle(std::function<void()> settle) { settle_ = std::move(settle); }
  // over(), asked again with a current figure for the other thread before saying yes: a stale
  // figure must not make the caller evict flows whose memory is already gone.
  bool over_when_settled() {
    if (!over() || !settle_) return over();
    settle_();
    return over();
  }

  std::size_t limit() const { return limit_; }  // 0: none
  std::size_t used() const { return used_; }  // charged here, without elsewhere
  std::size_t elsewhere() const { return elsewhere_; }
  std::size_t peak() const { return peak_; }

 private:
  std::size_t limit_;
  std::size_t used_ = 0;
  std::size_t peak_ = 0;
  std::size_t elsewhere_ = 0;
  std::function<void()> settle_;
};

}  // namespace tlsdiag
