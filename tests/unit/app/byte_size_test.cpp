#include "byte_size.h"

#include <gtest/gtest.h>

namespace tlsdiag::app {
namespace {

TEST(ByteSize, PlainBytesAndBinaryUnits) {
  EXPECT_EQ(parse_byte_size("0"), 0U);
  EXPECT_EQ(parse_byte_size("1500"), 1500U);
  EXPECT_EQ(parse_byte_size("64k"), 65536U);
  EXPECT_EQ(parse_byte_size("256M"), 256U << 20);
  EXPECT_EQ(parse_byte_size("256MiB"), 256U << 20);
  EXPECT_EQ(parse_byte_size("2G"), std::size_t{2} << 30);
  EXPECT_EQ(parse_byte_size("3GB"), std::size_t{3} << 30);
}

TEST(ByteSize, RejectsWhatIsNotASize) {
  for (const char* bad : {"", "M", "-1", "1.5G", "12 M", "5T", "1x", "99999999999999999999", "17179869184G"})
    EXPECT_FALSE(parse_byte_size(bad)) << bad;
}

}  // namespace
}  // namespace tlsdiag::app
