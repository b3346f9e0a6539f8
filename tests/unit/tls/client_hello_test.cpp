// parse_client_hello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) and parse_sslv2_client_hello
// (RFC 5246 §E.2), on real hellos from captures and on built ones with chosen fields.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/tls_builder.h"
#include "tlsdiag/tls/hello_parsers.h"
#include "tlsdiag/tls/registry.h"

namespace tlsdiag::tls {
namespace {

using test::Bytes;
using test::ClientHelloSpec;

// OpenSSL 3 s_client's ClientHello, frame 4 of samples/tls13-ok-openssl.pcap (tshark -V agrees
// with every field below).
const Bytes kOpenSslHelloRecord = {
    0x16,              // ContentType: handshake (22)
    0x03, 0x01,        // record version: TLS 1.0
    0x01, 0x36,        // record length: 310
    0x01,              // msg_type: client_hello (1)
    0x00, 0x01, 0x32,  // handshake length: 306
    0x03, 0x03,        // legacy_version: TLS 1.2
    // random (32 bytes)
    0x4e, 0x37, 0x91, 0xad, 0x41, 0x2e, 0xef, 0x98, 0x82, 0x9c, 0xc5, 0x32, 0x44, 0x71, 0xe0, 0x90,
    0x4c, 0x36, 0x5d, 0x99, 0x24, 0x9f, 0x44, 0x47, 0x26, 0xfb, 0xe5, 0xc5, 0x5a, 0xd9, 0x8a, 0x96,
    0x20,  // legacy_session_id length: 32
    // legacy_session_id (middlebox compatibility mode, RFC 8446 §D.4)
    0x5b, 0x55, 0xc4, 0x05, 0xfe, 0xe7, 0xf9, 0x3b, 0x2e, 0x22, 0x35, 0x57, 0xb6, 0xca, 0x3d, 0x22,
    0x7f, 0xcd, 0x4a, 0xf1, 0xaa, 0xca, 0xdc, 0x16, 0x46, 0x64, 0x22, 0xf0, 0xf6, 0xb8, 0x22, 0x77,
    0x00, 0x3e,  // cipher_suites length: 62 (31 suites)
    0x13, 0x02,  // TLS_AES_256_GCM_SHA384
    0x13, 0x03,  // TLS_CHACHA20_POLY1305_SHA256
    0x13, 0x01,  // TLS_AES_128_GCM_SHA256
    0xc0, 0x2c,  // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    0xc0, 0x30,  // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    0x00, 0x9f,  // TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
    0xcc, 0xa9,  // TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
    0xcc, 0xa8,  // TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
    0xcc, 0xaa,  // TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256
    0xc0, 0x2b,  // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    0xc0, 0x2f,  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    0x00, 0x9e,  // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
    0xc0, 0x24,  // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384
    0xc0, 0x28,  // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
    0x00, 0x6b,  // TLS_DHE_RSA_WITH_AES_256_CBC_SHA256
    0xc0, 0x23,  // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
    0xc0, 0x27,  // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
    0x00, 0x67,  // TLS_DHE_RSA_WITH_AES_128_CBC_SHA256
    0xc0, 0x0a,  // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
    0xc0, 0x14,  // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
    0x00, 0x39,  // TLS_DHE_RSA_WITH_AES_256_CBC_SHA
    0xc0, 0x09,  // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
    0xc0, 0x13,  // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
    0x00, 0x33,  // TLS_DHE_RSA_WITH_AES_128_CBC_SHA
    0x00, 0x9d,  // TLS_RSA_WITH_AES_256_GCM_SHA384
    0x00, 0x9c,  // TLS_RSA_WITH_AES_128_GCM_SHA256
    0x00, 0x3d,  // TLS_RSA_WITH_AES_256_CBC_SHA256
    0x00, 0x3c,  // TLS_RSA_WITH_AES_128_CBC_SHA256
    0x00, 0x35,  // TLS_RSA_WITH_AES_256_CBC_SHA
    0x00, 0x2f,  // TLS_RSA_WITH_AES_128_CBC_SHA
    0x00, 0xff,  // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
    0x01,        // legacy_compression_methods length: 1
    0x00,        // null
    0x00, 0xab,  // extensions length: 171
    0x00, 0x00,  // extension: server_name (0)
    0x00, 0x0e,  //   length: 14
    0x00, 0x0c,  //   server_name_list length: 12
    0x00,        //   name_type: host_name
    0x00, 0x09,  //   HostName length: 9
    0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x68, 0x6f, 0x73, 0x74,  // "localhost"
    0x00, 0x0b,  // extension: ec_point_formats (11)
    0x00, 0x04,  //   length: 4
    0x03,        //   ec_point_format_list length: 3
    0x00, 0x01, 0x02,  // uncompressed, ansiX962_compressed_prime, ansiX962_compressed_char2
    0x00, 0x0a,  // extension: supported_groups (10)
    0x00, 0x16,  //   length: 22
    0x00, 0x14,  //   named_group_list length: 20
    0x00, 0x1d,  //   x25519
    0x00, 0x17,  //   secp256r1
    0x00, 0x1e,  //   x448
    0x00, 0x19,  //   secp521r1
    0x00, 0x18,  //   secp384r1
    0x01, 0x00,  //   ffdhe2048
    0x01, 0x01,  //   ffdhe3072
    0x01, 0x02,  //   ffdhe4096
    0x01, 0x03,  //   ffdhe6144
    0x01, 0x04,  //   ffdhe8192
    0x00, 0x23,  // extension: session_ticket (35)
    0x00, 0x00,  //   length: 0
    0x00, 0x16,  // extension: encrypt_then_mac (22)
    0x00, 0x00,  //   length: 0
    0x00, 0x17,  // extension: extended_master_secret (23)
    0x00, 0x00,  //   length: 0
    0x00, 0x0d,  // extension: signature_algorithms (13)
    0x00, 0x2a,  //   length: 42
    0x00, 0x28,  //   supported_signature_algorithms length: 40
    0x04, 0x03,  //   ecdsa_secp256r1_sha256
    0x05, 0x03,  //   ecdsa_secp384r1_sha384
    0x06, 0x03,  //   ecdsa_secp521r1_sha512
    0x08, 0x07,  //   ed25519
    0x08, 0x08,  //   ed448
    0x08, 0x09,  //   rsa_pss_pss_sha256
    0x08, 0x0a,  //   rsa_pss_pss_sha384
    0x08, 0x0b,  //   rsa_pss_pss_sha512
    0x08, 0x04,  //   rsa_pss_rsae_sha256
    0x08, 0x05,  //   rsa_pss_rsae_sha384
    0x08, 0x06,  //   rsa_pss_rsae_sha512
    0x04, 0x01,  //   rsa_pkcs1_sha256
    0x05, 0x01,  //   rsa_pkcs1_sha384
    0x06, 0x01,  //   rsa_pkcs1_sha512
    0x03, 0x03,  //   SHA224 ECDSA
    0x03, 0x01,  //   SHA224 RSA
    0x03, 0x02,  //   SHA224 DSA
    0x04, 0x02,  //   SHA256 DSA
    0x05, 0x02,  //   SHA384 DSA
    0x06, 0x02,  //   SHA512 DSA
    0x00, 0x2b,  // extension: supported_versions (43)
    0x00, 0x09,  //   length: 9
    0x08,        //   versions length: 8
    0x03, 0x04,  //   TLS 1.3
    0x03, 0x03,  //   TLS 1.2
    0x03, 0x02,  //   TLS 1.1
    0x03, 0x01,  //   TLS 1.0
    0x00, 0x2d,  // extension: psk_key_exchange_modes (45)
    0x00, 0x02,  //   length: 2
    0x01,        //   ke_modes length: 1
    0x01,        //   psk_dhe_ke
    0x00, 0x33,  // extension: key_share (51)
    0x00, 0x26,  //   length: 38
    0x00, 0x24,  //   client_shares length: 36
    0x00, 0x1d,  //   group: x25519
    0x00, 0x20,  //   key_exchange length: 32
    0x17, 0xc3, 0xc7, 0x4a, 0xd6, 0xfe, 0x51, 0xac, 0xae, 0x53, 0xf6, 0x09, 0x0c, 0xb4, 0xf0, 0xda,
    0xbf, 0x6c, 0xf8, 0x4e, 0x0d, 0x39, 0xe0, 0xc5, 0xaf, 0x1a, 0xc2, 0xa0, 0xa1, 0x35, 0x52, 0x76,
};
constexpr std::size_t kOpenSslBodyOffset = 9;  // record header (5) + handshake header (4)
constexpr std::size_t kOpenSslBodyLength = 306;

std::span<const std::uint8_t> openssl_body() {
  return std::span<const std::uint8_t>(kOpenSslHelloRecord).subspan(kOpenSslBodyOffset);
}

Result<ClientHello> parse(std::span<const std::uint8_t> body) { return parse_client_hello(ByteReader(body)); }
Result<ClientHello> parse(const ClientHelloSpec& spec) {
  const Bytes body = test::client_hello_body(spec);
  return parse(body);
}

TEST(ClientHello, RealOpenSslHello) {
  ASSERT_EQ(kOpenSslHelloRecord.size(), 5u + 4u + kOpenSslBodyLength);
  auto r = parse(openssl_body());
  ASSERT_TRUE(r.ok()) << errc_message(r.error().code) << " at " << r.error().offset;
  const ClientHello& h = *r;
  EXPECT_EQ(h.legacy_version, 0x0303);
  EXPECT_FALSE(h.sslv2_format);
  EXPECT_EQ(h.session_id_length, 32);
  EXPECT_EQ(h.message_length, kOpenSslBodyLength);
  ASSERT_EQ(h.cipher_suites.size(), 31u);
  EXPECT_EQ(h.cipher_suites.front(), 0x1302);
  EXPECT_EQ(h.cipher_suites[10], 0xc02f);
  EXPECT_EQ(h.cipher_suites.back(), 0x00ff);
  EXPECT_EQ(h.compression_methods, (std::vector<std::uint8_t>{0}));
  EXPECT_EQ(h.extensions, (std::vector<std::uint16_t>{0, 11, 10, 35, 22, 23, 13, 43, 45, 51}));
  EXPECT_EQ(h.sni, "localhost");
  EXPECT_TRUE(h.alpn.empty());
  EXPECT_EQ(h.ec_point_formats, (std::vector<std::uint8_t>{0, 1, 2}));
  EXPECT_EQ(h.groups, (std::vector<std::uint16_t>{0x001d, 0x0017, 0x001e, 0x0019, 0x0018, 0x0100, 0x0101,
                                                  0x0102, 0x0103, 0x0104}));
  ASSERT_EQ(h.signature_algorithms.size(), 20u);
  EXPECT_EQ(h.signature_algorithms.front(), 0x0403);
  EXPECT_EQ(h.signature_algorithms.back(), 0x0602);
  EXPECT_EQ(h.supported_versions, (std::vector<std::uint16_t>{0x0304, 0x0303, 0x0302, 0x0301}));
  EXPECT_EQ(h.psk_key_exchange_modes, (std::vector<std::uint8_t>{1}));
  EXPECT_EQ(h.key_share_groups, (std::vector<std::uint16_t>{0x001d}));
  EXPECT_TRUE(h.session_ticket);
  EXPECT_TRUE(h.extended_master_secret);
  EXPECT_FALSE(h.pre_shared_key);
  EXPECT_FALSE(h.early_data);
  EXPECT_FALSE(h.encrypted_client_hello);
  EXPECT_FALSE(h.fallback_scsv);
  EXPECT_FALSE(h.extensions_error.has_value());
  // RFC 8446 §4.2.1: with supported_versions, legacy_version is ignored.
  EXPECT_EQ(h.highest_version(), version::kTls13);
  EXPECT_EQ(h.offered_versions(), (std::vector<std::uint16_t>{0x0304, 0x0303, 0x0302, 0x0301}));
}

// Every cut of the real hello's body is Truncated (no crash), except the cut right after
// legacy_compression_methods, which is a valid extension-less hello (RFC 5246 §7.4.1.2).
TEST(ClientHello, TruncatedAtEveryOffset) {
  const auto body = openssl_body();
  constexpr std::size_t kAfterCompression = 2 + 32 + 1 + 32 + 2 + 62 + 1 + 1;
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    auto r = parse(body.first(cut));
    if (cut == kAfterCompression) {
      ASSERT_TRUE(r.ok());
      EXPECT_TRUE(r->extensions.empty());
      EXPECT_EQ(r->cipher_suites.size(), 31u);
      continue;
    }
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::Truncated);
    EXPECT_LE(r.error().offset, cut);
  }
}

