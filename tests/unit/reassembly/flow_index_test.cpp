#include "tlsdiag/reassembly/flow_index.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace tlsdiag::reassembly {
namespace {

net::Endpoint endpoint(std::uint8_t last_octet, std::uint16_t port) {
  net::Endpoint ep;
  ep.ip.bytes = {10, 0, 0, last_octet};
  ep.port = port;
  return ep;
}

TEST(TupleKey, BothDirectionsGiveTheSameKeyAndHash) {
  const net::Endpoint a = endpoint(1, 50000);
  const net::Endpoint b = endpoint(2, 443);
  EXPECT_EQ(TupleKey::of(a, b), TupleKey::of(b, a));
  EXPECT_EQ(hash_tuple(TupleKey::of(a, b)), hash_tuple(TupleKey::of(b, a)));
  EXPECT_NE(hash_tuple(TupleKey::of(a, b)), hash_tuple(TupleKey::of(a, endpoint(2, 444))));
}

TEST(SlotIndex, FindsInsertedSlotsAndForgetsErasedOnes) {
  // Keys are slot numbers; hashes collide in groups of 8 to exercise probing and deletion.
  SlotIndex index;
  auto hash_of = [](std::uint32_t slot) { return std::uint64_t{slot / 8} * 0x9E37'79B9; };
  auto find = [&](std::uint32_t slot) {
    return index.find(hash_of(slot), [slot](std::uint32_t s) { return s == slot; });
  };
  constexpr std::uint32_t kCount = 2000;
  for (std::uint32_t s = 0; s < kCount; ++s) index.insert(hash_of(s), s);
  EXPECT_EQ(index.size(), kCount);
  for (std::uint32_t s = 0; s < kCount; ++s) ASSERT_EQ(find(s), s);
  for (std::uint32_t s = 0; s < kCount; s += 3) index.erase(hash_of(s), s);
  for (std::uint32_t s = 0; s < kCount; ++s) {
    SCOPED_TRACE(s);
    ASSERT_EQ(find(s), s % 3 == 0 ? SlotIndex::kNone : s);
  }
  index.erase(hash_of(0), 0);  // absent: no-op
  EXPECT_EQ(index.size(), kCount - (kCount + 2) / 3);
  index.clear();
  EXPECT_EQ(find(1), SlotIndex::kNone);
}

TEST(SlotIndex, SameTagDifferentKeys) {
  SlotIndex index;
  for (std::uint32_t s = 0; s < 100; ++s) index.insert(42, s);
  for (std::uint32_t s = 0; s < 100; s += 2) index.erase(42, s);
  for (std::uint32_t s = 0; s < 100; ++s) {
    const std::uint32_t found = index.find(42, [s](std::uint32_t x) { return x == s; });
    EXPECT_EQ(found, s % 2 == 0 ? SlotIndex::kNone : s);
  }
}

}  // namespace
}  // namespace tlsdiag::reassembly
