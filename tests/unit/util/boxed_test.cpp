#include "tlsdiag/util/boxed.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tlsdiag {
namespace {

TEST(Boxed, StartsEmptyAndHoldsWhatIsAssigned) {
  Boxed<std::string> b;
  EXPECT_FALSE(b.has_value());
  EXPECT_FALSE(b);
  b = std::string("hello");
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, "hello");
  EXPECT_EQ(b->size(), 5U);
  b = std::nullopt;
  EXPECT_FALSE(b);
}

TEST(Boxed, CopiesAreDeepAndIndependent) {
  Boxed<std::vector<int>> a = std::vector<int>{1, 2};
  Boxed<std::vector<int>> b = a;
  b->push_back(3);
  EXPECT_EQ(*a, (std::vector<int>{1, 2}));
  EXPECT_EQ(*b, (std::vector<int>{1, 2, 3}));
  Boxed<std::vector<int>> empty;
  b = empty;
  EXPECT_FALSE(b);
  EXPECT_TRUE(a);
  a = a;  // self-assignment keeps the value
  EXPECT_EQ(*a, (std::vector<int>{1, 2}));
}

TEST(Boxed, MovingHandsOverTheBlock) {
  Boxed<std::string> a = std::string(100, 'x');
  const std::string* block = &*a;
  Boxed<std::string> b = std::move(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(&*b, block);
  EXPECT_EQ(b->size(), 100U);
}

}  // namespace
}  // namespace tlsdiag
