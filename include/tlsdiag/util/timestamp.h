#pragma once
// Timestamp: capture time as nanoseconds since the Unix epoch (libpcap nanosecond precision).
#include <compare>
#include <cstdint>
#include <string>

namespace tlsdiag {

struct Timestamp {
  std::int64_t ns = 0;
  auto operator<=>(const Timestamp&) const = default;
  static Timestamp from_sec_nsec(std::int64_t sec, std::int64_t nsec) { return {sec * 1'000'000'000 + nsec}; }
  double seconds_since(Timestamp earlier) const { return static_cast<double>(ns - earlier.ns) / 1e9; }
};

// RFC 3339 UTC with microseconds: "2024-01-02T03:04:05.123456Z".
std::string format_rfc3339(Timestamp ts);

}  // namespace tlsdiag
