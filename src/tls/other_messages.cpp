#include "tlsdiag/tls/other_messages.h"

namespace tlsdiag::tls {

Result<CertificateChain> parse_certificate(ByteReader body, bool tls13, std::size_t max_kept,
                                           ByteInterner* interner) {
  CertificateChain chain;
  chain.message_length = static_cast<std::uint32_t>(body.remaining());
  ByteReader context, list;
  if (tls13 && !body.read_prefixed_u8(context)) return ParseError{Errc::Truncated, body.offset()};
  if (!body.read_prefixed_u24(list)) return ParseError{Errc::Truncated, body.offset()};
  while (list.remaining() > 0) {
    ByteReader der, extensions;
    if (!list.read_prefixed_u24(der)) return ParseError{Errc::Truncated, list.offset()};
    if (tls13 && !list.read_prefixed_u16(extensions)) return ParseError{Errc::Truncated, list.offset()};
    ++chain.count;
    if (chain.der.size() < max_kept && der.remaining() <= kMaxCertificateBytes) {
      const auto bytes = der.rest();
      chain.der.push_back(interner != nullptr ? interner->intern(bytes) : SharedBytes(bytes.begin(), bytes.end()));
    }
  }
  if (!body.done()) return ParseError{Errc::TrailingBytes, body.offset()};
  return chain;
}

Result<CertificateRequest> parse_certificate_request(ByteReader body, std::uint16_t version) {
  CertificateRequest request;
  ByteReader types, algorithms;
  if (!body.read_prefixed_u8(types)) return ParseError{Errc::Truncated, body.offset()};
  if (version >= version::kTls12 && version < version::kTls13) {
    if (!body.read_prefixed_u16(algorithms)) return ParseError{Errc::Truncated, body.offset()};
    while (algorithms.remaining() >= 2) {
      std::uint16_t scheme = 0;
      algorithms.read_u16(scheme);
      request.signature_algorithms.push_back(scheme);
    }
  }
  return request;
}

Result<ServerKeyExchange> parse_server_key_exchange(ByteReader body, bool ecdhe) {
  ServerKeyExchange ske;
  if (!ecdhe) return ske;
  std::uint8_t curve_type = 0;
  std::uint16_t group = 0;
  if (!body.read_u8(curve_type) || !body.read_u16(group)) return ParseError{Errc::Truncated, body.offset()};
  if (curve_type == 3) ske.named_group = group;  // named_curve
  return ske;
}

Result<Alert> parse_alert(ByteReader body) {
  Alert alert;
  body.read_u8(alert.level);
  body.read_u8(alert.description);
  if (body.failed()) return ParseError{Errc::Truncated, body.offset()};
  if (!body.done()) return ParseError{Errc::TrailingBytes, body.offset()};
  return alert;
}

}  // namespace tlsdiag::tls
