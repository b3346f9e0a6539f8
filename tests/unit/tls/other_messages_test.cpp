// parse_certificate (RFC 5246 §7.4.2 and RFC 8446 §4.4.2), parse_certificate_request,
// parse_server_key_exchange (RFC 8422 §5.4) and parse_alert (RFC 8446 §6).
#include "tlsdiag/tls/other_messages.h"

#include <cstdint>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "support/tls_builder.h"

namespace tlsdiag::tls {
namespace {

using test::Bytes;

TEST(Certificate, Tls12Chain) {
  const Bytes body = {
      0x00, 0x00, 0x0d,  // certificate_list length: 13
      0x00, 0x00, 0x05,  // ASN.1Cert length: 5
      0x30, 0x03, 0x02, 0x01, 0x01,  // leaf (a tiny DER SEQUENCE)
      0x00, 0x00, 0x02,  // ASN.1Cert length: 2
      0x30, 0x00,        // issuer (an empty SEQUENCE)
  };
  auto r = parse_certificate(ByteReader(body), false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 2u);
  ASSERT_EQ(r->der.size(), 2u);
  EXPECT_EQ(r->der[0], (Bytes{0x30, 0x03, 0x02, 0x01, 0x01}));
  EXPECT_EQ(r->der[1], (Bytes{0x30, 0x00}));
  EXPECT_EQ(r->message_length, body.size());
}

TEST(Certificate, Tls13Form) {
  const Bytes body = {
      0x00,              // certificate_request_context: empty (server Certificate)
      0x00, 0x00, 0x0e,  // certificate_list length: 14
      0x00, 0x00, 0x05,  // cert_data length: 5
      0x30, 0x03, 0x02, 0x01, 0x01,
      0x00, 0x04,        // extensions length: 4
      0x00, 0x05,        //   status_request
      0x00, 0x00,        //   length 0
  };
  auto r = parse_certificate(ByteReader(body), true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 1u);
  ASSERT_EQ(r->der.size(), 1u);
  EXPECT_EQ(r->der[0], (Bytes{0x30, 0x03, 0x02, 0x01, 0x01}));

  // The same bytes read as the TLS 1.2 form do not parse.
  EXPECT_FALSE(parse_certificate(ByteReader(body), false).ok());
}

TEST(Certificate, Tls13BuiltWithContext) {
  const Bytes context = {0xaa, 0xbb};  // client Certificate answering a CertificateRequest
  const Bytes body = test::certificate_body_tls13(context, {test::filled(300, 0x30), test::filled(10, 0x31)});
  auto r = parse_certificate(ByteReader(body), true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 2u);
  EXPECT_EQ(r->der[0].size(), 300u);
  EXPECT_EQ(r->der[1].size(), 10u);
}

TEST(Certificate, EmptyClientCertificate) {
  // RFC 5246 §7.4.6: a client without a suitable certificate sends an empty list.
  const Bytes body = {
      0x00, 0x00, 0x00,  // certificate_list length: 0
  };
  auto r = parse_certificate(ByteReader(body), false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 0u);
  EXPECT_TRUE(r->der.empty());
}

TEST(Certificate, CapsKeepCountButNotBytes) {
  std::vector<Bytes> chain(kMaxCertificatesKept + 1, Bytes{0x30, 0x00});
  const Bytes many = test::certificate_body_tls12(chain);
  auto r = parse_certificate(ByteReader(many), false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, kMaxCertificatesKept + 1);
  EXPECT_EQ(r->der.size(), kMaxCertificatesKept);

  const Bytes huge = test::certificate_body_tls12({test::filled(kMaxCertificateBytes + 1, 0x30), Bytes{0x30, 0x00}});
  auto h = parse_certificate(ByteReader(huge), false);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->count, 2u);
  ASSERT_EQ(h->der.size(), 1u);  // the oversized one is counted, not kept
  EXPECT_EQ(h->der[0], (Bytes{0x30, 0x00}));
}

TEST(Certificate, Malformed) {
  const Bytes entry_too_long = {
      0x00, 0x00, 0x05,  // certificate_list length: 5
      0x00, 0x00, 0x09,  // ASN.1Cert length: 9 (only 2 left)
      0x30, 0x00,
  };
  auto r = parse_certificate(ByteReader(entry_too_long), false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::Truncated);

  const Bytes list_too_long = {
      0x00, 0x01, 0x00,  // certificate_list length: 256
      0x00, 0x00, 0x02, 0x30, 0x00,
  };
  auto l = parse_certificate(ByteReader(list_too_long), false);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().code, Errc::Truncated);

