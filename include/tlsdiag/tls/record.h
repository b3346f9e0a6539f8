#pragma once
// TLS record layer (RFC 8446 §5.1, RFC 5246 §6.2): the 5-byte header and what makes one plausible.
#include <cstdint>
#include <span>

namespace tlsdiag::tls {

namespace content_type {
inline constexpr std::uint8_t kChangeCipherSpec = 20;
inline constexpr std::uint8_t kAlert = 21;
inline constexpr std::uint8_t kHandshake = 22;
inline constexpr std::uint8_t kApplicationData = 23;
inline constexpr std::uint8_t kHeartbeat = 24;
}  // namespace content_type

inline constexpr std::size_t kRecordHeaderSize = 5;
// RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048.
inline constexpr std::size_t kMaxRecordPayload = (1u << 14) + 2048;

struct RecordHeader {
  std::uint8_t content_type = 0;
  std::uint16_t version = 0;
  std::uint16_t length = 0;
};

// Reads a header from the first 5 bytes; false when fewer are present.
bool read_record_header(std::span<const std::uint8_t> bytes, RecordHeader& out);

// A header a real TLS stack could have written: known content type, SSL 3.0..TLS 1.3 record
// version (TLS 1.3 keeps 0x0301/0x0303 on the wire), length within the RFC limit.
bool plausible_record_header(const RecordHeader& h);

// SSLv2-compatible CLIENT-HELLO (RFC 5246 §E.2): 2-byte header with the high bit set, then
// msg_type 1 and a version of SSL 2.0 or 3.x. Needs at least 5 bytes.
bool looks_like_sslv2_client_hello(std::span<const std::uint8_t> bytes);

// SSLv2 SERVER-HELLO (draft-hickman-netscape-ssl-00): 2-byte header, msg_type 4, session_id_hit
// 0/1, certificate_type, then server_version. Needs at least 7 bytes.
bool looks_like_sslv2_server_hello(std::span<const std::uint8_t> bytes);

// SSLv2 record header: 2 bytes (high bit set) or 3 bytes (with a padding length). Returns the
// header size and sets |length|; 0 when fewer than 3 bytes are present.
std::size_t read_sslv2_header(std::span<const std::uint8_t> bytes, std::size_t& length);

// Offset of the first plausible record header at or after `from`, or bytes.size() when none.
// A candidate followed by another complete header must have that one plausible too.
std::size_t find_plausible_record(std::span<const std::uint8_t> bytes, std::size_t from = 0);

}  // namespace tlsdiag::tls
