#pragma once
// Sizes on the command line: "1073741824" (bytes), "512k", "256M", "2G" (binary units: k = 1024;
// "KiB", "MiB", "GiB" and a trailing "B" are accepted too).
#include <cstddef>
#include <optional>
#include <string_view>

namespace tlsdiag::app {

// Bytes, or nullopt for anything else (empty, negative, fractional, unknown unit, overflow).
std::optional<std::size_t> parse_byte_size(std::string_view text);

}  // namespace tlsdiag::app
