#pragma once
// TopCounter: the most frequent keys of an unbounded stream in bounded memory, with the
// Space-Saving algorithm (Metwally, Agrawal, El Abbadi, "Efficient Computation of Frequent and
// Top-k Elements in Data Streams", ICDT 2005). Used for the top failing servers and clients of
// the live stats, which must not grow with the number of distinct peers over weeks.
//
// At most |capacity| keys are tracked. A new key past that replaces the least counted one and
// inherits its count (+1), so counts are upper bounds: exact while fewer than |capacity| distinct
// keys were seen, and any key seen more than total/capacity times is always in the table. Each
// key also tallies the reasons it was counted with, to name its most frequent one.
// Cost: O(log capacity) per add (an indexed min-heap).
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tlsdiag/analysis/verdict.h"

namespace tlsdiag::app {

struct TopEntry {
  std::string key;
  std::uint64_t count = 0;
  std::uint64_t overestimate = 0;  // at most this much of |count| belongs to replaced keys
  analysis::Reason top_reason = analysis::Reason::Ok;
};

class TopCounter {
 public:
  explicit TopCounter(std::size_t capacity = 1000) : capacity_(capacity) {}

  void add(const std::string& key, analysis::Reason reason);
  // The |limit| highest counts, highest first (ties by key).
  std::vector<TopEntry> top(std::size_t limit) const;
  std::size_t size() const { return heap_.size(); }
  void clear();

 private:
  struct Slot {
    std::string key;
    std::uint64_t count = 0;
    std::uint64_t overestimate = 0;
    std::vector<std::pair<analysis::Reason, std::uint64_t>> reasons;  // usually one or two
  };
  void sift_up(std::size_t pos);
  void sift_down(std::size_t pos);
  void swap_slots(std::size_t a, std::size_t b);

  std::size_t capacity_;
  std::vector<Slot> heap_;  // min-heap by count: heap_[0] is the least counted key
  std::unordered_map<std::string, std::size_t> position_;
};

}  // namespace tlsdiag::app
