#pragma once
// Durations on the command line: "60" (seconds), "1.5s", "250ms", "5m", "1h".
#include <cstdint>
#include <optional>
#include <string_view>

namespace tlsdiag::app {

// Nanoseconds, or nullopt for anything else (negative, empty, unknown unit, overflow).
std::optional<std::int64_t> parse_duration_ns(std::string_view text);

}  // namespace tlsdiag::app
