#include <algorithm>
#include <array>
#include <cstring>

#include "extension_block.h"
#include "tlsdiag/tls/hello_parsers.h"

namespace tlsdiag::tls {
namespace {

// RFC 8446 §4.1.3: SHA-256("HelloRetryRequest") as the random marks a HelloRetryRequest.
constexpr std::array<std::uint8_t, 32> kHelloRetryRequestRandom = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
// RFC 8446 §4.1.3: "DOWNGRD" + 0x01 (TLS 1.2) or 0x00 (TLS 1.1 and below) ends the random of a
// TLS 1.3-capable server that negotiated an older version.
constexpr std::array<std::uint8_t, 7> kDowngradePrefix = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44};

bool parse_selected_version(ByteReader ext, ServerHello& hello) {
  return ext.read_u16(hello.selected_version) && ext.done();
}

// ServerHello: KeyShareEntry (group + key); HelloRetryRequest: the selected group only.
bool parse_key_share(ByteReader ext, ServerHello& hello) {
  std::uint16_t group = 0;
  if (!ext.read_u16(group)) return false;
  hello.key_share_group = group;
  return true;
}

bool parse_alpn(ByteReader ext, ServerHello& hello) {
  ByteReader list, name;
  if (!ext.read_prefixed_u16(list) || !list.read_prefixed_u8(name)) return false;
  const auto bytes = name.rest();
  hello.alpn.assign(bytes.begin(), bytes.end());
  return list.done() && ext.done();
}

bool flag_psk(ByteReader, ServerHello& h) { return h.pre_shared_key = true; }
bool flag_ems(ByteReader, ServerHello& h) { return h.extended_master_secret = true; }
bool flag_reneg(ByteReader, ServerHello& h) { return h.renegotiation_info = true; }

using ExtensionParser = tls::ExtensionParser<ServerHello>;

constexpr std::array kExtensionParsers = {
    ExtensionParser{16, parse_alpn},
    ExtensionParser{23, flag_ems},
    ExtensionParser{41, flag_psk},
    ExtensionParser{43, parse_selected_version},
    ExtensionParser{51, parse_key_share},
    ExtensionParser{0xff01, flag_reneg},
};
static_assert(std::ranges::is_sorted(kExtensionParsers, {}, &ExtensionParser::type));


}  // namespace

Result<ServerHello> parse_server_hello(ByteReader body, std::size_t max_extensions) {
  ServerHello hello;
  std::span<const std::uint8_t> random;
  ByteReader session_id;
  body.read_u16(hello.legacy_version);
  body.read_bytes(32, random);
  // TLS 1.3 drafts up to 21 (0x7f00-0x7f15) had no legacy_session_id_echo and no
  // compression_method; draft 22 brought them back for middlebox compatibility.
  const bool early_draft = (hello.legacy_version >> 8) == 0x7f && (hello.legacy_version & 0xff) <= 21;
  if (!early_draft) body.read_prefixed_u8(session_id);
  body.read_u16(hello.cipher_suite);
  if (!early_draft) body.read_u8(hello.compression_method);
  if (body.failed()) return ParseError{Errc::Truncated, body.offset()};
  std::ranges::copy(random, hello.random.begin());
  if (session_id.remaining() > 32) return ParseError{Errc::BadLength, session_id.offset()};
  hello.session_id_length = static_cast<std::uint8_t>(session_id.remaining());
  hello.hello_retry_request = std::ranges::equal(random, kHelloRetryRequestRandom);
  hello.downgrade_sentinel = std::ranges::equal(random.subspan(24, 7), kDowngradePrefix) &&
                             (random[31] == 0x00 || random[31] == 0x01);
  hello.selected_version = 0;
  if (body.remaining() > 0) {
    ByteReader extensions;
    if (!body.read_prefixed_u16(extensions)) {
      hello.extensions_error = ParseError{Errc::Truncated, body.offset()};
    } else {
      hello.extensions_error = parse_extension_block<ServerHello>(extensions, hello, kExtensionParsers, max_extensions);
      if (!hello.extensions_error && !body.done())
        hello.extensions_error = ParseError{Errc::TrailingBytes, body.offset()};
    }
  }
  if (hello.selected_version == 0) hello.selected_version = hello.legacy_version;
  return hello;
}

}  // namespace tlsdiag::tls
