#include "tlsdiag/util/byte_reader.h"

#include <array>
#include <vector>

#include <gtest/gtest.h>

namespace tlsdiag {
namespace {

TEST(ByteReader, ReadsNetworkOrder) {
  const std::array<std::uint8_t, 10> bytes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                                              0x07, 0x08, 0x09, 0x0a};
  ByteReader r(bytes);
  std::uint8_t a = 0;
  std::uint16_t b = 0;
  std::uint32_t c = 0, d = 0;
  ASSERT_TRUE(r.read_u8(a));
  ASSERT_TRUE(r.read_u16(b));
  ASSERT_TRUE(r.read_u24(c));
  ASSERT_TRUE(r.read_u32(d));
  EXPECT_EQ(a, 0x01);
  EXPECT_EQ(b, 0x0203);
  EXPECT_EQ(c, 0x040506u);
  EXPECT_EQ(d, 0x0708090au);
  EXPECT_TRUE(r.done());
}

TEST(ByteReader, TakeGivesFixedFieldsInNetworkOrder) {
  const std::array<std::uint8_t, 12> bytes = {0xee, 0x01, 0x02, 0x03, 0x04, 0x05,
                                              0x06, 0x07, 0x08, 0x09, 0x0a, 0xff};
  ByteReader r(bytes);
  ASSERT_TRUE(r.skip(1));
  const auto h = r.take<10>();
  ASSERT_TRUE(static_cast<bool>(h));
  EXPECT_EQ(h.u8<0>(), 0x01);
  EXPECT_EQ(h.u16<1>(), 0x0203);
  EXPECT_EQ(h.u32<3>(), 0x04050607u);
  EXPECT_EQ(h.u16<8>(), 0x090a);  // the last two bytes it holds
  const auto middle = h.bytes<2, 3>();
  EXPECT_EQ(middle[0], 0x03);
  EXPECT_EQ(middle[2], 0x05);
  EXPECT_EQ(r.offset(), 11u);
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(ByteReader, TakeOfMoreThanRemainsFailsTheReader) {
  const std::array<std::uint8_t, 4> bytes = {0x01, 0x02, 0x03, 0x04};
  ByteReader r(bytes);
  ASSERT_TRUE(r.skip(1));
  EXPECT_FALSE(static_cast<bool>(r.take<4>()));  // three bytes left
  EXPECT_TRUE(r.failed());
  EXPECT_EQ(r.offset(), 1u);
  std::uint8_t b = 0;
  EXPECT_FALSE(r.read_u8(b));  // sticky, as any other read
  ByteReader exact(bytes);
  EXPECT_TRUE(static_cast<bool>(exact.take<4>()));
  EXPECT_TRUE(exact.done());
}

TEST(ByteReader, FailureIsStickyAndOffsetStops) {
  const std::array<std::uint8_t, 3> bytes = {0x00, 0x05, 0xff};
  ByteReader r(bytes);
  std::uint16_t len = 0;
  ASSERT_TRUE(r.read_u16(len));
  std::uint16_t v = 0;
  EXPECT_FALSE(r.read_u16(v));  // only one byte left
  std::uint8_t b = 0;
  EXPECT_FALSE(r.read_u8(b));   // sticky even though one byte is there
  EXPECT_TRUE(r.failed());
  EXPECT_FALSE(r.done());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ByteReader, PrefixedChildIsBoundedAndKeepsOuterOffset) {
  const std::array<std::uint8_t, 6> bytes = {0xaa, 0x00, 0x02, 0x11, 0x22, 0x33};
  ByteReader r(bytes);
  ASSERT_TRUE(r.skip(1));
  ByteReader body;
  ASSERT_TRUE(r.read_prefixed_u16(body));
  EXPECT_EQ(body.offset(), 3u);
  EXPECT_EQ(body.remaining(), 2u);
  std::uint16_t v = 0;
  ASSERT_TRUE(body.read_u16(v));
  EXPECT_EQ(v, 0x1122);
  EXPECT_TRUE(body.done());
  std::uint8_t extra = 0;
  EXPECT_FALSE(body.read_u8(extra));  // the child ends at its prefix
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(ByteReader, PrefixLongerThanInputFails) {
  const std::array<std::uint8_t, 3> bytes = {0x05, 0x01, 0x02};
  ByteReader r(bytes);
  ByteReader body;
  EXPECT_FALSE(r.read_prefixed_u8(body));
  EXPECT_TRUE(r.failed());
  EXPECT_EQ(r.offset(), 1u);
}

TEST(ByteReader, Read24BitPrefixAtLimit) {
  std::vector<std::uint8_t> bytes = {0xff, 0xff, 0xff};
  ByteReader r(bytes);
  ByteReader body;
  EXPECT_FALSE(r.read_prefixed_u24(body));  // 16 MiB announced, nothing present
}

TEST(ByteReader, PeekDoesNotConsumeOrFail) {
  const std::array<std::uint8_t, 2> bytes = {0x16, 0x03};
  ByteReader r(bytes);
  std::uint16_t v = 0;
  EXPECT_TRUE(r.peek_u16(v));
  EXPECT_EQ(v, 0x1603);
  EXPECT_FALSE(r.peek_u16(v, 1));
  EXPECT_FALSE(r.failed());
  EXPECT_EQ(r.remaining(), 2u);
}

}  // namespace
}  // namespace tlsdiag
