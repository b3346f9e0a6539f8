// parse_server_hello: TLS 1.2, TLS 1.3 (supported_versions + key_share), HelloRetryRequest and
// the downgrade sentinel (RFC 8446 §4.1.3), RFC 5246 §7.4.1.3.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "support/tls_builder.h"
#include "tlsdiag/tls/hello_parsers.h"

namespace tlsdiag::tls {
namespace {

using test::Bytes;
using test::ServerHelloSpec;

Result<ServerHello> parse(std::span<const std::uint8_t> body) { return parse_server_hello(ByteReader(body)); }
Result<ServerHello> parse(const ServerHelloSpec& spec) {
  const Bytes body = test::server_hello_body(spec);
  return parse(body);
}

// Frame 6 of samples/tls12-ok-openssl.pcap, first record (tshark -V agrees).
const Bytes kTls12ServerHelloRecord = {
    0x16,              // ContentType: handshake
    0x03, 0x03,        // record version: TLS 1.2
    0x00, 0x41,        // record length: 65
    0x02,              // msg_type: server_hello
    0x00, 0x00, 0x3d,  // handshake length: 61
    0x03, 0x03,        // legacy_version: TLS 1.2
    // random
    0x6f, 0x67, 0x64, 0x1f, 0x3a, 0x05, 0x38, 0x1d, 0x13, 0x00, 0xb9, 0xf0, 0xb8, 0xe4, 0x06, 0x2e,
    0xcc, 0xf4, 0x19, 0x18, 0xd4, 0x20, 0x7d, 0x96, 0xde, 0xe9, 0x88, 0x85, 0x71, 0xf2, 0x91, 0xe7,
    0x00,        // session_id: empty
    0xc0, 0x30,  // cipher_suite: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    0x00,        // compression_method: null
    0x00, 0x15,  // extensions length: 21
    0xff, 0x01,  // extension: renegotiation_info
    0x00, 0x01,  //   length: 1
    0x00,        //   renegotiated_connection: empty
    0x00, 0x0b,  // extension: ec_point_formats
    0x00, 0x04,  //   length: 4
    0x03, 0x00, 0x01, 0x02,  // 3 formats
    0x00, 0x23,  // extension: session_ticket
    0x00, 0x00,  //   length: 0
    0x00, 0x17,  // extension: extended_master_secret
    0x00, 0x00,  //   length: 0
};

// Frame 6 of samples/tls13-ok-openssl.pcap, first record: a TLS 1.3 ServerHello.
const Bytes kTls13ServerHelloRecord = {
    0x16,              // ContentType: handshake
    0x03, 0x03,        // record version: TLS 1.2 (RFC 8446 §5.1 legacy_record_version)
    0x00, 0x7a,        // record length: 122
    0x02,              // msg_type: server_hello
    0x00, 0x00, 0x76,  // handshake length: 118
    0x03, 0x03,        // legacy_version: TLS 1.2
    // random
    0xbb, 0x96, 0x16, 0x18, 0x72, 0xbb, 0x3f, 0x1b, 0x6f, 0x68, 0x6f, 0xd9, 0x5d, 0xe3, 0x58, 0xe4,
    0x15, 0xc1, 0x27, 0x27, 0xb3, 0xa0, 0xc1, 0xa6, 0xfd, 0x96, 0x3b, 0x45, 0x65, 0x0b, 0xee, 0x61,
    0x20,  // legacy_session_id_echo length: 32
    0x5b, 0x55, 0xc4, 0x05, 0xfe, 0xe7, 0xf9, 0x3b, 0x2e, 0x22, 0x35, 0x57, 0xb6, 0xca, 0x3d, 0x22,
    0x7f, 0xcd, 0x4a, 0xf1, 0xaa, 0xca, 0xdc, 0x16, 0x46, 0x64, 0x22, 0xf0, 0xf6, 0xb8, 0x22, 0x77,
    0x13, 0x02,  // cipher_suite: TLS_AES_256_GCM_SHA384
    0x00,        // legacy_compression_method: null
    0x00, 0x2e,  // extensions length: 46
    0x00, 0x2b,  // extension: supported_versions
    0x00, 0x02,  //   length: 2
    0x03, 0x04,  //   selected_version: TLS 1.3
    0x00, 0x33,  // extension: key_share
    0x00, 0x24,  //   length: 36
    0x00, 0x1d,  //   group: x25519
    0x00, 0x20,  //   key_exchange length: 32
    0x70, 0x06, 0x06, 0xd8, 0xe0, 0x32, 0xac, 0x5f, 0x90, 0x4e, 0xa8, 0xd5, 0x25, 0x29, 0xbd, 0x9b,
    0x49, 0x27, 0xc8, 0x33, 0xdd, 0x36, 0xaf, 0xb5, 0x9a, 0x31, 0x1e, 0x22, 0xd6, 0x38, 0x17, 0x51,
};

// Frame 6 of samples/tls13-hrr-openssl.pcap, first record: a HelloRetryRequest.
const Bytes kHelloRetryRequestRecord = {
    0x16,              // ContentType: handshake
    0x03, 0x03,        // record version: TLS 1.2
    0x00, 0x58,        // record length: 88
    0x02,              // msg_type: server_hello (RFC 8446 §4.1.4: HRR shares the type)
    0x00, 0x00, 0x54,  // handshake length: 84
    0x03, 0x03,        // legacy_version: TLS 1.2
    // random: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3)
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
    0x20,  // legacy_session_id_echo length: 32
    0x6a, 0x6e, 0x16, 0xbe, 0xc9, 0x9e, 0x95, 0x71, 0x0f, 0x67, 0x81, 0xb5, 0x9d, 0xa2, 0x79, 0x5f,
    0x3c, 0x87, 0xe5, 0xdc, 0x38, 0x62, 0x44, 0x41, 0xad, 0x38, 0x48, 0xfe, 0xe4, 0xc4, 0x67, 0x8b,
    0x13, 0x02,  // cipher_suite: TLS_AES_256_GCM_SHA384
    0x00,        // legacy_compression_method: null
    0x00, 0x0c,  // extensions length: 12
    0x00, 0x2b,  // extension: supported_versions
    0x00, 0x02,  //   length: 2
    0x03, 0x04,  //   selected_version: TLS 1.3
    0x00, 0x33,  // extension: key_share
    0x00, 0x02,  //   length: 2
    0x00, 0x1d,  //   selected_group: x25519 (RFC 8446 §4.2.8 KeyShareHelloRetryRequest)
};

std::span<const std::uint8_t> body_of_record(const Bytes& record) {
  return std::span<const std::uint8_t>(record).subspan(9);
}

TEST(ServerHello, RealTls12) {
  auto r = parse(body_of_record(kTls12ServerHelloRecord));
  ASSERT_TRUE(r.ok());
  const ServerHello& h = *r;
  EXPECT_EQ(h.legacy_version, version::kTls12);
  EXPECT_EQ(h.selected_version, version::kTls12);  // no supported_versions: legacy_version
  EXPECT_EQ(h.cipher_suite, 0xc030);
  EXPECT_EQ(h.compression_method, 0);
  EXPECT_EQ(h.session_id_length, 0);
  EXPECT_FALSE(h.hello_retry_request);
  EXPECT_FALSE(h.downgrade_sentinel);
  EXPECT_EQ(h.extensions, (std::vector<std::uint16_t>{0xff01, 11, 35, 23}));
  EXPECT_TRUE(h.renegotiation_info);
  EXPECT_TRUE(h.extended_master_secret);
  EXPECT_FALSE(h.pre_shared_key);
  EXPECT_FALSE(h.key_share_group.has_value());
  EXPECT_TRUE(h.alpn.empty());
  EXPECT_FALSE(h.extensions_error.has_value());
}

TEST(ServerHello, RealTls13) {
  auto r = parse(body_of_record(kTls13ServerHelloRecord));
  ASSERT_TRUE(r.ok());
  const ServerHello& h = *r;
  EXPECT_EQ(h.legacy_version, version::kTls12);
  EXPECT_EQ(h.selected_version, version::kTls13);  // RFC 8446 §4.2.1
  EXPECT_EQ(h.cipher_suite, 0x1302);
  EXPECT_EQ(h.session_id_length, 32);
  EXPECT_FALSE(h.hello_retry_request);
  EXPECT_FALSE(h.downgrade_sentinel);
  EXPECT_EQ(h.extensions, (std::vector<std::uint16_t>{43, 51}));
  ASSERT_TRUE(h.key_share_group.has_value());
  EXPECT_EQ(*h.key_share_group, 0x001d);
  EXPECT_FALSE(h.extensions_error.has_value());
}

TEST(ServerHello, RealHelloRetryRequest) {
  auto r = parse(body_of_record(kHelloRetryRequestRecord));
  ASSERT_TRUE(r.ok());
  const ServerHello& h = *r;
  EXPECT_TRUE(h.hello_retry_request);
  EXPECT_EQ(h.selected_version, version::kTls13);
  EXPECT_EQ(h.cipher_suite, 0x1302);
  ASSERT_TRUE(h.key_share_group.has_value());
  EXPECT_EQ(*h.key_share_group, 0x001d);
  EXPECT_FALSE(h.extensions_error.has_value());
}

TEST(ServerHello, RandomOneBitOffTheHrrValueIsAServerHello) {
  ServerHelloSpec spec;
  spec.random = test::kHelloRetryRequestRandom;
  spec.random[31] ^= 0x01;
  spec.cipher_suite = 0x1301;
  spec.extensions = std::vector<Bytes>{test::ext_selected_version(0x0304), test::ext_key_share_server(0x0017, 65)};
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->hello_retry_request);
  EXPECT_EQ(*r->key_share_group, 0x0017);
}

TEST(ServerHello, BuiltHelloRetryRequest) {
  ServerHelloSpec spec;
  spec.random = test::kHelloRetryRequestRandom;
  spec.cipher_suite = 0x1301;
  spec.extensions = std::vector<Bytes>{test::ext_selected_version(0x0304), test::ext_key_share_hrr(0x0017)};
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->hello_retry_request);
  EXPECT_EQ(*r->key_share_group, 0x0017);
  EXPECT_EQ(r->selected_version, version::kTls13);
}