// The offset names the start of the item that could not be read whole (the contents of a
// vector whose length was read, else the field itself).
TEST(ClientHello, TruncationOffsets) {
  struct Case {
    const char* what;
    std::size_t cut;
    std::size_t offset;
  };
  const Case cases[] = {
      {"inside legacy_version", 1, 0},
      {"inside random", 20, 2},
      {"before the session id length", 34, 34},
      {"inside the session id", 50, 35},
      {"inside the cipher_suites length", 68, 67},
      {"inside cipher_suites", 100, 69},
      {"before the compression length", 131, 131},
      {"inside the extensions length", 134, 133},
      {"inside the extensions", 200, 135},
      {"one byte short", 305, 135},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto r = parse(openssl_body().first(c.cut));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::Truncated);
    EXPECT_EQ(r.error().offset, c.offset);
  }
}

TEST(ClientHello, EveryParsedExtension) {
  ClientHelloSpec spec;
  spec.session_id = test::filled(32, 0x11);
  spec.cipher_suites = {0x1301, 0x1302, 0xc02b, 0x5600};  // ... TLS_FALLBACK_SCSV (RFC 7507)
  const Bytes renegotiation_info = {0x00};                // renegotiated_connection: empty
  const Bytes pre_shared_key = {0x00, 0x02, 0xab, 0xcd};  // opaque to the parser
  spec.extensions = std::vector<Bytes>{
      test::ext_server_name("www.example.com"),
      test::ext_alpn({"h2", "http/1.1"}),
      test::ext_supported_versions({0x0304, 0x0303}),
      test::ext_supported_groups({0x001d, 0x0017, 0x0018}),
      test::ext_ec_point_formats({0x00}),
      test::ext_signature_algorithms({0x0403, 0x0804, 0x0401}),
      test::ext_key_share_client({0x001d}),
      test::ext_psk_key_exchange_modes({0x01}),
      test::extension(23),              // extended_master_secret
      test::extension(35),              // session_ticket
      test::extension(42),              // early_data
      test::extension(0xfe0d, Bytes{0x00, 0x01}),  // encrypted_client_hello (outer, abbreviated)
      test::extension(0xff01, renegotiation_info),
      test::extension(41, pre_shared_key),  // RFC 8446 §4.2.11: last
  };
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  const ClientHello& h = *r;
  EXPECT_FALSE(h.extensions_error.has_value());
  EXPECT_EQ(h.session_id_length, 32);
  EXPECT_EQ(h.sni, "www.example.com");
  EXPECT_EQ(h.alpn, (std::vector<std::string>{"h2", "http/1.1"}));
  EXPECT_EQ(h.supported_versions, (std::vector<std::uint16_t>{0x0304, 0x0303}));
  EXPECT_EQ(h.groups, (std::vector<std::uint16_t>{0x001d, 0x0017, 0x0018}));
  EXPECT_EQ(h.ec_point_formats, (std::vector<std::uint8_t>{0}));
  EXPECT_EQ(h.signature_algorithms, (std::vector<std::uint16_t>{0x0403, 0x0804, 0x0401}));
  EXPECT_EQ(h.key_share_groups, (std::vector<std::uint16_t>{0x001d}));
  EXPECT_EQ(h.psk_key_exchange_modes, (std::vector<std::uint8_t>{1}));
  EXPECT_TRUE(h.extended_master_secret);
  EXPECT_TRUE(h.session_ticket);
  EXPECT_TRUE(h.early_data);
  EXPECT_TRUE(h.encrypted_client_hello);
  EXPECT_TRUE(h.renegotiation_info);
  EXPECT_TRUE(h.pre_shared_key);
  EXPECT_TRUE(h.fallback_scsv);
  EXPECT_EQ(h.extensions, (std::vector<std::uint16_t>{0, 16, 43, 10, 11, 13, 51, 45, 23, 35, 42, 0xfe0d, 0xff01, 41}));
}

