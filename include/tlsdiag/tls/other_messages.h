#pragma once
// Parsers for the handshake messages after the hellos that the analysis uses, and the alert.
// |body| excludes the 4-byte handshake header.
#include "tlsdiag/tls/messages.h"
#include "tlsdiag/util/byte_reader.h"
#include "tlsdiag/util/result.h"

namespace tlsdiag::tls {

inline constexpr std::size_t kMaxCertificatesKept = 10;
inline constexpr std::size_t kMaxCertificateBytes = 64 * 1024;

// RFC 5246 §7.4.2 (certificate_list of u24 DER) or, with tls13 = true, RFC 8446 §4.4.2
// (request context, then entries with their own extensions). The DER of the first |max_kept|
// certificates (each at most kMaxCertificateBytes) is kept, from |interner| when one is given
// (a copy of their own otherwise); count says how many were sent.
Result<CertificateChain> parse_certificate(ByteReader body, bool tls13, std::size_t max_kept = kMaxCertificatesKept,
                                           ByteInterner* interner = nullptr);
// RFC 5246 §7.4.4 (TLS 1.2 form; earlier versions carry no signature algorithms).
Result<CertificateRequest> parse_certificate_request(ByteReader body, std::uint16_t version);
// RFC 8422 §5.4: ECParameters (curve_type 3 = named_curve) then the point. Only meaningful
// when the negotiated suite uses ECDHE; |ecdhe| says so.
Result<ServerKeyExchange> parse_server_key_exchange(ByteReader body, bool ecdhe);
// RFC 8446 §6: level, description. A 2-byte body only.
Result<Alert> parse_alert(ByteReader body);

}  // namespace tlsdiag::tls
