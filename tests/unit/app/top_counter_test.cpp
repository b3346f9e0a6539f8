// TopCounter (Space-Saving): exact below its capacity, keeps heavy hitters beyond it.
#include "top_counter.h"

#include <gtest/gtest.h>

namespace tlsdiag::app {
namespace {

using analysis::Reason;

TEST(TopCounter, ExactBelowCapacityHighestFirstTiesByKey) {
  TopCounter top(10);
  for (int i = 0; i < 3; ++i) top.add("b", Reason::NoSharedCipher);
  for (int i = 0; i < 5; ++i) top.add("a", Reason::ProtocolVersionMismatch);
  top.add("d", Reason::TcpReset);
  top.add("c", Reason::TcpReset);
  const auto rows = top.top(3);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].key, "a");
  EXPECT_EQ(rows[0].count, 5U);
  EXPECT_EQ(rows[1].key, "b");
  EXPECT_EQ(rows[2].key, "c");  // c and d tie at 1: by key
  EXPECT_EQ(rows[2].overestimate, 0U);
}

TEST(TopCounter, TopReasonIsTheMostFrequentFirstInVocabularyOnATie) {
  TopCounter top(10);
  top.add("s", Reason::TcpReset);
  top.add("s", Reason::CertificateExpired);
  top.add("s", Reason::TcpReset);
  EXPECT_EQ(top.top(1)[0].top_reason, Reason::TcpReset);
  top.add("s", Reason::CertificateExpired);
  EXPECT_EQ(top.top(1)[0].top_reason, Reason::CertificateExpired);  // 2:2, earlier in verdict.h
}

TEST(TopCounter, HeavyHitterSurvivesFarMoreDistinctKeysThanItsCapacity) {
  TopCounter top(8);
  for (int i = 0; i < 5000; ++i) {
    top.add("scanner-" + std::to_string(i), Reason::TcpReset);
    if (i % 4 == 0) top.add("big", Reason::NoSharedCipher);
  }
  EXPECT_EQ(top.size(), 8U);  // bounded
  const auto rows = top.top(1);
  EXPECT_EQ(rows[0].key, "big");
  EXPECT_GE(rows[0].count, 1250U);                          // never under-counted
  EXPECT_LE(rows[0].count - rows[0].overestimate, 1250U);  // the guaranteed part is exact or less
}

TEST(TopCounter, ClearForgetsEverything) {
  TopCounter top(4);
  top.add("a", Reason::TcpReset);
  top.clear();
  EXPECT_EQ(top.size(), 0U);
  EXPECT_TRUE(top.top(5).empty());
}

}  // namespace
}  // namespace tlsdiag::app
