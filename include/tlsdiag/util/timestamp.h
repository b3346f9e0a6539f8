#pragma once
// Timestamp: capture time as nanoseconds since the Unix epoch (libpcap nanosecond precision).
#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace tlsdiag {

struct Timestamp {
  // Times are clamped to +-(2^62 - 1) ns (years 1823..2116), so the difference of any two fits
  // in an int64: a corrupt or hostile pcapng block can claim any 64-bit time.
  static constexpr std::int64_t kLimitNs = (std::int64_t{1} << 62) - 1;

  std::int64_t ns = 0;
  auto operator<=>(const Timestamp&) const = default;
  static Timestamp from_sec_nsec(std::int64_t sec, std::int64_t nsec) {
    std::int64_t ns = 0;
    if (__builtin_mul_overflow(sec, 1'000'000'000, &ns) || __builtin_add_overflow(ns, nsec, &ns))
      return {sec < 0 ? -kLimitNs : kLimitNs};
    return {ns < -kLimitNs ? -kLimitNs : ns > kLimitNs ? kLimitNs : ns};
  }
  double seconds_since(Timestamp earlier) const { return static_cast<double>(ns - earlier.ns) / 1e9; }
};

// RFC 3339 UTC with microseconds: "2024-01-02T03:04:05.123456Z".
std::string format_rfc3339(Timestamp ts);

// The same characters in place, for a writer that copies them at once: the JSON Lines writer
// formatted four or five times a flow, each one a heap string (27 characters, past the
// small-string buffer).
struct Rfc3339Text {
  std::array<char, 27> chars;
  std::string_view view() const { return {chars.data(), chars.size()}; }
};
Rfc3339Text rfc3339_text(Timestamp ts);

}  // namespace tlsdiag