// RFC 8701: GREASE values may appear in cipher_suites, extensions, supported_groups,
// supported_versions and key_share; a parser keeps them and a reader recognises them.
TEST(ClientHello, GreaseKeptAndRecognised) {
  ClientHelloSpec spec;
  spec.cipher_suites = {0x7a7a, 0x1301, 0x1302};
  const Bytes key_shares = {
      0x00, 0x29,  // client_shares length: 41
      0xda, 0xda,  // group: GREASE
      0x00, 0x01,  // key_exchange length: 1
      0x00,        // key_exchange (Chrome sends one zero byte)
      0x00, 0x1d,  // group: x25519
      0x00, 0x20,  // key_exchange length: 32
      0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
      0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
  };
  spec.extensions = std::vector<Bytes>{
      test::extension(0x0a0a),  // GREASE extension, empty
      test::ext_server_name("grease.example"),
      test::ext_supported_groups({0xdada, 0x001d, 0x0017}),
      test::ext_supported_versions({0x3a3a, 0x0304, 0x0303}),
      test::extension(51, key_shares),
      test::extension(0x4a4a, Bytes{0x00}),  // GREASE extension with one byte
  };
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  const ClientHello& h = *r;
  EXPECT_FALSE(h.extensions_error.has_value());
  EXPECT_EQ(h.cipher_suites, (std::vector<std::uint16_t>{0x7a7a, 0x1301, 0x1302}));
  EXPECT_EQ(h.extensions, (std::vector<std::uint16_t>{0x0a0a, 0, 10, 43, 51, 0x4a4a}));
  EXPECT_EQ(h.groups, (std::vector<std::uint16_t>{0xdada, 0x001d, 0x0017}));
  EXPECT_EQ(h.supported_versions, (std::vector<std::uint16_t>{0x3a3a, 0x0304, 0x0303}));
  EXPECT_EQ(h.key_share_groups, (std::vector<std::uint16_t>{0xdada, 0x001d}));
  EXPECT_EQ(h.sni, "grease.example");
  EXPECT_TRUE(is_grease(h.cipher_suites[0]));
  EXPECT_TRUE(is_grease(h.extensions.front()));
  EXPECT_TRUE(is_grease(h.extensions.back()));
  EXPECT_TRUE(is_grease(h.groups[0]));
  EXPECT_TRUE(is_grease(h.supported_versions[0]));
  EXPECT_TRUE(is_grease(h.key_share_groups[0]));
  EXPECT_FALSE(is_grease(h.cipher_suites[1]));
  // GREASE is never a version offered.
  EXPECT_EQ(h.offered_versions(), (std::vector<std::uint16_t>{0x0304, 0x0303}));
  EXPECT_EQ(h.highest_version(), version::kTls13);
}