// RFC 8446 §4.1.3: a TLS 1.3 server negotiating TLS 1.2 ends its random with 44 4F 57 4E 47 52
// 44 01, negotiating TLS 1.1 or below with 44 4F 57 4E 47 52 44 00.
TEST(ServerHello, DowngradeSentinel) {
  struct Case {
    const char* what;
    std::uint16_t version;
    std::array<std::uint8_t, 32> random;
    bool sentinel;
  };
  auto almost = test::downgrade_random(0x01);
  almost[24] = 'd';  // lower-case: not the marker
  const Case cases[] = {
      {"DOWNGRD 01 with TLS 1.2", version::kTls12, test::downgrade_random(0x01), true},
      {"DOWNGRD 00 with TLS 1.1", version::kTls11, test::downgrade_random(0x00), true},
      {"DOWNGRD 02 is no marker", version::kTls12, test::downgrade_random(0x02), false},
      {"dOWNGRD 01 is no marker", version::kTls12, almost, false},
      {"plain random", version::kTls12, test::plain_random(), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    ServerHelloSpec spec;
    spec.legacy_version = c.version;
    spec.random = c.random;
    auto r = parse(spec);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->downgrade_sentinel, c.sentinel);
    EXPECT_EQ(r->selected_version, c.version);
    EXPECT_FALSE(r->hello_retry_request);
  }
}

