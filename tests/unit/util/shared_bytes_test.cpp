#include "tlsdiag/util/shared_bytes.h"

#include <gtest/gtest.h>

#include <vector>

namespace tlsdiag {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(SharedBytes, CopiesShareOneBufferAndCompareByContent) {
  const SharedBytes a(Bytes{1, 2, 3});
  const SharedBytes b = a;
  EXPECT_EQ(a.identity(), b.identity());
  EXPECT_EQ(b.size(), 3u);
  EXPECT_EQ(b[2], 3);
  const SharedBytes c(Bytes{1, 2, 3});
  EXPECT_NE(c.identity(), a.identity());
  EXPECT_EQ(c, a);  // same bytes
  EXPECT_FALSE(c == SharedBytes(Bytes{1, 2, 4}));
  const SharedBytes listed = {0x30, 0x82};  // two bytes, not 0x30 copies of 0x82
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1], 0x82);
  const SharedBytes none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.begin(), none.end());
}

TEST(ByteInterner, OneCopyPerContent) {
  ByteInterner interner;
  const Bytes one = {0x30, 0x01, 0xaa};
  const Bytes other = {0x30, 0x01, 0xbb};
  const SharedBytes first = interner.intern(one);
  const SharedBytes again = interner.intern(Bytes(one));  // another buffer, same bytes
  const SharedBytes different = interner.intern(other);
  EXPECT_EQ(first.identity(), again.identity());
  EXPECT_NE(first.identity(), different.identity());
  EXPECT_NE(static_cast<const void*>(first.data()), static_cast<const void*>(one.data()));  // its own copy
  EXPECT_EQ(first, SharedBytes(one));
  EXPECT_EQ(interner.size(), 2u);
  EXPECT_EQ(interner.bytes(), 6u);
}

TEST(ByteInterner, PastItsBytesItForgetsAndHoldersKeepTheirs) {
  ByteInterner interner(8);
  const SharedBytes a = interner.intern(Bytes{1, 2, 3, 4, 5});
  const SharedBytes b = interner.intern(Bytes{6, 7, 8, 9, 10});  // 10 bytes > 8: a is forgotten
  EXPECT_EQ(interner.size(), 1u);
  EXPECT_EQ(interner.bytes(), 5u);
  EXPECT_EQ(interner.intern(Bytes{6, 7, 8, 9, 10}).identity(), b.identity());
  EXPECT_NE(interner.intern(Bytes{1, 2, 3, 4, 5}).identity(), a.identity());  // a new copy
  EXPECT_EQ(a, SharedBytes(Bytes{1, 2, 3, 4, 5}));  // the old holder's bytes are intact
  const SharedBytes big = interner.intern(Bytes(9, 0x42));  // larger than the whole room
  EXPECT_EQ(big.size(), 9u);
  EXPECT_NE(interner.intern(Bytes(9, 0x42)).identity(), big.identity());  // never kept
  EXPECT_LE(interner.bytes(), 8u);
}

}  // namespace
}  // namespace tlsdiag
