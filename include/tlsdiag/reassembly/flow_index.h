#pragma once
// TupleKey and SlotIndex: how StreamTable finds a connection's state from a segment.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <vector>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/util/large_block_allocator.h"

namespace tlsdiag::reassembly {

// Endpoint comparisons on the per-packet path, as word loads rather than memcmp calls.
struct EndpointWords {
  std::uint64_t w0;
  std::uint64_t w1;
  std::uint32_t rest;  // family and port
  explicit EndpointWords(const net::Endpoint& ep) {
    std::memcpy(&w0, ep.ip.bytes.data(), 8);
    std::memcpy(&w1, ep.ip.bytes.data() + 8, 8);
    rest = (std::uint32_t{ep.ip.family} << 16) | ep.port;
  }
  bool operator==(const EndpointWords& o) const {
    return ((w0 ^ o.w0) | (w1 ^ o.w1) | (rest ^ o.rest)) == 0;
  }
  // Some total order (not the byte order of net::Endpoint's operator<).
  bool operator<(const EndpointWords& o) const {
    return std::tie(w0, w1, rest) < std::tie(o.w0, o.w1, o.rest);
  }
};
inline bool same_endpoint(const net::Endpoint& a, const net::Endpoint& b) {
  return EndpointWords(a) == EndpointWords(b);
}

// TupleKey: a TCP connection's 4-tuple without direction (one fixed endpoint first), so both
// directions of a connection map to the same key.
struct TupleKey {
  net::Endpoint lo;
  net::Endpoint hi;
  static TupleKey of(const net::Endpoint& a, const net::Endpoint& b) {
    return EndpointWords(b) < EndpointWords(a) ? TupleKey{b, a} : TupleKey{a, b};
  }
  bool operator==(const TupleKey& o) const {
    return same_endpoint(lo, o.lo) && same_endpoint(hi, o.hi);
  }
};

// A cheap 64-bit hash of the key's addresses and ports (independent multiplies, then a mix).
std::uint64_t hash_tuple(const TupleKey& key);

// SlotIndex: an open-addressing hash index (linear probing, backward-shift deletion) from a
// key's hash to a slot number in a table the caller owns; the caller confirms a candidate slot
// holds the key. 8 bytes per entry, load factor at most 1/2 (or 3/4 when dense, for big tables
// where memory counts more than probe length), grows by doubling, never shrinks (clear() frees it).
class SlotIndex {
 public:
  static constexpr std::uint32_t kNone = 0xFFFF'FFFF;
  explicit SlotIndex(bool dense = false) : dense_(dense) {}

  // The slot whose hash matches and for which matches(slot) holds, else kNone.
  template <class Matches>
  std::uint32_t find(std::uint64_t hash, Matches&& matches) const {
    if (entries_.empty()) return kNone;
    const auto tag = static_cast<std::uint32_t>(hash);
    for (std::size_t i = tag & mask_;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.slot == kNone) return kNone;
      if (e.tag == tag && matches(e.slot)) return e.slot;
    }
  }
  // Adds a slot; the caller makes sure its key is not indexed yet.
  void insert(std::uint64_t hash, std::uint32_t slot);
  // Removes the entry for this slot (indexed under this hash); no-op when absent.
  void erase(std::uint64_t hash, std::uint32_t slot);
  std::size_t size() const { return size_; }
  // Memory the array takes (mapped pages once it is 16 KiB or more: util/large_block_allocator.h).
  std::size_t memory_bytes() const { return LargeBlockAllocator<Entry>::footprint(entries_.capacity() * sizeof(Entry)); }
  void clear();

 private:
  struct Entry {
    std::uint32_t slot = kNone;
    std::uint32_t tag = 0;  // low 32 bits of the hash; its low bits pick the home bucket
  };
  void grow();

  LargeBlockVector<Entry> entries_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  bool dense_ = false;
};

}  // namespace tlsdiag::reassembly
