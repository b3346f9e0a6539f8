#pragma once
// RefList: a list of SpillStore refs kept in the store itself, for a report that holds one ref
// per flow until the end (the JSON document's flows, the text report's grouped failures): its
// memory then stays flat however many flows a capture has. Refs wait in memory in blocks of
// kBlockRefs; a full block is appended to the store as bytes and only the block's ref stays
// (12 bytes per 512 flows, where a plain vector keeps 12 bytes per flow).
//
// Input: push_back(ref). Output: at(i) or write_to(i) in any order; in order, each block is read back once.
// The list does not own the store and does not release the refs it holds.
#include <cstddef>
#include <optional>
#include <ostream>
#include <vector>

#include "tlsdiag/report/spill_store.h"

namespace tlsdiag::report {

class RefList {
 public:
  static constexpr std::size_t kBlockRefs = 512;

  void push_back(SpillStore& store, SpillStore::Ref ref);
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Ref |i| (< size()); nullopt when its block cannot be read back from the store's file.
  std::optional<SpillStore::Ref> at(SpillStore& store, std::size_t i);
  // Writes the string of ref |i| to |out|; false (nothing written) when it cannot be read back.
  bool write_to(SpillStore& store, std::size_t i, std::ostream& out);

 private:
  static constexpr std::size_t kNoBlock = static_cast<std::size_t>(-1);

  std::vector<SpillStore::Ref> blocks_;  // full blocks, as bytes in the store
  std::vector<SpillStore::Ref> tail_;    // the refs after the last full block
  std::vector<SpillStore::Ref> read_;    // the block read back last
  std::size_t read_block_ = kNoBlock;
  std::size_t size_ = 0;
};

}  // namespace tlsdiag::report
