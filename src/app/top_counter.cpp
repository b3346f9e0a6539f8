#include "top_counter.h"

#include <algorithm>

namespace tlsdiag::app {

namespace {

void tally(std::vector<std::pair<analysis::Reason, std::uint64_t>>& reasons, analysis::Reason r) {
  auto it = std::find_if(reasons.begin(), reasons.end(), [r](const auto& e) { return e.first == r; });
  if (it == reasons.end()) reasons.emplace_back(r, 1);
  else ++it->second;
}

analysis::Reason most_frequent(const std::vector<std::pair<analysis::Reason, std::uint64_t>>& reasons) {
  // The first reason in vocabulary order wins a tie, as in report::Summary.
  analysis::Reason top = analysis::Reason::Ok;
  std::uint64_t most = 0;
  for (const auto& [reason, n] : reasons) {
    if (n > most || (n == most && reason < top)) {
      top = reason;
      most = n;
    }
  }
  return top;
}

}  // namespace

void TopCounter::add(const std::string& key, analysis::Reason reason) {
  if (capacity_ == 0) return;
  if (auto it = position_.find(key); it != position_.end()) {
    Slot& slot = heap_[it->second];
    ++slot.count;
    tally(slot.reasons, reason);
    sift_down(it->second);
    return;
  }
  if (heap_.size() < capacity_) {
    heap_.push_back(Slot{key, 1, 0, {{reason, 1}}});
    position_.emplace(key, heap_.size() - 1);
    sift_up(heap_.size() - 1);  // a count of 1 is the smallest there is
    return;
  }
  // Space-Saving: the least counted key gives its place (and its count) to the new one.
  Slot& min = heap_[0];
  position_.erase(min.key);
  min.overestimate = min.count;
  min.count += 1;
  min.key = key;
  min.reasons.assign({{reason, 1}});
  position_.emplace(key, 0);
  sift_down(0);
}

void TopCounter::swap_slots(std::size_t a, std::size_t b) {
  std::swap(heap_[a], heap_[b]);
  position_[heap_[a].key] = a;
  position_[heap_[b].key] = b;
}

void TopCounter::sift_up(std::size_t pos) {
  while (pos > 0) {
    const std::size_t parent = (pos - 1) / 2;
    if (heap_[parent].count <= heap_[pos].count) return;
    swap_slots(pos, parent);
    pos = parent;
  }
}

void TopCounter::sift_down(std::size_t pos) {
  // Counts only grow, so apart from a new leaf a slot only ever moves down.
  for (;;) {
    const std::size_t left = 2 * pos + 1, right = left + 1;
    std::size_t smallest = pos;
    if (left < heap_.size() && heap_[left].count < heap_[smallest].count) smallest = left;
    if (right < heap_.size() && heap_[right].count < heap_[smallest].count) smallest = right;
    if (smallest == pos) return;
    swap_slots(pos, smallest);
    pos = smallest;
  }
}

std::vector<TopEntry> TopCounter::top(std::size_t limit) const {
  std::vector<TopEntry> all;
  all.reserve(heap_.size());
  for (const Slot& s : heap_) all.push_back(TopEntry{s.key, s.count, s.overestimate, most_frequent(s.reasons)});
  std::sort(all.begin(), all.end(), [](const TopEntry& a, const TopEntry& b) {
    return a.count != b.count ? a.count > b.count : a.key < b.key;
  });
  if (all.size() > limit) all.resize(limit);
  return all;
}

void TopCounter::clear() {
  heap_.clear();
  position_.clear();
}

}  // namespace tlsdiag::app