  const Bytes trailing = {
      0x00, 0x00, 0x00,  // certificate_list length: 0
      0xff,              // one byte too many
  };
  auto t = parse_certificate(ByteReader(trailing), false);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, Errc::TrailingBytes);
}

TEST(CertificateRequest, Tls12SignatureAlgorithms) {
  const Bytes body = {
      0x02,        // certificate_types length: 2
      0x01, 0x40,  // rsa_sign, ecdsa_sign
      0x00, 0x04,  // supported_signature_algorithms length: 4
      0x08, 0x04,  // rsa_pss_rsae_sha256
      0x04, 0x03,  // ecdsa_secp256r1_sha256
      0x00, 0x00,  // certificate_authorities: empty
  };
  auto r = parse_certificate_request(ByteReader(body), version::kTls12);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signature_algorithms, (std::vector<std::uint16_t>{0x0804, 0x0403}));

  // TLS 1.0/1.1 CertificateRequest has no signature algorithms (RFC 4346 §7.4.4).
  const Bytes tls10 = {
      0x01,        // certificate_types length: 1
      0x01,        // rsa_sign
      0x00, 0x00,  // certificate_authorities: empty
  };
  auto old = parse_certificate_request(ByteReader(tls10), version::kTls10);
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->signature_algorithms.empty());
}

TEST(ServerKeyExchange, NamedCurve) {
  const Bytes body = {
      0x03,        // ECCurveType: named_curve
      0x00, 0x1d,  // NamedCurve: x25519
      0x20,        // point length: 32 (point and signature follow, not parsed)
  };
  auto r = parse_server_key_exchange(ByteReader(body), true);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->named_group.has_value());
  EXPECT_EQ(*r->named_group, 0x001d);

  // DHE: the same bytes are dh_p, not a curve.
  auto dhe = parse_server_key_exchange(ByteReader(body), false);
  ASSERT_TRUE(dhe.ok());
  EXPECT_FALSE(dhe->named_group.has_value());

  const Bytes explicit_prime = {0x01, 0x00, 0x10};  // ECCurveType: explicit_prime
  auto ep = parse_server_key_exchange(ByteReader(explicit_prime), true);
  ASSERT_TRUE(ep.ok());
  EXPECT_FALSE(ep->named_group.has_value());

  const Bytes cut = {0x03, 0x00};
  auto c = parse_server_key_exchange(ByteReader(cut), true);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::Truncated);
}

TEST(Alert, LevelAndDescription) {
  struct Case {
    const char* what;
    Bytes body;
    std::uint8_t level;
    std::uint8_t description;
  };
  const Case cases[] = {
      {"fatal handshake_failure", {0x02, 0x28}, 2, 40},
      {"fatal protocol_version", {0x02, 0x46}, 2, 70},
      {"warning close_notify", {0x01, 0x00}, 1, 0},
      {"fatal unknown_ca", {0x02, 0x30}, 2, 48},
      {"warning unrecognized_name", {0x01, 0x70}, 1, 112},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto r = parse_alert(ByteReader(c.body));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->level, c.level);
    EXPECT_EQ(r->description, c.description);
    EXPECT_FALSE(r->encrypted);
  }
}

TEST(Alert, WrongSize) {
  const Bytes one = {0x02};
  auto r = parse_alert(ByteReader(one));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::Truncated);
  const Bytes three = {0x02, 0x28, 0x00};
  auto t = parse_alert(ByteReader(three));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, Errc::TrailingBytes);
}

}  // namespace
}  // namespace tlsdiag::tls