TEST(ServerHello, AlpnAndPskAndNoExtensions) {
  ServerHelloSpec spec;
  spec.cipher_suite = 0x1301;
  const Bytes selected_identity = {0x00, 0x00};  // RFC 8446 §4.2.11: selected_identity 0
  spec.extensions = std::vector<Bytes>{test::ext_selected_version(0x0304), test::ext_key_share_server(0x001d),
                                       test::extension(41, selected_identity), test::ext_alpn_selected("h2")};
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->pre_shared_key);
  EXPECT_EQ(r->alpn, "h2");
  EXPECT_FALSE(r->extensions_error.has_value());

  ServerHelloSpec bare;  // TLS 1.0-era server: no extensions block
  bare.legacy_version = 0x0301;
  bare.cipher_suite = 0x002f;
  auto b = parse(bare);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->extensions.empty());
  EXPECT_EQ(b->selected_version, version::kTls10);
  EXPECT_FALSE(b->extensions_error.has_value());
}

TEST(ServerHello, Truncated) {
  const auto body = body_of_record(kTls13ServerHelloRecord);
  // Fixed fields end after 2 + 32 + 1 + 32 + 2 + 1 = 70 bytes.
  for (std::size_t cut : {0u, 1u, 10u, 34u, 50u, 67u, 69u}) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    auto r = parse(body.first(cut));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::Truncated);
    EXPECT_LE(r.error().offset, cut);
  }
  // Cut inside the extensions: the fixed fields stand, the extension block is flagged.
  for (std::size_t cut : {71u, 80u, 117u}) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    auto r = parse(body.first(cut));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->cipher_suite, 0x1302);
    ASSERT_TRUE(r->extensions_error.has_value());
    EXPECT_EQ(r->extensions_error->code, Errc::Truncated);
  }
}

TEST(ServerHello, BadSupportedVersionsFallsBackToLegacyVersion) {
  ServerHelloSpec spec;
  const Bytes one_byte = {0x03};
  spec.extensions = std::vector<Bytes>{test::extension(43, one_byte)};
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->extensions_error.has_value());
  EXPECT_EQ(r->extensions_error->code, Errc::BadExtension);
  EXPECT_EQ(r->selected_version, version::kTls12);
}

TEST(ServerHello, DuplicateExtension) {
  ServerHelloSpec spec;
  spec.extensions = std::vector<Bytes>{test::extension(23), test::extension(23)};
  auto r = parse(spec);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->extensions_error.has_value());
  EXPECT_EQ(r->extensions_error->code, Errc::DuplicateExtension);
  EXPECT_TRUE(r->extended_master_secret);
}

}  // namespace
}  // namespace tlsdiag::tls
