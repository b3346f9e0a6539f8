#pragma once
// MemoryBudget: --memory-limit, one per pipeline. The stages that hold memory per flow charge
// what they hold and release it when the flow goes: the reassembler its flow slots, tombstones
// and out-of-order bytes, the dissector its partial records and handshake messages, the
// correlator its flow records. The reassembler, which owns the flow table, closes the least
// recently active flows (evicted: judged and reported at once, counted) while the total is over
// the limit. The figures are estimates of heap use (sizes of what is held plus fixed per-object
// costs), not malloc's own count: the limit bounds what grows with the traffic, not the fixed
// part of the process (libraries, I/O buffers, the report's summary).
#include <algorithm>
#include <cstddef>

namespace tlsdiag {

class MemoryBudget {
 public:
  explicit MemoryBudget(std::size_t limit = 0) : limit_(limit) {}

  void charge(std::size_t bytes) {
    used_ += bytes;
    peak_ = std::max(peak_, used_);
  }
  void release(std::size_t bytes) { used_ -= std::min(bytes, used_); }
  // From |from| to |to| bytes for one holder (|from| is what it charged before).
  void adjust(std::size_t from, std::size_t to) {
    if (to > from) charge(to - from);
    else release(from - to);
  }
  bool over() const { return limit_ != 0 && used_ > limit_; }

  std::size_t limit() const { return limit_; }  // 0: none
  std::size_t used() const { return used_; }
  std::size_t peak() const { return peak_; }

 private:
  std::size_t limit_;
  std::size_t used_ = 0;
  std::size_t peak_ = 0;
};

}  // namespace tlsdiag
