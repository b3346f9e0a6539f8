#include "tlsdiag/util/timestamp.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>

namespace tlsdiag {

std::string format_rfc3339(Timestamp ts) {
  // Floor division so timestamps before 1970 still print a valid date.
  std::int64_t sec = ts.ns / 1'000'000'000;
  std::int64_t rem = ts.ns % 1'000'000'000;
  if (rem < 0) {
    rem += 1'000'000'000;
    sec -= 1;
  }
  std::time_t t = static_cast<std::time_t>(sec);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "invalid-time";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06" PRId64 "Z", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, rem / 1000);
  return buf;
}

}  // namespace tlsdiag
