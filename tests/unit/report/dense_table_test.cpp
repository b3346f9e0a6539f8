#include "tlsdiag/report/dense_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tlsdiag::report {
namespace {

// A hash that sends every key to one bucket: lookups must still tell keys apart by comparing them.
struct OneBucket {
  std::size_t operator()(int) const { return 7; }
};
struct Identity {
  std::size_t operator()(int k) const { return static_cast<std::size_t>(k); }
};

TEST(DenseTable, FindsWhatWasAddedAndNothingElse) {
  DenseTable<int, std::string, Identity> table;
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.find(5), table.end());
  for (int k = 0; k < 1000; ++k) table.emplace(k * 3, std::to_string(k));
  EXPECT_EQ(table.size(), 1000u);
  for (int k = 0; k < 1000; ++k) {
    const auto it = table.find(k * 3);
    ASSERT_NE(it, table.end()) << k;
    EXPECT_EQ(it->first, k * 3);
    EXPECT_EQ(it->second, std::to_string(k));
    EXPECT_EQ(table.find(k * 3 + 1), table.end()) << k;
  }
}

TEST(DenseTable, KeysSharingAHashAreToldApart) {
  DenseTable<int, int, OneBucket> table;
  for (int k = 0; k < 40; ++k) table.emplace(k, k * 10);
  for (int k = 0; k < 40; ++k) EXPECT_EQ(table.find(k)->second, k * 10) << k;
  EXPECT_EQ(table.find(40), table.end());
}

TEST(DenseTable, EmplacingAKeyAgainKeepsTheFirstValue) {
  DenseTable<int, int, Identity> table;
  const auto [first, added] = table.emplace(1, 10);
  EXPECT_TRUE(added);
  const auto [again, added_again] = table.emplace(1, 20);
  EXPECT_FALSE(added_again);
  EXPECT_EQ(again, first);
  EXPECT_EQ(again->second, 10);
  EXPECT_EQ(table.size(), 1u);
  again->second = 30;  // the entry found is the one stored
  EXPECT_EQ(table.find(1)->second, 30);
}

TEST(DenseTable, IteratesInTheOrderEntriesWereAdded) {
  DenseTable<int, int, Identity> table;
  for (int k : {9, 2, 7, 4}) table.emplace(k, k);
  std::vector<int> keys;
  for (const auto& [key, value] : table) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<int>{9, 2, 7, 4}));
}

TEST(DenseTable, EntriesStayWhereTheyAreAsTheTableGrows) {
  DenseTable<int, int, Identity> table;
  const int* first = &table.emplace(0, 0).first->second;
  for (int k = 1; k < 5000; ++k) table.emplace(k, k);
  EXPECT_EQ(&table.find(0)->second, first);
}

TEST(DenseTable, EqualityIsAMapsWhateverTheOrder) {
  DenseTable<int, int, Identity> a, b;
  for (int k : {1, 2, 3}) a.emplace(k, k * 2);
  for (int k : {3, 1, 2}) b.emplace(k, k * 2);
  EXPECT_TRUE(a == b);
  b.find(2)->second = 5;
  EXPECT_FALSE(a == b);
  DenseTable<int, int, Identity> c;
  for (int k : {1, 2, 4}) c.emplace(k, k * 2);
  EXPECT_FALSE(a == c);
  c.emplace(3, 6);
  EXPECT_FALSE(a == c);  // a subset is not equal
}

}  // namespace
}  // namespace tlsdiag::report
