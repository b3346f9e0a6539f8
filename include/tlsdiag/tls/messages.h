#pragma once
// Parsed TLS handshake messages: only the facts the analysis and reports need, copied out of the
// wire bytes (which are views valid only during parsing).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tlsdiag/util/result.h"
#include "tlsdiag/util/shared_bytes.h"

namespace tlsdiag::tls {

namespace version {
inline constexpr std::uint16_t kSsl2 = 0x0002;
inline constexpr std::uint16_t kSsl3 = 0x0300;
inline constexpr std::uint16_t kTls10 = 0x0301;
inline constexpr std::uint16_t kTls11 = 0x0302;
inline constexpr std::uint16_t kTls12 = 0x0303;
inline constexpr std::uint16_t kTls13 = 0x0304;
}  // namespace version

// Orders versions so that drafts of TLS 1.3 (0x7fxx) and 0xfb17-style experiments sort as 1.3.
int version_rank(std::uint16_t v);

struct ClientHello {
  std::uint16_t record_version = 0;
  std::uint16_t legacy_version = 0;
  bool sslv2_format = false;             // SSLv2-compatible CLIENT-HELLO (RFC 5246 appendix E.2)
  std::array<std::uint8_t, 32> random{};  // finds the connection's secrets in a key log
  std::uint8_t session_id_length = 0;
  std::vector<std::uint16_t> cipher_suites;
  std::vector<std::uint8_t> compression_methods;
  std::vector<std::uint16_t> extensions;  // types in wire order (GREASE included)
  std::vector<std::uint16_t> supported_versions;  // as offered, GREASE included
  std::string sni;
  std::vector<std::string> alpn;
  std::vector<std::uint16_t> groups;
  std::vector<std::uint8_t> ec_point_formats;
  std::vector<std::uint16_t> signature_algorithms;
  std::vector<std::uint16_t> key_share_groups;
  std::vector<std::uint8_t> psk_key_exchange_modes;
  bool pre_shared_key = false;
  bool early_data = false;
  bool renegotiation_info = false;
  bool extended_master_secret = false;
  bool session_ticket = false;
  bool encrypted_client_hello = false;
  bool fallback_scsv = false;            // TLS_FALLBACK_SCSV (0x5600) among the suites
  std::uint32_t message_length = 0;
  // Set when the extension block is malformed (duplicate, bad body, truncated): the hello keeps
  // what parsed before it; a conforming server answers decode_error or illegal_parameter.
  std::optional<ParseError> extensions_error;

  // Versions offered, GREASE removed, highest first (versions of equal rank, TLS 1.3 and its
  // drafts, in wire order): supported_versions when present, else legacy_version alone (the
  // client's lowest version is not on the wire).
  std::vector<std::uint16_t> offered_versions() const;
  // offered_versions().front() without making the list (it runs for every flow); 0 when empty.
  std::uint16_t highest_offered() const;
  // highest_offered(), or legacy_version when nothing comparable was offered.
  std::uint16_t highest_version() const;
};

// A ClientHello the Dissector framed (frame_client_hello: it is not malformed) but left for its
// sink to parse (Dissector::defer_client_hellos): with an event thread, the parsing and its
// allocations happen there, off the packet path (docs/performance.md, session 20). It holds the
// body up to the end of its extension block; bytes after it are only said to be there.
struct UnparsedClientHello {
  std::uint16_t record_version = 0;
  std::size_t max_extensions = 0;
  std::vector<std::uint8_t> body;  // the message's body, without trailing bytes
  std::uint32_t message_length = 0;
  std::optional<std::size_t> trailing_at;  // where the bytes after the extension block began
};

struct ServerHello {
  std::uint16_t record_version = 0;
  std::uint16_t legacy_version = 0;
  std::uint16_t selected_version = 0;    // supported_versions when present, else legacy_version
  std::array<std::uint8_t, 32> random{};  // with the client's, derives TLS <= 1.2 keys
  std::uint16_t cipher_suite = 0;
  std::uint8_t compression_method = 0;
  std::uint8_t session_id_length = 0;
  bool hello_retry_request = false;      // RFC 8446 §4.1.3 special random
  bool downgrade_sentinel = false;       // RFC 8446 §4.1.3 DOWNGRD marker in the random
  std::vector<std::uint16_t> extensions;
  std::optional<std::uint16_t> key_share_group;
  std::string alpn;
  bool pre_shared_key = false;
  bool extended_master_secret = false;
  bool renegotiation_info = false;
  std::optional<ParseError> extensions_error;
};

// Certificate message as seen in clear (TLS <= 1.2). DER bytes are kept (capped) for the
// certificate stage, shared: the Dissector interns them, one copy per distinct certificate.
struct CertificateChain {
  std::vector<SharedBytes> der;
  std::uint32_t count = 0;               // as announced, even past the cap
  std::uint32_t message_length = 0;
};

struct CertificateRequest {
  std::vector<std::uint16_t> signature_algorithms;
};

struct ServerKeyExchange {
  std::optional<std::uint16_t> named_group;  // ECDHE: the curve; absent for DHE/RSA/PSK
};

struct Alert {
  std::uint8_t level = 0;        // 1 warning, 2 fatal, 0 unknown (encrypted)
  std::uint8_t description = 0;  // AlertDescription; meaningless when encrypted and not decrypted
  bool encrypted = false;        // inside an encrypted record: level/description not visible...
  bool decrypted = false;        // ...unless a key log let us decrypt it
  std::uint16_t length = 0;      // encrypted: the protected record's length (counted as encrypted bytes)
  bool visible() const { return !encrypted || decrypted; }
};

}  // namespace tlsdiag::tls