// highest_offered() is offered_versions().front() without the list, and versions of equal rank
// (TLS 1.3 and its drafts) keep wire order in the list, however long it is.
TEST(ClientHello, HighestOfferedIsTheFrontOfTheOfferedList) {
  const std::vector<std::vector<std::uint16_t>> lists = {
      {}, {0x0a0a}, {0x0301}, {0x0301, 0x0303, 0x0302}, {0x7f1c, 0x0304, 0x0303}, {0x0304, 0x7f1c},
      {0x1a1a, 0x7e02, 0xfb1a, 0x0303, 0x0304}, {0x0300, 0x0002, 0xfefd, 0x0303}};
  for (std::vector<std::uint16_t> versions : lists) {
    for (int longer = 0; longer < 2; ++longer) {
      if (longer == 1)  // past 16 entries, where std::sort stops being an insertion sort
        for (int i = 0; i < 20; ++i) versions.insert(versions.begin(), static_cast<std::uint16_t>(i % 2 ? 0x7f17 : 0x0301));
      ClientHello h;
      h.legacy_version = version::kTls12;
      h.supported_versions = versions;
      const std::vector<std::uint16_t> offered = h.offered_versions();
      SCOPED_TRACE(::testing::PrintToString(versions));
      EXPECT_EQ(h.highest_offered(), offered.empty() ? 0 : offered.front());
      EXPECT_TRUE(std::ranges::is_sorted(offered, std::greater<>{}, version_rank));
      for (std::size_t i = 1; i < offered.size(); ++i) {  // ties in wire order
        if (version_rank(offered[i - 1]) != version_rank(offered[i])) continue;
        const auto first = std::ranges::find(versions, offered[i - 1]);
        EXPECT_TRUE(first <= std::ranges::find(versions, offered[i]) || offered[i - 1] == offered[i]);
      }
    }
  }
  ClientHello legacy_only;
  legacy_only.legacy_version = 0x0302;
  EXPECT_EQ(legacy_only.highest_offered(), 0x0302);
  ClientHello junk;
  junk.legacy_version = 0x1234;
  EXPECT_EQ(junk.highest_offered(), 0);
  EXPECT_EQ(junk.highest_version(), 0x1234);
}

