#pragma once
// The breakdowns of an input's counters (InputStats): malformed input by kind, and how often each
// hard cap was hit. Both are tables of output names indexed by position, like the stages' own
// (net::MalformedKind, tls::MalformedKind); docs/output.md lists them.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tlsdiag/net/decode_stats.h"
#include "tlsdiag/tls/malformed_kind.h"

namespace tlsdiag::analysis {

// Malformed input by kind: the packet decoder's kinds (net::MalformedKind order), a header cut by
// the snapshot length, then the TLS stage's kinds (tls::MalformedKind order). The packet kinds
// add up to InputStats::malformed; the TLS kinds come on top (their packets decoded fine).
inline constexpr std::size_t kTruncatedHeaderKind = net::kMalformedKindCount;
inline constexpr std::size_t kFirstTlsKind = kTruncatedHeaderKind + 1;
inline constexpr std::size_t kMalformedKindCount = kFirstTlsKind + tls::kMalformedKindCount;

constexpr std::size_t kind_index(net::MalformedKind kind) { return static_cast<std::size_t>(kind); }
constexpr std::size_t kind_index(tls::MalformedKind kind) {
  return kFirstTlsKind + static_cast<std::size_t>(kind);
}

inline constexpr std::array<std::string_view, kMalformedKindCount> kMalformedKindNames = [] {
  std::array<std::string_view, kMalformedKindCount> names{};
  std::ranges::copy(net::kMalformedKindNames, names.begin());
  names[kTruncatedHeaderKind] = "truncated_header";
  std::ranges::copy(tls::kMalformedKindNames, names.begin() + kFirstTlsKind);
  return names;
}();

// The hard caps (docs/hostile-input.md), by the flag that sets each; what one hit counts.
enum class Cap : std::uint8_t {
  ReassemblyBuffer,    // --max-reassembly-buffer: directions that reached it
  OutOfOrderSegments,  // --max-out-of-order-segments: directions that reached it
  HandshakeMessage,    // --max-handshake-message: messages over it (= oversized_message)
  Certificates,        // --max-certificates: chains of more certificates than it keeps
  Extensions,          // --max-extensions: hellos of more extensions than it parses
  Flows,               // --max-flows: flows evicted from the full flow table
  Memory,              // --memory-limit: flows evicted to stay under it
  kCount
};

inline constexpr std::size_t kCapCount = static_cast<std::size_t>(Cap::kCount);

inline constexpr std::array<std::string_view, kCapCount> kCapNames = {
    "reassembly_buffer", "out_of_order_segments", "handshake_message", "certificates",
    "extensions",        "flows",                 "memory",
};

}  // namespace tlsdiag::analysis
