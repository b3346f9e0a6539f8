#pragma once
// Parsers for the hello messages (RFC 8446 §4.1.2-4.1.4, RFC 5246 §7.4.1) and the SSLv2
// compatible CLIENT-HELLO (RFC 5246 §E.2). |body| excludes the 4-byte handshake header.
#include <cstdint>
#include <optional>
#include <span>

#include "tlsdiag/tls/messages.h"
#include "tlsdiag/util/byte_reader.h"
#include "tlsdiag/util/result.h"

namespace tlsdiag::tls {

// Extensions beyond this many (by default) are not parsed: extensions_error TooManyExtensions.
// Real hellos carry fewer than 30.
inline constexpr std::size_t kMaxExtensions = 128;

Result<ClientHello> parse_client_hello(ByteReader body, std::size_t max_extensions = kMaxExtensions);

// parse_client_hello in two steps. frame_client_hello reads the fixed fields and finds the lists
// without allocating; it fails exactly where parse_client_hello fails, with the same error.
// parse_framed_client_hello then fills the lists and parses the extensions, and cannot fail (an
// extension that does not parse is extensions_error). The frame's readers point into |body|.
struct ClientHelloFrame {
  std::uint32_t message_length = 0;
  std::uint16_t legacy_version = 0;
  std::span<const std::uint8_t> random;
  std::uint8_t session_id_length = 0;
  ByteReader suites;       // a whole number of suites, at least one
  ByteReader compression;  // at least one method
  bool has_extensions = false;  // bytes follow compression_methods (RFC 5246 §7.4.1.2)
  ByteReader extensions;
  std::optional<std::size_t> trailing_at;  // where bytes after the extension block begin
};
Result<ClientHelloFrame> frame_client_hello(ByteReader body);
ClientHello parse_framed_client_hello(const ClientHelloFrame& frame, std::size_t max_extensions = kMaxExtensions);
// What parse_client_hello gave for the message |unparsed| was made from (it fails only on bytes
// the Dissector did not frame).
Result<ClientHello> parse_client_hello(const UnparsedClientHello& unparsed);
// |message| is the SSLv2 record body after the 2-byte length header, starting at msg_type.
Result<ClientHello> parse_sslv2_client_hello(ByteReader message);
// Also recognises a HelloRetryRequest (hello_retry_request = true).
Result<ServerHello> parse_server_hello(ByteReader body, std::size_t max_extensions = kMaxExtensions);

}  // namespace tlsdiag::tls
