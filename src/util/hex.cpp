#include "tlsdiag/util/hex.h"

#include <cstdio>

namespace tlsdiag {

std::string hex_u16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

std::string hex_bytes(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::string printable_prefix(std::span<const std::uint8_t> bytes, std::size_t max_len) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < max_len; ++i) {
    const std::uint8_t b = bytes[i];
    if (b == '\r') continue;
    if (b == '\n') { out += "\\n"; continue; }
    out.push_back(b >= 0x20 && b < 0x7f ? static_cast<char>(b) : '.');
  }
  return out;
}

}  // namespace tlsdiag