TEST(ClientHello, IsGreaseMatchesRfc8701Exactly) {
  int grease = 0;
  for (std::uint32_t v = 0; v <= 0xffff; ++v) {
    const bool expected = (v >> 8) == (v & 0xff) && (v & 0x0f) == 0x0a;  // 0x0A0A, 0x1A1A, ... 0xFAFA
    EXPECT_EQ(is_grease(static_cast<std::uint16_t>(v)), expected) << std::hex << v;
    grease += expected;
  }
  EXPECT_EQ(grease, 16);
}

TEST(ClientHello, UnknownExtensionRecordedNotFailing) {
  ClientHelloSpec spec;
  spec.extensions = std::vector<Bytes>{
      test::extension(0x1234, Bytes{0xde, 0xad, 0x00}),  // unassigned type with a body
      test::ext_server_name("after.unknown.example"),
  };
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->extensions_error.has_value());
  EXPECT_EQ(r->extensions, (std::vector<std::uint16_t>{0x1234, 0}));
  EXPECT_EQ(r->sni, "after.unknown.example");
}

TEST(ClientHello, SniTakesTheFirstHostName) {
  // RFC 6066 §3: server_name_list; only host_name (0) is defined.
  const Bytes list = {
      0x00, 0x12,  // server_name_list length: 18
      0x00,        // name_type: host_name
      0x00, 0x06,  // length 6
      'a', '.', 't', 'e', 's', 't',
      0x00,        // name_type: host_name
      0x00, 0x06,  // length 6
      'b', '.', 't', 'e', 's', 't',
  };
  ClientHelloSpec spec;
  spec.extensions = std::vector<Bytes>{test::extension(0, list)};
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->extensions_error.has_value());
  EXPECT_EQ(r->sni, "a.test");
}

TEST(ClientHello, DuplicateExtensionKeepsWhatCameBefore) {
  ClientHelloSpec spec;
  spec.extensions = std::vector<Bytes>{
      test::ext_server_name("a.example"),          // body offsets 45..62
      test::ext_alpn({"h2"}),                      // 63..71
      test::ext_server_name("b.example"),          // 72..89: duplicate (RFC 8446 §4.2)
      test::ext_supported_versions({0x0304}),      // never reached
  };
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  const ClientHello& h = *r;
  ASSERT_TRUE(h.extensions_error.has_value());
  EXPECT_EQ(h.extensions_error->code, Errc::DuplicateExtension);
  EXPECT_GE(h.extensions_error->offset, 72u);
  EXPECT_LT(h.extensions_error->offset, 90u);
  EXPECT_EQ(h.sni, "a.example");
  EXPECT_EQ(h.alpn, (std::vector<std::string>{"h2"}));
  EXPECT_EQ(h.extensions, (std::vector<std::uint16_t>{0, 16}));
  EXPECT_TRUE(h.supported_versions.empty());
  EXPECT_EQ(h.cipher_suites, (std::vector<std::uint16_t>{0x1301, 0xc02f}));
}

