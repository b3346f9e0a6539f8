// LargeBlockAllocator: blocks from 16 KiB are mapped pages, smaller ones heap blocks, and the
// footprint the memory budget charges says which; a vector keeps its bytes across the threshold.
#include "tlsdiag/util/large_block_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace tlsdiag {
namespace {

TEST(LargeBlockAllocator, FootprintIsAHeapBlockBelowTheThresholdAndWholePagesFromIt) {
  using A = LargeBlockAllocator<std::uint8_t>;
  EXPECT_EQ(A::footprint(0), 0u);      // no block
  EXPECT_EQ(A::footprint(1), 32u);     // malloc's smallest chunk
  EXPECT_EQ(A::footprint(100), 112u);  // 100 + the 8-byte header, rounded up to 16
  EXPECT_EQ(A::footprint(kMapThreshold - 1), heap_block(kMapThreshold - 1));
  if (!kMapLargeBlocks) GTEST_SKIP() << "AddressSanitizer build: every block comes from the heap";
  EXPECT_EQ(A::footprint(kMapThreshold), kMapThreshold);  // 4 pages
  EXPECT_EQ(A::footprint(kMapThreshold + 1), kMapThreshold + kPageBytes);
  EXPECT_TRUE(A::mapped(kMapThreshold));
  EXPECT_FALSE(A::mapped(kMapThreshold - 1));
}

TEST(LargeBlockAllocator, AVectorKeepsItsElementsAsItGrowsPastTheThresholdAndShrinks) {
  LargeBlockVector<std::uint32_t> v;
  for (std::uint32_t i = 0; i < 100'000; ++i) v.push_back(i * 7);  // 400 KB: mapped
  for (std::uint32_t i = 0; i < 100'000; ++i) ASSERT_EQ(v[i], i * 7);
  v.resize(10);
  v.shrink_to_fit();  // back on the heap
  EXPECT_EQ(v.capacity(), 10u);
  for (std::uint32_t i = 0; i < 10; ++i) EXPECT_EQ(v[i], i * 7);
  LargeBlockVector<std::uint32_t>().swap(v);
  EXPECT_EQ(v.capacity(), 0u);
}

}  // namespace
}  // namespace tlsdiag
