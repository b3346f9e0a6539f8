#pragma once
// Parsers for the hello messages (RFC 8446 §4.1.2-4.1.4, RFC 5246 §7.4.1) and the SSLv2
// compatible CLIENT-HELLO (RFC 5246 §E.2). |body| excludes the 4-byte handshake header.
#include "tlsdiag/tls/messages.h"
#include "tlsdiag/util/byte_reader.h"
#include "tlsdiag/util/result.h"

namespace tlsdiag::tls {

// Extensions beyond this many (by default) are not parsed: extensions_error TooManyExtensions.
// Real hellos carry fewer than 30.
inline constexpr std::size_t kMaxExtensions = 128;

Result<ClientHello> parse_client_hello(ByteReader body, std::size_t max_extensions = kMaxExtensions);
// |message| is the SSLv2 record body after the 2-byte length header, starting at msg_type.
Result<ClientHello> parse_sslv2_client_hello(ByteReader message);
// Also recognises a HelloRetryRequest (hello_retry_request = true).
Result<ServerHello> parse_server_hello(ByteReader body, std::size_t max_extensions = kMaxExtensions);

}  // namespace tlsdiag::tls
