#include "tlsdiag/report/ref_list.h"

#include <cassert>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace tlsdiag::report {

static_assert(std::is_trivially_copyable_v<SpillStore::Ref>, "blocks are stored as the refs' bytes");

void RefList::push_back(SpillStore& store, SpillStore::Ref ref) {
  tail_.push_back(ref);
  ++size_;
  if (tail_.size() < kBlockRefs) return;
  const std::string_view bytes(reinterpret_cast<const char*>(tail_.data()), tail_.size() * sizeof(SpillStore::Ref));
  blocks_.push_back(store.append(bytes));
  tail_.clear();
}

std::optional<SpillStore::Ref> RefList::at(SpillStore& store, std::size_t i) {
  assert(i < size_);
  const std::size_t block = i / kBlockRefs;
  if (block == blocks_.size()) return tail_[i % kBlockRefs];
  if (block != read_block_) {
    const std::string_view bytes = store.read(blocks_[block]);
    if (bytes.size() != kBlockRefs * sizeof(SpillStore::Ref)) return std::nullopt;
    read_.resize(kBlockRefs);
    std::memcpy(read_.data(), bytes.data(), bytes.size());
    read_block_ = block;
  }
  return read_[i % kBlockRefs];
}

bool RefList::write_to(SpillStore& store, std::size_t i, std::ostream& out) {
  const std::optional<SpillStore::Ref> ref = at(store, i);
  return ref && store.write_to(*ref, out);
}

}  // namespace tlsdiag::report
