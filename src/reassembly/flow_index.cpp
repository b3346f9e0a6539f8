#include "tlsdiag/reassembly/flow_index.h"

#include <utility>

namespace tlsdiag::reassembly {

std::uint64_t hash_tuple(const TupleKey& key) {
  const EndpointWords lo(key.lo);
  const EndpointWords hi(key.hi);
  // Independent multiplies by distinct odd constants (no serial dependency), then a final
  // avalanche (murmur3 fmix64) so the low bits used for buckets depend on every input bit.
  std::uint64_t h = lo.w0 * 0x9E37'79B9'7F4A'7C15 ^ lo.w1 * 0xC2B2'AE3D'27D4'EB4F ^
                    hi.w0 * 0x1656'67B1'9E37'79F9 ^ hi.w1 * 0x27D4'EB2F'1656'67C5 ^
                    ((std::uint64_t{lo.rest} << 32 | hi.rest) * 0x85EB'CA77'C2B2'AE63);
  h ^= h >> 33;
  h *= 0xFF51'AFD7'ED55'8CCD;
  h ^= h >> 33;
  h *= 0xC4CE'B9FE'1A85'EC53;
  return h ^ (h >> 33);
}

void SlotIndex::insert(std::uint64_t hash, std::uint32_t slot) {
  const std::size_t limit = dense_ ? entries_.size() / 4 * 3 : entries_.size() / 2;
  if (size_ + 1 > limit) grow();
  const auto tag = static_cast<std::uint32_t>(hash);
  std::size_t i = tag & mask_;
  while (entries_[i].slot != kNone) i = (i + 1) & mask_;
  entries_[i] = Entry{slot, tag};
  ++size_;
}

void SlotIndex::erase(std::uint64_t hash, std::uint32_t slot) {
  if (entries_.empty()) return;
  const auto tag = static_cast<std::uint32_t>(hash);
  std::size_t i = tag & mask_;
  while (entries_[i].slot != slot) {
    if (entries_[i].slot == kNone) return;
    i = (i + 1) & mask_;
  }
  // Backward-shift deletion: pull later entries of the probe run into the hole when their home
  // bucket allows, so lookups never need deletion markers.
  for (std::size_t j = (i + 1) & mask_; entries_[j].slot != kNone; j = (j + 1) & mask_) {
    const std::size_t home = entries_[j].tag & mask_;
    if (((j - home) & mask_) >= ((j - i) & mask_)) {
      entries_[i] = entries_[j];
      i = j;
    }
  }
  entries_[i] = Entry{};
  --size_;
}

void SlotIndex::clear() {
  decltype(entries_)().swap(entries_);  // the array's memory too
  mask_ = 0;
  size_ = 0;
}

void SlotIndex::grow() {
  decltype(entries_) old = std::exchange(entries_, decltype(entries_)(entries_.empty() ? 16 : entries_.size() * 2));
  mask_ = entries_.size() - 1;
  for (const Entry& e : old) {
    if (e.slot == kNone) continue;
    std::size_t i = e.tag & mask_;
    while (entries_[i].slot != kNone) i = (i + 1) & mask_;
    entries_[i] = e;
  }
}

}  // namespace tlsdiag::reassembly
