#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace tlsdiag {

// "0x1a2b" for codes that have no registry name.
std::string hex_u16(std::uint16_t v);
// Lower-case hex of bytes, no separators.
std::string hex_bytes(std::span<const std::uint8_t> bytes);
// Printable ASCII with other bytes as '.', for showing non-TLS payload prefixes.
std::string printable_prefix(std::span<const std::uint8_t> bytes, std::size_t max_len);

}  // namespace tlsdiag