TEST(ClientHello, MalformedExtensionBodyKeepsEarlierFields) {
  ClientHelloSpec spec;
  const Bytes odd_versions = {
      0x03,              // versions length: 3 (not a whole number of u16)
      0x03, 0x04, 0x03,
  };
  spec.extensions = std::vector<Bytes>{
      test::ext_server_name("kept.example"),
      test::extension(43, odd_versions),
  };
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->extensions_error.has_value());
  EXPECT_EQ(r->extensions_error->code, Errc::BadExtension);
  EXPECT_EQ(r->sni, "kept.example");
}

TEST(ClientHello, ExtensionLongerThanTheBlock) {
  const Bytes body = {
      0x03, 0x03,  // legacy_version: TLS 1.2
      0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
      0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
      0x00,        // legacy_session_id: empty
      0x00, 0x02,  // cipher_suites length: 2
      0x13, 0x01,  // TLS_AES_128_GCM_SHA256
      0x01, 0x00,  // compression: null
      0x00, 0x06,  // extensions length: 6
      0x00, 0x17,  // extension: extended_master_secret
      0x00, 0x00,  //   length 0
      0x00, 0x00,  // extension: server_name ...
                   // ... its length field is missing
  };
  auto r = parse(body);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->extensions_error.has_value());
  EXPECT_EQ(r->extensions_error->code, Errc::Truncated);
  EXPECT_TRUE(r->extended_master_secret);
}

TEST(ClientHello, TrailingBytesAfterTheExtensions) {
  ClientHelloSpec spec;
  spec.extensions = std::vector<Bytes>{test::ext_server_name("x.example")};
  Bytes body = test::client_hello_body(spec);
  body.push_back(0x00);
  auto r = parse(body);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->extensions_error.has_value());
  EXPECT_EQ(r->extensions_error->code, Errc::TrailingBytes);
  EXPECT_EQ(r->sni, "x.example");
}

TEST(ClientHello, BadCipherSuiteList) {
  const Bytes odd = {
      0x03, 0x03,  // legacy_version: TLS 1.2
      0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
      0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
      0x00,              // legacy_session_id: empty
      0x00, 0x03,        // cipher_suites length: 3 (odd: RFC 8446 CipherSuite is 2 bytes)
      0x13, 0x01, 0xc0,  // cipher_suites
      0x01, 0x00,        // compression: null
  };
  auto r = parse(odd);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::BadCipherSuiteList);
  EXPECT_EQ(r.error().offset, 37u);  // the first byte of the list

  const Bytes empty = {
      0x03, 0x03,  // legacy_version: TLS 1.2
      0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
      0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
      0x00,        // legacy_session_id: empty
      0x00, 0x00,  // cipher_suites length: 0 (RFC 8446: cipher_suites<2..2^16-2>)
      0x01, 0x00,  // compression: null
  };
  auto e = parse(empty);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, Errc::BadCipherSuiteList);
}

TEST(ClientHello, BadCompressionListAndSessionId) {
  ClientHelloSpec no_compression;
  no_compression.compression_methods = {};  // RFC 5246: compression_methods<1..2^8-1>
  auto r = parse(no_compression);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::BadCompressionList);

  ClientHelloSpec long_session;
  long_session.session_id = test::filled(33, 0x01);  // RFC 8446: legacy_session_id<0..32>
  auto s = parse(long_session);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::BadLength);
}

// A TLS 1.0 client without extensions (RFC 2246 has no extensions block at all).
TEST(ClientHello, NoExtensionsBlock) {
  const Bytes body = {
      0x03, 0x01,  // client_version: TLS 1.0
      0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
      0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
      0x00,        // session_id: empty
      0x00, 0x04,  // cipher_suites length: 4
      0x00, 0x2f,  // TLS_RSA_WITH_AES_128_CBC_SHA
      0x00, 0x0a,  // TLS_RSA_WITH_3DES_EDE_CBC_SHA
      0x02,        // compression_methods length: 2
      0x01,        // DEFLATE (RFC 3749)
      0x00,        // null
  };
  auto r = parse(body);
  ASSERT_TRUE(r.ok());
  const ClientHello& h = *r;
  EXPECT_EQ(h.legacy_version, version::kTls10);
  EXPECT_TRUE(h.extensions.empty());
  EXPECT_FALSE(h.extensions_error.has_value());
  EXPECT_TRUE(h.supported_versions.empty());
  EXPECT_TRUE(h.sni.empty());
  EXPECT_EQ(h.cipher_suites, (std::vector<std::uint16_t>{0x002f, 0x000a}));
  EXPECT_EQ(h.compression_methods, (std::vector<std::uint8_t>{1, 0}));
  // RFC 5246 §E.1: client_version is the highest version the client supports.
  EXPECT_EQ(h.highest_version(), version::kTls10);
  EXPECT_EQ(h.message_length, body.size());
}

