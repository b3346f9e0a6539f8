#pragma once
// TLS wire builders for tests: records, handshake messages, hellos and extensions with chosen
// fields, as bytes. Each builder writes exactly the RFC struct it names (lengths computed), so a
// test states only the fields it cares about; byte-exact fixtures stay in the tests themselves.
//
//   ClientHelloSpec spec;
//   spec.extensions = {ext_server_name("example.com"), ext_supported_versions({0x0304})};
//   const Bytes wire = record(content_type::kHandshake, 0x0301, client_hello(spec));
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tlsdiag::test {

using Bytes = std::vector<std::uint8_t>;

// Network-order appenders.
void put_u8(Bytes& out, std::uint8_t v);
void put_u16(Bytes& out, std::uint16_t v);
void put_u24(Bytes& out, std::uint32_t v);
void put_bytes(Bytes& out, std::span<const std::uint8_t> bytes);
Bytes concat(std::initializer_list<std::span<const std::uint8_t>> parts);
Bytes text_bytes(std::string_view text);
Bytes filled(std::size_t n, std::uint8_t value);
// "16 03 01" or "160301": whitespace ignored.
Bytes from_hex(std::string_view hex);

// ---- record layer (RFC 8446 §5.1) -----------------------------------------------------------
Bytes record(std::uint8_t content_type, std::uint16_t version, std::span<const std::uint8_t> payload);
Bytes alert_record(std::uint8_t level, std::uint8_t description, std::uint16_t version = 0x0303);
Bytes change_cipher_spec_record(std::uint16_t version = 0x0303);
// A protected record of |length| opaque bytes (content type 23 unless given).
Bytes opaque_record(std::size_t length, std::uint8_t content_type = 23, std::uint16_t version = 0x0303);

// ---- handshake layer (RFC 8446 §4) ------------------------------------------------------------
// msg_type(1) length(3) body.
Bytes handshake(std::uint8_t type, std::span<const std::uint8_t> body);

// Extension: type(2) extension_data<0..2^16-1>.
Bytes extension(std::uint16_t type, std::span<const std::uint8_t> body = {});
// ClientHello extension bodies wrapped as whole extensions.
Bytes ext_server_name(std::string_view host_name);                       // RFC 6066 §3
Bytes ext_alpn(const std::vector<std::string>& protocols);               // RFC 7301 §3.1
Bytes ext_supported_versions(const std::vector<std::uint16_t>& versions);  // RFC 8446 §4.2.1
Bytes ext_supported_groups(const std::vector<std::uint16_t>& groups);    // RFC 8446 §4.2.7
Bytes ext_signature_algorithms(const std::vector<std::uint16_t>& schemes);  // RFC 8446 §4.2.3
Bytes ext_ec_point_formats(const std::vector<std::uint8_t>& formats);    // RFC 8422 §5.1.2
// RFC 8446 §4.2.8 client_shares: one KeyShareEntry per group with |key_length| opaque bytes.
Bytes ext_key_share_client(const std::vector<std::uint16_t>& groups, std::size_t key_length = 32);
Bytes ext_psk_key_exchange_modes(const std::vector<std::uint8_t>& modes);  // RFC 8446 §4.2.9
// ServerHello forms.
Bytes ext_selected_version(std::uint16_t version);
Bytes ext_key_share_server(std::uint16_t group, std::size_t key_length = 32);
Bytes ext_key_share_hrr(std::uint16_t selected_group);
Bytes ext_alpn_selected(std::string_view protocol);

// RFC 8446 §4.1.3: SHA-256("HelloRetryRequest").
inline constexpr std::array<std::uint8_t, 32> kHelloRetryRequestRandom = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

// A random of 32 bytes 0x00, 0x01, ... 0x1f: recognisably not special.
std::array<std::uint8_t, 32> plain_random();
// RFC 8446 §4.1.3: the last 8 bytes "DOWNGRD" + 0x01 (negotiated TLS 1.2) or 0x00 (<= TLS 1.1).
std::array<std::uint8_t, 32> downgrade_random(std::uint8_t last);

struct ClientHelloSpec {
  std::uint16_t legacy_version = 0x0303;
  std::array<std::uint8_t, 32> random = plain_random();
  Bytes session_id;
  std::vector<std::uint16_t> cipher_suites = {0x1301, 0xc02f};
  Bytes compression_methods = {0x00};
  // Whole extensions in wire order; the u16 extensions length is written when present.
  std::optional<std::vector<Bytes>> extensions = std::vector<Bytes>{};
};
// ClientHello body (RFC 8446 §4.1.2), without the handshake header.
Bytes client_hello_body(const ClientHelloSpec& spec);
// The whole handshake message (type 1).
Bytes client_hello(const ClientHelloSpec& spec);

struct ServerHelloSpec {
  std::uint16_t legacy_version = 0x0303;
  std::array<std::uint8_t, 32> random = plain_random();
  Bytes session_id;
  std::uint16_t cipher_suite = 0xc02f;
  std::uint8_t compression_method = 0;
  std::optional<std::vector<Bytes>> extensions;  // absent: no extensions block at all
};
Bytes server_hello_body(const ServerHelloSpec& spec);
Bytes server_hello(const ServerHelloSpec& spec);

// Certificate body: RFC 5246 §7.4.2 (u24 list of u24 DER) ...
Bytes certificate_body_tls12(const std::vector<Bytes>& certificates);
// ... or RFC 8446 §4.4.2 (request context, then CertificateEntry with empty extensions).
Bytes certificate_body_tls13(std::span<const std::uint8_t> context, const std::vector<Bytes>& certificates);

// SSLv2 CLIENT-HELLO record (RFC 5246 §E.2): 2-byte header (high bit set) then msg_type 1,
// version, the three lengths, cipher_specs (3 bytes each), session_id, challenge.
Bytes sslv2_client_hello(std::uint16_t version, const std::vector<std::uint32_t>& cipher_specs,
                         std::span<const std::uint8_t> session_id, std::span<const std::uint8_t> challenge);

// SSLv2 record (draft-hickman-netscape-ssl-00 "Record Header"): the 2-byte header (high bit
// set, 15-bit length) or, when |padding| is given, the 3-byte header (14-bit length, then the
// padding length); |body| includes any padding.
Bytes sslv2_record(std::span<const std::uint8_t> body, std::optional<std::uint8_t> padding = std::nullopt);
// SSLv2 SERVER-HELLO record: msg_type 4, session_id_hit 0, certificate_type 1 (X.509), version,
// the three lengths, then the certificate, cipher_specs (3 bytes each) and connection_id.
Bytes sslv2_server_hello(std::uint16_t version, std::span<const std::uint8_t> certificate,
                         const std::vector<std::uint32_t>& cipher_specs, std::span<const std::uint8_t> connection_id);

}  // namespace tlsdiag::test
