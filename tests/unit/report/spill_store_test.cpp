#include "tlsdiag/report/spill_store.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace tlsdiag::report {
namespace {

std::string text_of(std::size_t i) {
  return "flow " + std::to_string(i) + " " + std::string(i % 97, static_cast<char>('a' + i % 26));
}

std::string written(SpillStore& store, const SpillStore::Ref& ref) {
  std::ostringstream out;
  EXPECT_TRUE(store.write_to(ref, out));
  return out.str();
}

TEST(SpillStore, SmallContentStaysInMemory) {
  SpillStore store;
  const SpillStore::Ref a = store.append("first");
  const SpillStore::Ref b = store.append("");
  const SpillStore::Ref c = store.append("third");
  EXPECT_EQ(store.read(a), "first");
  EXPECT_EQ(store.read(b), "");
  EXPECT_EQ(written(store, c), "third");
  EXPECT_EQ(store.spilled_bytes(), 0u);
}

TEST(SpillStore, OverTheBudgetGoesToTheFileAndComesBack) {
  SpillStore store(/*memory_budget=*/4096, /*chunk_bytes=*/1024);
  std::vector<SpillStore::Ref> refs;
  for (std::size_t i = 0; i < 500; ++i) refs.push_back(store.append(text_of(i)));
  EXPECT_GT(store.spilled_bytes(), 0u);
  EXPECT_LE(store.memory_bytes(), 4096u + 2048u);  // the budget, plus the chunk being filled
  for (std::size_t i = refs.size(); i-- > 0;) {  // any order
    SCOPED_TRACE(i);
    EXPECT_EQ(written(store, refs[i]), text_of(i));
  }
}

TEST(SpillStore, ReleasedChunksAreReused) {
  SpillStore store(/*memory_budget=*/2048, /*chunk_bytes=*/512);
  std::vector<SpillStore::Ref> refs;
  std::size_t next = 0;
  // A sliding window of live strings, as held flows are released in order.
  for (int round = 0; round < 200; ++round) {
    for (int k = 0; k < 10; ++k) refs.push_back(store.append(text_of(next++)));
    while (refs.size() > 60) {
      const std::size_t i = next - refs.size();
      EXPECT_EQ(store.read(refs.front()), text_of(i));
      store.release(refs.front());
      refs.erase(refs.begin());
    }
  }
  // The file holds about the live window, not everything ever appended.
  EXPECT_LT(store.file_bytes(), 64u * 1024u);
  EXPECT_GT(store.spilled_bytes(), store.file_bytes());
  for (std::size_t j = 0; j < refs.size(); ++j) EXPECT_EQ(store.read(refs[j]), text_of(next - refs.size() + j));
}

// A new chunk takes the buffer of the last chunk spilled instead of a fresh allocation (whose
// pages would be faulted in again), and what was spilled still reads back.
TEST(SpillStore, ASpilledChunksBufferIsReusedForTheNextChunk) {
  SpillStore store(/*memory_budget=*/1024, /*chunk_bytes=*/1024);
  const std::string a(1000, 'a'), b(1000, 'b'), c(1000, 'c');
  const SpillStore::Ref first = store.append(a);
  const char* first_buffer = store.read(first).data();
  const SpillStore::Ref second = store.append(b);  // over the budget: the first chunk is spilled
  const SpillStore::Ref third = store.append(c);
  EXPECT_EQ(store.read(third).data(), first_buffer);
  EXPECT_EQ(written(store, first), a);
  EXPECT_EQ(written(store, second), b);
  EXPECT_EQ(written(store, third), c);
  EXPECT_LE(store.memory_bytes(), 1024u + 2048u);  // the budget, the chunk being filled, the spare
}

TEST(SpillStore, StringLargerThanAChunk) {
  SpillStore store(/*memory_budget=*/1024, /*chunk_bytes=*/256);
  const std::string big(10000, 'x');
  const SpillStore::Ref a = store.append("before");
  const SpillStore::Ref b = store.append(big);
  const SpillStore::Ref c = store.append("after");
  EXPECT_EQ(store.read(b), big);
  EXPECT_EQ(store.read(a), "before");
  EXPECT_EQ(store.read(c), "after");
}

}  // namespace
}  // namespace tlsdiag::report