TEST(ClientHello, EmptyExtensionsBlock) {
  ClientHelloSpec spec;  // extensions present but empty: a u16 zero length
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->extensions.empty());
  EXPECT_FALSE(r->extensions_error.has_value());
  // legacy_version 0x0303 without supported_versions: TLS 1.2 is the highest.
  EXPECT_EQ(r->highest_version(), version::kTls12);
}

// ---- SSLv2 CLIENT-HELLO (RFC 5246 §E.2) --------------------------------------------------------

// Frame 4 of Zeek's ssl-v2.pcap: a pure SSL 2.0 client (tshark: 7 SSLv2 cipher specs).
const Bytes kSslv2Record = {
    0x80, 0x2e,        // record header: 2-byte form, length 46
    0x01,              // msg_type: CLIENT-HELLO
    0x00, 0x02,        // version: SSL 2.0
    0x00, 0x15,        // cipher_spec_length: 21
    0x00, 0x00,        // session_id_length: 0
    0x00, 0x10,        // challenge_length: 16
    0x07, 0x00, 0xc0,  // SSL2_DES_192_EDE3_CBC_WITH_MD5
    0x05, 0x00, 0x80,  // SSL2_IDEA_128_CBC_WITH_MD5
    0x03, 0x00, 0x80,  // SSL2_RC2_128_CBC_WITH_MD5
    0x01, 0x00, 0x80,  // SSL2_RC4_128_WITH_MD5
    0x06, 0x00, 0x40,  // SSL2_DES_64_CBC_WITH_MD5
    0x04, 0x00, 0x80,  // SSL2_RC2_128_CBC_EXPORT40_WITH_MD5
    0x02, 0x00, 0x80,  // SSL2_RC4_128_EXPORT40_WITH_MD5
    // challenge (16 bytes)
    0x1c, 0x30, 0xe2, 0xb1, 0x2f, 0x4c, 0x04, 0x52, 0x54, 0x76, 0xf2, 0x80, 0xc0, 0x7a, 0xbe, 0xe5,
};

// Frame 4 of Zeek's ssl.v3.pcap: a TLS 1.0 client's SSLv2-compatible hello (tshark: 20 specs).
const Bytes kSslv2CompatRecord = {
    0x80, 0x55,        // record header: 2-byte form, length 85
    0x01,              // msg_type: CLIENT-HELLO
    0x03, 0x01,        // version: TLS 1.0
    0x00, 0x3c,        // cipher_spec_length: 60
    0x00, 0x00,        // session_id_length: 0
    0x00, 0x10,        // challenge_length: 16
    0x00, 0x00, 0x39,  // TLS_DHE_RSA_WITH_AES_256_CBC_SHA
    0x00, 0x00, 0x38,  // TLS_DHE_DSS_WITH_AES_256_CBC_SHA
    0x00, 0x00, 0x35,  // TLS_RSA_WITH_AES_256_CBC_SHA
    0x00, 0x00, 0x33,  // TLS_DHE_RSA_WITH_AES_128_CBC_SHA
    0x00, 0x00, 0x32,  // TLS_DHE_DSS_WITH_AES_128_CBC_SHA
    0x00, 0x00, 0x04,  // TLS_RSA_WITH_RC4_128_MD5
    0x00, 0x00, 0x05,  // TLS_RSA_WITH_RC4_128_SHA
    0x00, 0x00, 0x2f,  // TLS_RSA_WITH_AES_128_CBC_SHA
    0x00, 0x00, 0x16,  // TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA
    0x00, 0x00, 0x13,  // TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA
    0x00, 0xfe, 0xff,  // SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA
    0x00, 0x00, 0x0a,  // TLS_RSA_WITH_3DES_EDE_CBC_SHA
    0x00, 0x00, 0x15,  // TLS_DHE_RSA_WITH_DES_CBC_SHA
    0x00, 0x00, 0x12,  // TLS_DHE_DSS_WITH_DES_CBC_SHA
    0x00, 0xfe, 0xfe,  // SSL_RSA_FIPS_WITH_DES_CBC_SHA
    0x00, 0x00, 0x09,  // TLS_RSA_WITH_DES_CBC_SHA
    0x00, 0x00, 0x64,  // TLS_RSA_EXPORT1024_WITH_RC4_56_SHA
    0x00, 0x00, 0x62,  // TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA
    0x00, 0x00, 0x03,  // TLS_RSA_EXPORT_WITH_RC4_40_MD5
    0x00, 0x00, 0x06,  // TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5
    // challenge (16 bytes)
    0xe6, 0xb8, 0xef, 0xdf, 0x91, 0xcf, 0x44, 0xf7, 0xea, 0xe4, 0x3c, 0x83, 0x39, 0x8f, 0xdc, 0xb2,
};

