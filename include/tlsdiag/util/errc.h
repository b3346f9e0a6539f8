#pragma once
// Errc: every parse failure kind, one enum; messages are a constexpr array indexed by it.
#include <array>
#include <cstdint>
#include <string_view>

namespace tlsdiag {

enum class Errc : std::uint8_t {
  Ok,
  Truncated,
  TrailingBytes,
  BadLength,
  BadVersion,
  BadCipherSuiteList,
  BadCompressionList,
  BadExtension,
  DuplicateExtension,
  OversizedMessage,
  OversizedRecord,
  UnknownContentType,
  BadHeader,
  BadChecksum,
  Unsupported,
  TooManyExtensions,
  kCount
};

inline constexpr std::array<std::string_view, static_cast<std::size_t>(Errc::kCount)> kErrcMessages = {
    "ok",
    "truncated",
    "trailing bytes",
    "bad length",
    "bad version",
    "bad cipher suite list",
    "bad compression method list",
    "bad extension",
    "duplicate extension",
    "oversized message",
    "oversized record",
    "unknown content type",
    "bad header",
    "bad checksum",
    "unsupported",
    "too many extensions",
};

constexpr std::string_view errc_message(Errc e) {
  return kErrcMessages[static_cast<std::size_t>(e)];
}

}  // namespace tlsdiag
