#pragma once
// DenseTable: the hash map of the fleet's tables (servers, clients, client -> server pairs).
// Entries sit in a deque in the order they were added (stable addresses; iterating reads them in
// a row), found through a SlotIndex (reassembly/flow_index.h: 8 bytes per entry, a hash tag and
// the entry's position). Why not std::unordered_map: a lookup there follows a bucket to the node
// before the one wanted, then to that node, each a cache miss among tens of MB of flows, and at
// one lookup of each table per flow this was 5 % of a run (session 12). Entries are only added:
// the fleet's tables never remove one. Equality is a map's: the same keys with equal values, in
// any order.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

#include "tlsdiag/reassembly/flow_index.h"

namespace tlsdiag::report {

template <class Key, class Value, class Hash>
class DenseTable {
 public:
  using key_type = Key;
  using mapped_type = Value;
  using value_type = std::pair<const Key, Value>;
  using iterator = typename std::deque<value_type>::iterator;
  using const_iterator = typename std::deque<value_type>::const_iterator;

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  iterator find(const Key& key) { return at(position(key)); }
  const_iterator find(const Key& key) const { return at(position(key)); }

  // As std::unordered_map::emplace: the entry of |key|, and whether it was added now.
  template <class V>
  std::pair<iterator, bool> emplace(const Key& key, V&& value) {
    const std::uint64_t hash = Hash{}(key);
    const std::uint32_t found = position(key, hash);
    if (found != kNone) return {at(found), false};
    entries_.emplace_back(key, std::forward<V>(value));
    index_.insert(hash, static_cast<std::uint32_t>(entries_.size() - 1));
    return {std::prev(entries_.end()), true};
  }

  friend bool operator==(const DenseTable& a, const DenseTable& b) {
    if (a.size() != b.size()) return false;
    for (const value_type& entry : a) {
      const auto it = b.find(entry.first);
      if (it == b.end() || !(it->second == entry.second)) return false;
    }
    return true;
  }

 private:
  static constexpr std::uint32_t kNone = reassembly::SlotIndex::kNone;

  std::uint32_t position(const Key& key) const { return position(key, Hash{}(key)); }
  std::uint32_t position(const Key& key, std::uint64_t hash) const {
    return index_.find(hash, [&](std::uint32_t i) { return entries_[i].first == key; });
  }
  iterator at(std::uint32_t i) { return i == kNone ? entries_.end() : entries_.begin() + i; }
  const_iterator at(std::uint32_t i) const { return i == kNone ? entries_.end() : entries_.begin() + i; }

  std::deque<value_type> entries_;
  // Loaded up to 3/4, not 1/2: at their caps the fleet's tables hold 10,000 entries each (six
  // reasons' pairs among them), and the sparser index was 1.2 MB more at 10 GB.
  reassembly::SlotIndex index_{/*dense=*/true};
};

}  // namespace tlsdiag::report
