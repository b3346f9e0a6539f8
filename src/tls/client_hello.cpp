#include <algorithm>
#include <array>

#include "extension_block.h"
#include "tlsdiag/tls/hello_parsers.h"
#include "tlsdiag/tls/registry.h"

namespace tlsdiag::tls {
namespace {

constexpr std::uint16_t kFallbackScsv = 0x5600;

// Lists are sized from their length prefix first: growing them one push at a time cost five or
// six allocations for a typical list of cipher suites.
bool read_u16_list(ByteReader list, std::vector<std::uint16_t>& out) {
  out.reserve(out.size() + list.remaining() / 2);
  while (list.remaining() >= 2) {
    std::uint16_t v = 0;
    list.read_u16(v);
    out.push_back(v);
  }
  return list.done();
}

bool read_u8_list(ByteReader list, std::vector<std::uint8_t>& out) {
  out.reserve(out.size() + list.remaining());
  while (list.remaining() > 0) {
    std::uint8_t v = 0;
    list.read_u8(v);
    out.push_back(v);
  }
  return list.done();
}

// RFC 6066 §3: a list of (type, name); type 0 is host_name.
bool parse_server_name(ByteReader ext, ClientHello& hello) {
  ByteReader list;
  if (!ext.read_prefixed_u16(list)) return false;
  while (list.remaining() > 0) {
    std::uint8_t type = 0;
    ByteReader name;
    if (!list.read_u8(type) || !list.read_prefixed_u16(name)) return false;
    if (type == 0 && hello.sni.empty()) {
      const auto bytes = name.rest();
      hello.sni.assign(bytes.begin(), bytes.end());
    }
  }
  return ext.done();
}

bool parse_supported_groups(ByteReader ext, ClientHello& hello) {
  ByteReader list;
  return ext.read_prefixed_u16(list) && read_u16_list(list, hello.groups) && ext.done();
}

bool parse_ec_point_formats(ByteReader ext, ClientHello& hello) {
  ByteReader list;
  return ext.read_prefixed_u8(list) && read_u8_list(list, hello.ec_point_formats) && ext.done();
}

bool parse_signature_algorithms(ByteReader ext, ClientHello& hello) {
  ByteReader list;
  return ext.read_prefixed_u16(list) && read_u16_list(list, hello.signature_algorithms) && ext.done();
}

// RFC 7301 §3.1: ProtocolNameList of non-empty u8-prefixed strings.
bool parse_alpn(ByteReader ext, ClientHello& hello) {
  ByteReader list;
  if (!ext.read_prefixed_u16(list)) return false;
  while (list.remaining() > 0) {
    ByteReader name;
    if (!list.read_prefixed_u8(name)) return false;
    const auto bytes = name.rest();
    hello.alpn.emplace_back(bytes.begin(), bytes.end());
  }
  return ext.done();
}

bool parse_supported_versions(ByteReader ext, ClientHello& hello) {
  ByteReader list;
  return ext.read_prefixed_u8(list) && read_u16_list(list, hello.supported_versions) && ext.done();
}

bool parse_psk_modes(ByteReader ext, ClientHello& hello) {
  ByteReader list;
  return ext.read_prefixed_u8(list) && read_u8_list(list, hello.psk_key_exchange_modes) && ext.done();
}

// RFC 8446 §4.2.8: client_shares is a list of (group, key_exchange).
bool parse_key_share(ByteReader ext, ClientHello& hello) {
  ByteReader list;
  if (!ext.read_prefixed_u16(list)) return false;
  while (list.remaining() > 0) {
    std::uint16_t group = 0;
    ByteReader key;
    if (!list.read_u16(group) || !list.read_prefixed_u16(key)) return false;
    hello.key_share_groups.push_back(group);
  }
  return ext.done();
}

bool flag_pre_shared_key(ByteReader, ClientHello& h) { return h.pre_shared_key = true; }
bool flag_early_data(ByteReader, ClientHello& h) { return h.early_data = true; }
bool flag_renegotiation_info(ByteReader, ClientHello& h) { return h.renegotiation_info = true; }
bool flag_extended_master_secret(ByteReader, ClientHello& h) { return h.extended_master_secret = true; }
bool flag_session_ticket(ByteReader, ClientHello& h) { return h.session_ticket = true; }
bool flag_ech(ByteReader, ClientHello& h) { return h.encrypted_client_hello = true; }

using ExtensionParser = tls::ExtensionParser<ClientHello>;

// Sorted by type for binary search.
constexpr std::array kExtensionParsers = {
    ExtensionParser{0, parse_server_name},
    ExtensionParser{10, parse_supported_groups},
    ExtensionParser{11, parse_ec_point_formats},
    ExtensionParser{13, parse_signature_algorithms},
    ExtensionParser{16, parse_alpn},
    ExtensionParser{23, flag_extended_master_secret},
    ExtensionParser{35, flag_session_ticket},
    ExtensionParser{41, flag_pre_shared_key},
    ExtensionParser{42, flag_early_data},
    ExtensionParser{43, parse_supported_versions},
    ExtensionParser{45, parse_psk_modes},
    ExtensionParser{51, parse_key_share},
    ExtensionParser{0xfe0d, flag_ech},
    ExtensionParser{0xff01, flag_renegotiation_info},
};
static_assert(std::ranges::is_sorted(kExtensionParsers, {}, &ExtensionParser::type));


}  // namespace

Result<ClientHelloFrame> frame_client_hello(ByteReader body) {
  ClientHelloFrame f;
  f.message_length = static_cast<std::uint32_t>(body.remaining());
  ByteReader session_id;
  body.read_u16(f.legacy_version);
  body.read_bytes(32, f.random);
  body.read_prefixed_u8(session_id);
  body.read_prefixed_u16(f.suites);
  body.read_prefixed_u8(f.compression);
  if (body.failed()) return ParseError{Errc::Truncated, body.offset()};
  if (session_id.remaining() > 32) return ParseError{Errc::BadLength, session_id.offset()};
  f.session_id_length = static_cast<std::uint8_t>(session_id.remaining());
  if (f.suites.remaining() == 0 || f.suites.remaining() % 2 != 0)
    return ParseError{Errc::BadCipherSuiteList, f.suites.offset()};
  if (f.compression.remaining() == 0) return ParseError{Errc::BadCompressionList, f.compression.offset()};
  // RFC 5246 §7.4.1.2: extensions exist only if bytes follow compression_methods.
  if (body.remaining() == 0) return f;
  f.has_extensions = true;
  if (!body.read_prefixed_u16(f.extensions)) return ParseError{Errc::Truncated, body.offset()};
  if (!body.done()) f.trailing_at = body.offset();
  return f;
}

ClientHello parse_framed_client_hello(const ClientHelloFrame& f, std::size_t max_extensions) {
  ClientHello hello;
  hello.message_length = f.message_length;
  hello.legacy_version = f.legacy_version;
  std::ranges::copy(f.random, hello.random.begin());
  hello.session_id_length = f.session_id_length;
  read_u16_list(f.suites, hello.cipher_suites);
  read_u8_list(f.compression, hello.compression_methods);
  hello.fallback_scsv = std::ranges::find(hello.cipher_suites, kFallbackScsv) != hello.cipher_suites.end();
  if (!f.has_extensions) return hello;
  hello.extensions_error = parse_extension_block<ClientHello>(f.extensions, hello, kExtensionParsers, max_extensions);
  if (!hello.extensions_error && f.trailing_at) hello.extensions_error = ParseError{Errc::TrailingBytes, *f.trailing_at};
  return hello;
}

Result<ClientHello> parse_client_hello(ByteReader body, std::size_t max_extensions) {
  const Result<ClientHelloFrame> frame = frame_client_hello(body);
  if (!frame) return frame.error();
  return parse_framed_client_hello(*frame, max_extensions);
}

Result<ClientHello> parse_client_hello(const UnparsedClientHello& unparsed) {
  Result<ClientHelloFrame> frame = frame_client_hello(ByteReader(unparsed.body, 0));
  if (!frame) return frame.error();
  frame->message_length = unparsed.message_length;
  frame->trailing_at = unparsed.trailing_at;
  ClientHello hello = parse_framed_client_hello(*frame, unparsed.max_extensions);
  hello.record_version = unparsed.record_version;
  return hello;
}

// RFC 5246 §E.2: msg_type(1) version(2) cipher_spec_length(2) session_id_length(2)
// challenge_length(2) cipher_specs(3 each) session_id challenge.
Result<ClientHello> parse_sslv2_client_hello(ByteReader message) {
  ClientHello hello;
  hello.sslv2_format = true;
  hello.record_version = version::kSsl2;
  hello.message_length = static_cast<std::uint32_t>(message.remaining());
  std::uint8_t msg_type = 0;
  std::uint16_t spec_len = 0, session_len = 0, challenge_len = 0;
  message.read_u8(msg_type);
  message.read_u16(hello.legacy_version);
  message.read_u16(spec_len);
  message.read_u16(session_len);
  message.read_u16(challenge_len);
  ByteReader specs, session_id, challenge;
  message.sub(spec_len, specs);
  message.sub(session_len, session_id);
  if (message.failed() || msg_type != 1) return ParseError{Errc::Truncated, message.offset()};
  if (spec_len == 0 || spec_len % 3 != 0) return ParseError{Errc::BadCipherSuiteList, specs.offset()};
  if (!message.sub(challenge_len, challenge)) return ParseError{Errc::Truncated, message.offset()};
  hello.session_id_length = static_cast<std::uint8_t>(std::min<std::uint16_t>(session_len, 255));
  while (specs.remaining() >= 3) {
    std::uint8_t kind = 0;
    std::uint16_t code = 0;
    specs.read_u8(kind);
    specs.read_u16(code);
    // SSLv2 specs with a zero first byte are TLS cipher suites; others are SSLv2-only kinds.
    if (kind == 0) hello.cipher_suites.push_back(code);
  }
  hello.compression_methods.push_back(0);
  hello.fallback_scsv = std::ranges::find(hello.cipher_suites, kFallbackScsv) != hello.cipher_suites.end();
  return hello;
}

}  // namespace tlsdiag::tls
