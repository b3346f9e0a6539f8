#include "tlsdiag/util/timestamp.h"

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <random>

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

// The formatter computes the civil date itself; gmtime_r + printf is the reference.
std::string reference_rfc3339(Timestamp ts) {
  std::int64_t sec = ts.ns / 1'000'000'000;
  std::int64_t rem = ts.ns % 1'000'000'000;
  if (rem < 0) {
    rem += 1'000'000'000;
    sec -= 1;
  }
  const auto t = static_cast<std::time_t>(sec);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06" PRId64 "Z", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, rem / 1000);
  return buf;
}

TEST(Timestamp, MatchesGmtimeAcrossTheWholeRange) {
  for (const std::int64_t ns : {INT64_MIN, INT64_MAX, std::int64_t{-1}, std::int64_t{951782400} * 1'000'000'000,
                                std::int64_t{4107542400} * 1'000'000'000 - 1}) {
    EXPECT_EQ(format_rfc3339(Timestamp{ns}), reference_rfc3339(Timestamp{ns})) << ns;
  }
  std::mt19937_64 rng(3339);
  for (int i = 0; i < 200000; ++i) {
    const Timestamp ts{static_cast<std::int64_t>(rng())};
    ASSERT_EQ(format_rfc3339(ts), reference_rfc3339(ts)) << ts.ns;
  }
}

// The in-place form (what the JSON Lines writer uses) gives the same 27 characters.
TEST(Timestamp, InPlaceTextMatchesGmtime) {
  EXPECT_EQ(rfc3339_text(Timestamp::from_sec_nsec(1234567890, 123456789)).view(), "2009-02-13T23:31:30.123456Z");
  EXPECT_EQ(rfc3339_text(Timestamp{-1'000}).view(), "1969-12-31T23:59:59.999999Z");
  std::mt19937_64 rng(27);
  for (int i = 0; i < 20000; ++i) {
    const Timestamp ts{static_cast<std::int64_t>(rng())};
    ASSERT_EQ(rfc3339_text(ts).view(), reference_rfc3339(ts)) << ts.ns;
  }
}

// pcapng timestamps are 64-bit counts of any unit: seconds past what int64 nanoseconds hold
// (found by the pcap_file fuzzer: 459614555325 s) are clamped, not overflowed.
TEST(Timestamp, HugeSecondsAreClampedSoDifferencesFit) {
  const Timestamp late = Timestamp::from_sec_nsec(459614555325, 0);
  const Timestamp early = Timestamp::from_sec_nsec(-459614555325, 0);
  EXPECT_EQ(late.ns, Timestamp::kLimitNs);
  EXPECT_EQ(early.ns, -Timestamp::kLimitNs);
  EXPECT_EQ(Timestamp::from_sec_nsec(INT64_MAX, 999'999'999).ns, Timestamp::kLimitNs);
  EXPECT_EQ(Timestamp::from_sec_nsec(INT64_MIN, 0).ns, -Timestamp::kLimitNs);
  // The limit is 2^62 - 1 ns = 4611686018.427387903 s: one more is clamped, one less is kept.
  EXPECT_EQ(Timestamp::from_sec_nsec(4611686018, 427387904).ns, Timestamp::kLimitNs);
  EXPECT_EQ(Timestamp::from_sec_nsec(4611686018, 427387902).ns, Timestamp::kLimitNs - 1);
  EXPECT_GT(late.seconds_since(early), 0.0);
  EXPECT_EQ(format_rfc3339(late), "2116-02-20T23:53:38.427387Z");
  EXPECT_EQ(format_rfc3339(early), reference_rfc3339(early));
}

}  // namespace
}  // namespace tlsdiag
