#pragma once
// Names the two JSON writers (flow_json.cpp with nlohmann::json, flow_json_text.cpp streaming)
// both print, kept in one place so the two cannot drift apart.
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "tlsdiag/analysis/flow_record.h"

namespace tlsdiag::report::output_names {

inline constexpr std::array<std::string_view, 4> kTcpEventNames = {"syn", "syn-ack", "fin", "rst"};
inline constexpr std::array<std::string_view, 6> kCloseReasonNames = {"fin", "rst", "end-of-capture",
                                                                      "evicted", "timeout", "open"};
// RFC 8446 §4.2.9 PskKeyExchangeMode.
inline constexpr std::array<std::string_view, 2> kPskModeNames = {"psk_ke", "psk_dhe_ke"};
// analysis::Decryption, in its order.
inline constexpr std::array<std::string_view, 5> kDecryptionNames = {"none", "decrypted", "failed", "no_keys",
                                                                     "unsupported_suite"};

inline std::string hex_u8(std::uint8_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

inline const char* sender_name(reassembly::Direction d) {
  return d == reassembly::Direction::ClientToServer ? "client" : "server";
}

inline std::string psk_mode_name(std::uint8_t mode) {
  return mode < kPskModeNames.size() ? std::string(kPskModeNames[mode]) : hex_u8(mode);
}

inline std::string alert_level_name(std::uint8_t level) {
  if (level == 1) return "warning";
  if (level == 2) return "fatal";
  return hex_u8(level);
}

inline std::string_view decryption_name(analysis::Decryption d) {
  const auto i = static_cast<std::size_t>(d);
  return i < kDecryptionNames.size() ? kDecryptionNames[i] : "none";
}

}  // namespace tlsdiag::report::output_names
