#include "tlsdiag/report/ref_list.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace tlsdiag::report {
namespace {

// The string of the list's ref |i|, through at() and through write_to(), which must agree.
std::string written(SpillStore& store, RefList& list, std::size_t i) {
  const std::optional<SpillStore::Ref> ref = list.at(store, i);
  EXPECT_TRUE(ref.has_value()) << i;
  std::ostringstream by_ref, by_index;
  if (ref) {
    EXPECT_TRUE(store.write_to(*ref, by_ref)) << i;
  }
  EXPECT_TRUE(list.write_to(store, i, by_index)) << i;
  EXPECT_EQ(by_ref.str(), by_index.str()) << i;
  return by_index.str();
}

// Strings appended to |store| and their refs pushed on |list|, one per flow.
std::vector<std::string> fill(SpillStore& store, RefList& list, std::size_t count) {
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < count; ++i) {
    texts.push_back("flow " + std::to_string(i) + std::string(i % 13, 'x'));
    list.push_back(store, store.append(texts.back()));
  }
  return texts;
}

constexpr std::size_t kBlock = RefList::kBlockRefs;

TEST(RefList, GivesBackEveryRefInOrderAcrossBlocks) {
  SpillStore store;
  RefList list;
  EXPECT_TRUE(list.empty());
  const std::vector<std::string> texts = fill(store, list, 3 * kBlock + 7);
  ASSERT_EQ(list.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(written(store, list, i), texts[i]) << i;
}

TEST(RefList, GivesBackRefsInAnyOrderWhenTheStoreSpills) {
  SpillStore store(/*memory_budget=*/0, /*chunk_bytes=*/1024);
  RefList list;
  const std::vector<std::string> texts = fill(store, list, 4 * kBlock + 1);
  EXPECT_GT(store.spilled_bytes(), 0u);
  for (std::size_t step = 0; step < texts.size(); ++step) {
    const std::size_t i = (step * 769) % texts.size();  // 769 is prime to the size: every index once
    EXPECT_EQ(written(store, list, i), texts[i]) << i;
  }
}

// The point of the list: full blocks of refs go to the store (and from there to its file), so
// the list keeps at most one block of refs in memory however many it holds.
TEST(RefList, FullBlocksOfRefsGoToTheStore) {
  SpillStore store(/*memory_budget=*/0, /*chunk_bytes=*/1024);
  RefList list;
  std::uint64_t text_bytes = 0;
  for (const std::string& text : fill(store, list, 2 * kBlock)) text_bytes += text.size();
  // Everything sealed is spilled under a zero budget: the texts and the first block of refs
  // (the second is the chunk still being filled).
  EXPECT_GE(store.spilled_bytes(), text_bytes - 1024 + kBlock * sizeof(SpillStore::Ref));
}

}  // namespace
}  // namespace tlsdiag::report
