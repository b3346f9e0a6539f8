#pragma once
// tls::MalformedKind: why bytes framed as TLS did not give a message the analysis can use. Each
// Malformed event the dissector emits has exactly one kind (DissectorStats::malformed_by_kind);
// the names are the output's (InputStats::malformed_by_kind, docs/output.md).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tlsdiag::tls {

enum class MalformedKind : std::uint8_t {
  BadRecordHeader,              // a record header no TLS stack writes: resync at the next one
  OversizedRecord,              // a record length past 2^14 + 2048 (RFC 8446 §5.2)
  TruncatedRecord,              // a record cut by a gap or by the end of the flow
  TruncatedHandshake,           // a handshake message cut by a gap or by the end of the flow
  BadHandshakeLength,           // a handshake message cut short by ChangeCipherSpec: its length lied
  OversizedMessage,             // a handshake message over TlsLimits::max_handshake_message, skipped
  MalformedClientHello,         // a ClientHello (or SSLv2 CLIENT-HELLO) that did not parse
  MalformedServerHello,         // a ServerHello (or SSLv2 SERVER-HELLO) that did not parse
  MalformedCertificate,
  MalformedServerKeyExchange,
  MalformedCertificateRequest,
  MalformedAlert,               // a decrypted alert that is not level + description
  kCount
};

inline constexpr std::size_t kMalformedKindCount = static_cast<std::size_t>(MalformedKind::kCount);

inline constexpr std::array<std::string_view, kMalformedKindCount> kMalformedKindNames = {
    "bad_record_header",      "oversized_record",          "truncated_record",
    "truncated_handshake",    "bad_handshake_length",      "oversized_message",
    "malformed_client_hello", "malformed_server_hello",    "malformed_certificate",
    "malformed_server_key_exchange", "malformed_certificate_request", "malformed_alert",
};

constexpr std::string_view malformed_kind_name(MalformedKind kind) {
  return kMalformedKindNames[static_cast<std::size_t>(kind)];
}

}  // namespace tlsdiag::tls
