#include "support/tls_builder.h"

#include <cctype>
#include <stdexcept>

namespace tlsdiag::test {

namespace {
// Lengths in a builder are the caller's choice to get wrong only through explicit bytes.
void check_fits(std::size_t n, std::size_t max, const char* what) {
  if (n > max) throw std::length_error(std::string("tls_builder: ") + what + " too long");
}

Bytes prefixed_u8(std::span<const std::uint8_t> body) {
  check_fits(body.size(), 0xff, "u8 vector");
  Bytes out;
  put_u8(out, static_cast<std::uint8_t>(body.size()));
  put_bytes(out, body);
  return out;
}

Bytes prefixed_u16(std::span<const std::uint8_t> body) {
  check_fits(body.size(), 0xffff, "u16 vector");
  Bytes out;
  put_u16(out, static_cast<std::uint16_t>(body.size()));
  put_bytes(out, body);
  return out;
}

Bytes prefixed_u24(std::span<const std::uint8_t> body) {
  check_fits(body.size(), 0xffffff, "u24 vector");
  Bytes out;
  put_u24(out, static_cast<std::uint32_t>(body.size()));
  put_bytes(out, body);
  return out;
}

Bytes u16_list(const std::vector<std::uint16_t>& values) {
  Bytes out;
  for (std::uint16_t v : values) put_u16(out, v);
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  throw std::invalid_argument("tls_builder: bad hex digit");
}
}  // namespace

void put_u8(Bytes& out, std::uint8_t v) { out.push_back(v); }

void put_u16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void put_u24(Bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void put_bytes(Bytes& out, std::span<const std::uint8_t> bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }

Bytes concat(std::initializer_list<std::span<const std::uint8_t>> parts) {
  Bytes out;
  for (auto part : parts) put_bytes(out, part);
  return out;
}

Bytes text_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes filled(std::size_t n, std::uint8_t value) { return Bytes(n, value); }

Bytes from_hex(std::string_view hex) {
  Bytes out;
  int high = -1;
  for (char c : hex) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    const int d = hex_digit(c);
    if (high < 0) {
      high = d;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | d));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("tls_builder: odd number of hex digits");
  return out;
}

Bytes record(std::uint8_t content_type, std::uint16_t version, std::span<const std::uint8_t> payload) {
  Bytes out;
  put_u8(out, content_type);
  put_u16(out, version);
  put_bytes(out, prefixed_u16(payload));
  return out;
}

Bytes alert_record(std::uint8_t level, std::uint8_t description, std::uint16_t version) {
  const Bytes body = {level, description};
  return record(21, version, body);
}

Bytes change_cipher_spec_record(std::uint16_t version) {
  const Bytes body = {0x01};
  return record(20, version, body);
}

Bytes opaque_record(std::size_t length, std::uint8_t content_type, std::uint16_t version) {
  Bytes payload(length);
  for (std::size_t i = 0; i < length; ++i) payload[i] = static_cast<std::uint8_t>(0xa0 + i % 7);
  return record(content_type, version, payload);
}

Bytes handshake(std::uint8_t type, std::span<const std::uint8_t> body) {
  Bytes out;
  put_u8(out, type);
  put_bytes(out, prefixed_u24(body));
  return out;
}

Bytes extension(std::uint16_t type, std::span<const std::uint8_t> body) {
  Bytes out;
  put_u16(out, type);
  put_bytes(out, prefixed_u16(body));
  return out;
}

Bytes ext_server_name(std::string_view host_name) {
  Bytes entry;
  put_u8(entry, 0);  // name_type: host_name
  put_bytes(entry, prefixed_u16(text_bytes(host_name)));
  return extension(0, prefixed_u16(entry));
}

Bytes ext_alpn(const std::vector<std::string>& protocols) {
  Bytes list;
  for (const std::string& p : protocols) put_bytes(list, prefixed_u8(text_bytes(p)));
  return extension(16, prefixed_u16(list));
}

Bytes ext_supported_versions(const std::vector<std::uint16_t>& versions) {
  return extension(43, prefixed_u8(u16_list(versions)));
}

Bytes ext_supported_groups(const std::vector<std::uint16_t>& groups) {
  return extension(10, prefixed_u16(u16_list(groups)));
}

Bytes ext_signature_algorithms(const std::vector<std::uint16_t>& schemes) {
  return extension(13, prefixed_u16(u16_list(schemes)));
}

Bytes ext_ec_point_formats(const std::vector<std::uint8_t>& formats) {
  return extension(11, prefixed_u8(formats));
}

Bytes ext_key_share_client(const std::vector<std::uint16_t>& groups, std::size_t key_length) {
  Bytes shares;
  for (std::uint16_t g : groups) {
    put_u16(shares, g);
    put_bytes(shares, prefixed_u16(filled(key_length, 0x5a)));
  }
  return extension(51, prefixed_u16(shares));
}

Bytes ext_psk_key_exchange_modes(const std::vector<std::uint8_t>& modes) {
  return extension(45, prefixed_u8(modes));
}

Bytes ext_selected_version(std::uint16_t version) {
  Bytes body;
  put_u16(body, version);
  return extension(43, body);
}

Bytes ext_key_share_server(std::uint16_t group, std::size_t key_length) {
  Bytes body;
  put_u16(body, group);
  put_bytes(body, prefixed_u16(filled(key_length, 0x6b)));
  return extension(51, body);
}

Bytes ext_key_share_hrr(std::uint16_t selected_group) {
  Bytes body;
  put_u16(body, selected_group);
  return extension(51, body);
}

Bytes ext_alpn_selected(std::string_view protocol) {
  return extension(16, prefixed_u16(prefixed_u8(text_bytes(protocol))));
}

std::array<std::uint8_t, 32> plain_random() {
  std::array<std::uint8_t, 32> r{};
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = static_cast<std::uint8_t>(i);
  return r;
}

std::array<std::uint8_t, 32> downgrade_random(std::uint8_t last) {
  auto r = plain_random();
  constexpr std::array<std::uint8_t, 7> kDowngrd = {'D', 'O', 'W', 'N', 'G', 'R', 'D'};
  for (std::size_t i = 0; i < kDowngrd.size(); ++i) r[24 + i] = kDowngrd[i];
  r[31] = last;
  return r;
}

Bytes client_hello_body(const ClientHelloSpec& spec) {
  Bytes out;
  put_u16(out, spec.legacy_version);
  put_bytes(out, spec.random);
  put_bytes(out, prefixed_u8(spec.session_id));
  put_bytes(out, prefixed_u16(u16_list(spec.cipher_suites)));
  put_bytes(out, prefixed_u8(spec.compression_methods));
  if (spec.extensions) {
    Bytes all;
    for (const Bytes& e : *spec.extensions) put_bytes(all, e);
    put_bytes(out, prefixed_u16(all));
  }
  return out;
}

Bytes client_hello(const ClientHelloSpec& spec) { return handshake(1, client_hello_body(spec)); }

Bytes server_hello_body(const ServerHelloSpec& spec) {
  Bytes out;
  put_u16(out, spec.legacy_version);
  put_bytes(out, spec.random);
  put_bytes(out, prefixed_u8(spec.session_id));
  put_u16(out, spec.cipher_suite);
  put_u8(out, spec.compression_method);
  if (spec.extensions) {
    Bytes all;
    for (const Bytes& e : *spec.extensions) put_bytes(all, e);
    put_bytes(out, prefixed_u16(all));
  }
  return out;
}

Bytes server_hello(const ServerHelloSpec& spec) { return handshake(2, server_hello_body(spec)); }

Bytes certificate_body_tls12(const std::vector<Bytes>& certificates) {
  Bytes list;
  for (const Bytes& der : certificates) put_bytes(list, prefixed_u24(der));
  return prefixed_u24(list);
}

Bytes certificate_body_tls13(std::span<const std::uint8_t> context, const std::vector<Bytes>& certificates) {
  Bytes list;
  for (const Bytes& der : certificates) {
    put_bytes(list, prefixed_u24(der));
    put_u16(list, 0);  // extensions: none
  }
  return concat({prefixed_u8(context), prefixed_u24(list)});
}

Bytes sslv2_client_hello(std::uint16_t version, const std::vector<std::uint32_t>& cipher_specs,
                         std::span<const std::uint8_t> session_id, std::span<const std::uint8_t> challenge) {
  Bytes body;
  put_u8(body, 1);  // msg_type: CLIENT-HELLO
  put_u16(body, version);
  put_u16(body, static_cast<std::uint16_t>(cipher_specs.size() * 3));
  put_u16(body, static_cast<std::uint16_t>(session_id.size()));
  put_u16(body, static_cast<std::uint16_t>(challenge.size()));
  for (std::uint32_t spec : cipher_specs) put_u24(body, spec);
  put_bytes(body, session_id);
  put_bytes(body, challenge);
  return sslv2_record(body);
}

Bytes sslv2_record(std::span<const std::uint8_t> body, std::optional<std::uint8_t> padding) {
  Bytes out;
  if (!padding) {
    check_fits(body.size(), 0x7fff, "SSLv2 record");
    put_u16(out, static_cast<std::uint16_t>(0x8000 | body.size()));
  } else {
    check_fits(body.size(), 0x3fff, "SSLv2 record with padding");
    put_u16(out, static_cast<std::uint16_t>(body.size()));
    put_u8(out, *padding);
  }
  put_bytes(out, body);
  return out;
}

Bytes sslv2_server_hello(std::uint16_t version, std::span<const std::uint8_t> certificate,
                         const std::vector<std::uint32_t>& cipher_specs, std::span<const std::uint8_t> connection_id) {
  Bytes body;
  put_u8(body, 4);  // msg_type: SERVER-HELLO
  put_u8(body, 0);  // session_id_hit
  put_u8(body, 1);  // certificate_type: X.509
  put_u16(body, version);
  put_u16(body, static_cast<std::uint16_t>(certificate.size()));
  put_u16(body, static_cast<std::uint16_t>(cipher_specs.size() * 3));
  put_u16(body, static_cast<std::uint16_t>(connection_id.size()));
  put_bytes(body, certificate);
  for (std::uint32_t spec : cipher_specs) put_u24(body, spec);
  put_bytes(body, connection_id);
  return sslv2_record(body);
}

}  // namespace tlsdiag::test
