#include "tlsdiag/util/timestamp.h"

#include <gtest/gtest.h>

namespace tlsdiag {
namespace {

TEST(Timestamp, FormatsRfc3339WithMicroseconds) {
  // 2009-02-13T23:31:30Z is 1234567890.
  EXPECT_EQ(format_rfc3339(Timestamp::from_sec_nsec(1234567890, 123456789)),
            "2009-02-13T23:31:30.123456Z");
  EXPECT_EQ(format_rfc3339(Timestamp{0}), "1970-01-01T00:00:00.000000Z");
}

TEST(Timestamp, BeforeEpochStillValid) {
  EXPECT_EQ(format_rfc3339(Timestamp{-1'000}), "1969-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace tlsdiag