Result<ClientHello> parse_sslv2(const Bytes& record) {
  return parse_sslv2_client_hello(ByteReader(std::span<const std::uint8_t>(record).subspan(2)));
}

TEST(Sslv2ClientHello, PureSslv2) {
  ASSERT_EQ(kSslv2Record.size(), 2u + 46u);
  auto r = parse_sslv2(kSslv2Record);
  ASSERT_TRUE(r.ok());
  const ClientHello& h = *r;
  EXPECT_TRUE(h.sslv2_format);
  EXPECT_EQ(h.record_version, version::kSsl2);
  EXPECT_EQ(h.legacy_version, version::kSsl2);
  EXPECT_EQ(h.session_id_length, 0);
  // SSLv2-only specs (first byte non-zero) are no TLS cipher suites.
  EXPECT_TRUE(h.cipher_suites.empty());
  EXPECT_TRUE(h.extensions.empty());
  EXPECT_EQ(h.offered_versions(), (std::vector<std::uint16_t>{version::kSsl2}));
  EXPECT_EQ(h.highest_version(), version::kSsl2);
}

TEST(Sslv2ClientHello, CompatibleHelloOfATls10Client) {
  ASSERT_EQ(kSslv2CompatRecord.size(), 2u + 85u);
  auto r = parse_sslv2(kSslv2CompatRecord);
  ASSERT_TRUE(r.ok());
  const ClientHello& h = *r;
  EXPECT_TRUE(h.sslv2_format);
  EXPECT_EQ(h.legacy_version, version::kTls10);
  EXPECT_EQ(h.cipher_suites,
            (std::vector<std::uint16_t>{0x0039, 0x0038, 0x0035, 0x0033, 0x0032, 0x0004, 0x0005, 0x002f, 0x0016, 0x0013,
                                        0xfeff, 0x000a, 0x0015, 0x0012, 0xfefe, 0x0009, 0x0064, 0x0062, 0x0003, 0x0006}));
  EXPECT_FALSE(h.fallback_scsv);
  EXPECT_EQ(h.highest_version(), version::kTls10);
}

TEST(Sslv2ClientHello, MixedSpecsKeepOnlyTlsSuites) {
  const Bytes challenge = test::filled(32, 0xcc);  // RFC 5246 §E.2: SHOULD be 32 bytes
  const Bytes record = test::sslv2_client_hello(0x0303, {0x010080, 0x00c02f, 0x005600, 0x0700c0}, {}, challenge);
  auto r = parse_sslv2(record);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->cipher_suites, (std::vector<std::uint16_t>{0xc02f, 0x5600}));
  EXPECT_TRUE(r->fallback_scsv);
  EXPECT_EQ(r->legacy_version, version::kTls12);
}

TEST(Sslv2ClientHello, Malformed) {
  const Bytes challenge = test::filled(16, 0xcc);
  {
    SCOPED_TRACE("cipher_spec_length not a multiple of 3");
    Bytes record = test::sslv2_client_hello(0x0301, {0x00002f}, {}, challenge);
    record[6] = 0x04;  // cipher_spec_length 3 -> 4: the challenge's first byte joins the specs
    auto r = parse_sslv2(record);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::BadCipherSuiteList);
  }
  {
    SCOPED_TRACE("cut inside the cipher specs");
    const Bytes record = test::sslv2_client_hello(0x0301, {0x00002f, 0x000035}, {}, challenge);
    const Bytes cut(record.begin(), record.begin() + 2 + 9 + 4);
    auto r = parse_sslv2(cut);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::Truncated);
  }
  {
    SCOPED_TRACE("cut inside the fixed fields");
    const Bytes record = test::sslv2_client_hello(0x0301, {0x00002f}, {}, challenge);
    const Bytes cut(record.begin(), record.begin() + 2 + 6);
    auto r = parse_sslv2(cut);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::Truncated);
  }
}

TEST(Sslv2ClientHello, ChallengeShorterThanAnnounced) {
  // Regression (fixed): src/tls/client_hello.cpp parse_sslv2_client_hello never reads the challenge: a hello whose
  // challenge_length (16) exceeds the bytes left (8) parses as valid instead of Truncated, so a
  // cut SSLv2 hello is reported as a complete one.
  Bytes record = test::sslv2_client_hello(0x0301, {0x00002f}, {}, test::filled(16, 0xcc));
  record.resize(record.size() - 8);
  record[1] = static_cast<std::uint8_t>(record.size() - 2);  // the record length says 8 fewer bytes
  auto r = parse_sslv2(record);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::Truncated);
}

}  // namespace
}  // namespace tlsdiag::tls
