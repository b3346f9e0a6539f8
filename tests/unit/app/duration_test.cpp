#include "duration.h"

#include <gtest/gtest.h>

namespace tlsdiag::app {
namespace {

TEST(ParseDuration, Table) {
  struct Case {
    const char* text;
    std::optional<std::int64_t> ns;
  };
  const Case cases[] = {
      {"60", 60'000'000'000},  {"60s", 60'000'000'000}, {"1.5s", 1'500'000'000}, {"250ms", 250'000'000},
      {"5m", 300'000'000'000}, {"1h", 3'600'000'000'000}, {"0", 0},
      {"", std::nullopt},      {"s", std::nullopt},      {"-1", std::nullopt},    {"10x", std::nullopt},
      {"1e300", std::nullopt}, {"nan", std::nullopt},    {"5 m", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(parse_duration_ns(c.text), c.ns);
  }
}

}  // namespace
}  // namespace tlsdiag::app
