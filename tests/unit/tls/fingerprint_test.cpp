// JA3, JA3S and JA4 (fingerprint.h) against published reference values, and their edge cases:
// GREASE, empty lists, SSLv2, ALPN characters, counts past 99.
//
// References:
//   salesforce/ja3 README.md: two JA3 strings and their MD5s.
//   Zeek corpus catalog (../shared/corpus/zeek/catalog.json), tshark 4.0.17 on
//     certificate-request-failed.pcap: the JA3S of its ServerHello.
//   FoxIO-LLC/ja4 technical_details/JA4.md: the worked example (JA4, JA4_r, and the extension
//     hash without signature algorithms); rust/ja4/src/tls.rs test_client_stats_into_out gives its
//     original order. python/test/testdata/sigalg-grease.pcapng.json: JA4, JA4_r and JA4_ro
//     (original order) of a Chrome hello, also in rust/ja4/src/snapshots.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tlsdiag/tls/fingerprint.h"

namespace tlsdiag::tls {
namespace {

// JA4.md's example, in wire order (JA4_ro), with the GREASE a browser adds: JA4 ignores it.
ClientHello ja4_spec_example() {
  ClientHello h;
  h.legacy_version = version::kTls12;
  h.cipher_suites = {0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
                     0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
  h.extensions = {0x5a5a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005,
                  0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015, 0xbaba};
  h.supported_versions = {0x7a7a, version::kTls13, version::kTls12};
  h.sni = "example.com";
  h.alpn = {"h2", "http/1.1"};
  h.signature_algorithms = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
  return h;
}

// sigalg-grease.pcapng (FoxIO test data), from its JA4_ro.
ClientHello ja4_sigalg_grease_example() {
  ClientHello h;
  h.legacy_version = version::kTls12;
  h.cipher_suites = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
                     0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
  h.extensions = {0xfe0d, 0x0010, 0x0017, 0x0033, 0x44cd, 0xff01, 0x000a, 0x000d, 0x0023,
                  0x002b, 0x000b, 0xca34, 0x002d, 0x0000, 0x0005, 0x001b, 0x0012};
  h.supported_versions = {version::kTls13, version::kTls12};
  h.sni = "optimizationguide-pa.googleapis.com";
  h.alpn = {"h2", "http/1.1"};
  h.signature_algorithms = {0x0904, 0x0905, 0x0906, 0x0403, 0x0804, 0x0401,
                            0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
  return h;
}

// salesforce/ja3 README: "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0".
ClientHello ja3_readme_example() {
  ClientHello h;
  h.legacy_version = version::kTls10;
  h.cipher_suites = {47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4};
  h.extensions = {0, 10, 11};
  h.groups = {23, 24, 25};
  h.ec_point_formats = {0};
  return h;
}

TEST(Digest, KnownVectors) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");  // RFC 1321 §A.5
  EXPECT_EQ(sha256_hex("abc"),                                   // FIPS 180-2 appendix B.1
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Ja3, SalesforceReadmeExample) {
  const auto fp = ja3(ja3_readme_example());
  ASSERT_TRUE(fp.has_value());
  EXPECT_EQ(fp->raw, "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0");
  EXPECT_EQ(fp->hash, "ada70206e40642a3e4461f35503241d5");
}

TEST(Ja3, SalesforceReadmeExampleWithoutExtensions) {
  ClientHello h;
  h.legacy_version = version::kTls10;
  h.cipher_suites = {4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99};
  const auto fp = ja3(h);
  ASSERT_TRUE(fp.has_value());
  EXPECT_EQ(fp->raw, "769,4-5-10-9-100-98-3-6-19-18-99,,,");
  EXPECT_EQ(fp->hash, "de350869b8c85de67a350c8d186f11e6");
}

TEST(Ja3, GreaseIsLeftOutOfCiphersExtensionsAndCurves) {
  ClientHello h = ja3_readme_example();
  h.cipher_suites.insert(h.cipher_suites.begin(), 0x0a0a);
  h.extensions.insert(h.extensions.begin() + 1, 0xfafa);
  h.extensions.push_back(0x3a3a);
  h.groups.insert(h.groups.begin(), 0x9a9a);
  const auto fp = ja3(h);
  ASSERT_TRUE(fp.has_value());
  EXPECT_EQ(fp->hash, "ada70206e40642a3e4461f35503241d5");
}

TEST(Ja3, VersionIsLegacyVersionNotSupportedVersions) {
  ClientHello h = ja3_readme_example();
  h.legacy_version = version::kTls12;
  h.supported_versions = {version::kTls13, version::kTls12};
  EXPECT_EQ(ja3(h)->raw.substr(0, 4), "771,");
}

TEST(Ja3, Sslv2FormatHelloHasNone) {
  // tshark 4.0 and ja3.py fingerprint only TLS-format hellos.
  ClientHello h;
  h.sslv2_format = true;
  h.legacy_version = version::kTls10;
  h.cipher_suites = {0x0039, 0x0038};
  EXPECT_FALSE(ja3(h).has_value());
}

TEST(Ja3s, TsharkValueFromZeekCorpus) {
  // certificate-request-failed.pcap: TLS 1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, extensions
  // renegotiation_info, ec_point_formats, session_ticket, extended_master_secret.
  ServerHello h;
  h.record_version = version::kTls12;
  h.legacy_version = version::kTls12;
  h.cipher_suite = 0xc030;
  h.extensions = {0xff01, 0x000b, 0x0023, 0x0017};
  const auto fp = ja3s(h);
  ASSERT_TRUE(fp.has_value());
  EXPECT_EQ(fp->raw, "771,49200,65281-11-35-23");
  EXPECT_EQ(fp->hash, "ec74a5c51106f0419184d0dd08fb05bc");
}

TEST(Ja3s, NoExtensionsLeavesTheFieldEmpty) {
  ServerHello h;
  h.record_version = version::kTls10;
  h.legacy_version = version::kTls10;
  h.cipher_suite = 0x0005;
  EXPECT_EQ(ja3s(h)->raw, "769,5,");
}

TEST(Ja3s, Sslv2ServerHelloHasNone) {
  ServerHello h;
  h.record_version = version::kSsl2;
  h.legacy_version = version::kSsl2;
  EXPECT_FALSE(ja3s(h).has_value());
}

TEST(Ja4, SpecExample) {
  const Fingerprint fp = ja4(ja4_spec_example());
  EXPECT_EQ(fp.hash, "t13d1516h2_8daaf6152771_e5627efa2ab1");
  EXPECT_EQ(fp.raw,
            "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_"
            "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_"
            "0403,0804,0401,0503,0805,0501,0806,0601");
}

TEST(Ja4, SpecExampleWithoutSignatureAlgorithmsHasNoSecondUnderscore) {
  // JA4.md: "0005,...,ff01 = 6d807ffa2a79" when the hello lists no signature algorithms.
  ClientHello h = ja4_spec_example();
  h.signature_algorithms.clear();
  const Fingerprint fp = ja4(h);
  EXPECT_EQ(fp.hash, "t13d1516h2_8daaf6152771_6d807ffa2a79");
  EXPECT_TRUE(fp.raw.ends_with(
      "_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01"));
}

TEST(Ja4, SigalgGreaseCapture) {
  ClientHello h = ja4_sigalg_grease_example();
  const std::string want_raw =
      "t13d1517h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_"
      "0005,000a,000b,000d,0012,0017,001b,0023,002b,002d,0033,44cd,ca34,fe0d,ff01_"
      "0904,0905,0906,0403,0804,0401,0503,0805,0501,0806,0601";
  EXPECT_EQ(ja4(h).hash, "t13d1517h2_8daaf6152771_cb7bf5808d99");
  EXPECT_EQ(ja4(h).raw, want_raw);
  // JA4.md: GREASE is ignored wherever it appears, signature algorithms included.
  h.signature_algorithms.insert(h.signature_algorithms.begin() + 2, 0x1a1a);
  EXPECT_EQ(ja4(h).hash, "t13d1517h2_8daaf6152771_cb7bf5808d99");
  EXPECT_EQ(ja4(h).raw, want_raw);
}

TEST(Ja4, EmptyListsHashToZeros) {
  ClientHello h;
  h.legacy_version = version::kTls12;
  const Fingerprint fp = ja4(h);
  EXPECT_EQ(fp.hash, "t12i000000_000000000000_000000000000");
  EXPECT_EQ(fp.raw, "t12i000000__");
}

TEST(Ja4, OnlySniAndAlpnLeaveTheExtensionHashEmpty) {
  ClientHello h;
  h.legacy_version = version::kTls12;
  h.cipher_suites = {0xc02f};
  h.extensions = {0x0000, 0x0010};
  h.sni = "example.com";
  h.alpn = {"h2"};
  EXPECT_EQ(ja4(h).hash, "t12d0102h2_" + sha256_hex("c02f").substr(0, 12) + "_000000000000");
  EXPECT_EQ(ja4(h).raw, "t12d0102h2_c02f_");
}

TEST(Ja4, CountsStopAt99) {
  ClientHello h;
  h.legacy_version = version::kTls12;
  for (std::uint16_t i = 1; i <= 120; ++i) h.cipher_suites.push_back(i);
  for (std::uint16_t i = 0x100; i < 0x100 + 105; ++i) h.extensions.push_back(i);
  const Fingerprint fp = ja4(h);
  EXPECT_EQ(fp.hash.substr(0, 10), "t12i999900");
  // The lists themselves are complete: 120 suites of 4 digits and 119 commas.
  EXPECT_EQ(fp.raw.find('_', 11), 11u + 120 * 4 + 119);
}

TEST(Ja4, GreaseDoesNotCount) {
  ClientHello h;
  h.legacy_version = version::kTls12;
  h.cipher_suites = {0x0a0a, 0xc02f, 0xdada};
  h.extensions = {0x1a1a, 0x0017, 0xeaea};
  EXPECT_EQ(ja4(h).raw, "t12i010100_c02f_0017");
}

TEST(Ja4, Version) {
  struct Case {
    const char* name;
    std::uint16_t legacy_version;
    std::vector<std::uint16_t> extensions;
    std::vector<std::uint16_t> supported_versions;
    const char* want;
  };
  const std::vector<Case> cases = {
      {"TLS 1.3 from supported_versions", 0x0303, {0x002b}, {0x0304, 0x0303}, "13"},
      {"highest, not first", 0x0303, {0x002b}, {0x0302, 0x0304, 0x0303}, "13"},
      {"supported_versions wins over legacy_version", 0x0303, {0x002b}, {0x0302}, "11"},
      {"only GREASE: legacy_version", 0x0303, {0x002b}, {0x4a4a}, "12"},
      {"TLS 1.3 draft sorts highest, unknown", 0x0303, {0x002b}, {0x7f17, 0x0304}, "00"},
      {"no supported_versions", 0x0301, {}, {}, "10"},
      {"SSL 3.0", 0x0300, {}, {}, "s3"},
      {"TLS 1.1", 0x0302, {}, {}, "11"},
      {"unknown", 0x0305, {}, {}, "00"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ClientHello h;
    h.legacy_version = c.legacy_version;
    h.extensions = c.extensions;
    h.supported_versions = c.supported_versions;
    EXPECT_EQ(ja4(h).hash.substr(1, 2), c.want);
  }
}

TEST(Ja4, SniMarkIsTheExtensionNotTheName) {
  ClientHello h;
  h.legacy_version = version::kTls12;
  h.extensions = {0x0000};  // an empty server_name extension, as some clients send
  EXPECT_EQ(ja4(h).hash[3], 'd');
  h.extensions = {0x0017};
  h.sni = "example.com";  // not possible on the wire without the extension; the extension decides
  EXPECT_EQ(ja4(h).hash[3], 'i');
}

TEST(Ja4, AlpnCharacters) {
  struct Case {
    std::string first;
    const char* want;
  };
  // The non-alphanumeric cases are JA4.md's own examples.
  const std::vector<Case> cases = {
      {"h2", "h2"},
      {"http/1.1", "h1"},
      {"h3", "h3"},
      {"a", "aa"},  // one character is both the first and the last
      {"", "00"},
      {"\xab", "ab"},
      {"\xab\xcd", "ad"},
      {"\x30\xab", "3b"},
      {"\x30\x31\xab\xcd", "3d"},
      {"\x30\xab\xcd\x31", "01"},
      {"/x", "28"},  // '/' is ASCII but not alphanumeric: the hex is 2f78
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.first);
    EXPECT_EQ(ja4_alpn(c.first), c.want);
  }
}

TEST(Ja4, AlpnFromTheHello) {
  ClientHello h;
  h.legacy_version = version::kTls12;
  h.extensions = {0x0010};
  EXPECT_EQ(ja4(h).hash.substr(8, 2), "00");  // extension present, no protocols
  h.alpn = {"", "h2"};
  EXPECT_EQ(ja4(h).hash.substr(8, 2), "00");  // first protocol empty
  h.alpn = {"http/1.1", "h2"};
  EXPECT_EQ(ja4(h).hash.substr(8, 2), "h1");  // the first protocol, not the preferred one
}

TEST(Ja4, Sslv2FormatHello) {
  // JA4 names SSL 2.0 "s2"; an SSLv2 CLIENT-HELLO has no extensions.
  ClientHello h;
  h.sslv2_format = true;
  h.legacy_version = version::kSsl2;
  EXPECT_EQ(ja4(h).hash, "ts2i000000_000000000000_000000000000");
  // An SSLv2-compatible hello offering TLS 1.0 and TLS suites (cipher specs 0x00XXXX).
  h.legacy_version = version::kTls10;
  h.cipher_suites = {0x0039, 0x0004};
  EXPECT_EQ(ja4(h).raw, "t10i020000_0004,0039_");
}

// ja4() remembers the hellos it saw: it must return what ja4_uncached computes afresh, for hellos
// that differ in any one field JA4 reads (each changes the result), in any order.
TEST(Ja4, RememberedFingerprintsAreTheFreshOnes) {
  std::mt19937 rng(7);
  const ClientHello base = ja4_spec_example();
  for (int i = 0; i < 2'000; ++i) {
    const auto pick = static_cast<std::uint32_t>(rng());
    ClientHello h = base;
    if (pick & 1) h.legacy_version = version::kTls10;  // shows only without supported_versions
    if (pick & 2) h.supported_versions.clear();
    if (pick & 4) h.cipher_suites.pop_back();
    if (pick & 8) h.extensions.erase(h.extensions.begin() + 6);  // 0x0017
    if (pick & 16) std::swap(h.signature_algorithms[0], h.signature_algorithms[1]);
    if (pick & 32) h.alpn = {"http/1.1"};
    const Fingerprint fresh = ja4_uncached(h);
    const Fingerprint got = ja4(h);
    ASSERT_EQ(got.hash, fresh.hash) << "variant " << (pick & 63);
    ASSERT_EQ(got.raw, fresh.raw) << "variant " << (pick & 63);
  }
}

// More distinct hellos than the memo holds, seen twice over.
TEST(Ja4, PastTheMemoHellosAreStillRight) {
  for (int round = 0; round < 2; ++round) {
    for (std::uint16_t extra = 0; extra < 600; ++extra) {
      ClientHello h = ja4_spec_example();
      h.cipher_suites.push_back(static_cast<std::uint16_t>(0x1000 + extra));
      ASSERT_EQ(ja4(h).raw, ja4_uncached(h).raw) << extra;
    }
  }
}

}  // namespace
}  // namespace tlsdiag::tls
