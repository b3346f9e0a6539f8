// Certificate check (src/analysis/certificate_check.cpp): parsing of the fixtures made by
// scripts/make-test-certs.sh (tests/data/certs/README.md), the chain judged at capture time
// against a server name, trust against a CA file, and the chains of real sample captures.
// Expected field values were read off `openssl x509 -inform der -noout -text -nameopt RFC2253
// -fingerprint -sha256` for each file.
#include "tlsdiag/analysis/certificate_check.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include "support/paths.h"
#include "tlsdiag/analysis/correlator.h"
#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/net/packet_decoder.h"
#include "tlsdiag/reassembly/stream_table.h"
#include "tlsdiag/tls/dissector.h"

namespace tlsdiag::analysis {
namespace {

std::filesystem::path cert_dir() { return test::source_dir() / "tests" / "data" / "certs"; }

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> der(const std::string& name) { return read_bytes(cert_dir() / (name + ".der")); }

std::vector<CertificateRecord> records(const std::vector<std::string>& names) {
  std::vector<CertificateRecord> out;
  for (const auto& name : names) {
    auto bytes = der(name);
    out.push_back(CertificateRecord{bytes, static_cast<std::uint32_t>(bytes.size())});
  }
  return out;
}

// A UTC capture time.
Timestamp utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  using namespace std::chrono;
  const std::int64_t days = sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
  return Timestamp::from_sec_nsec(days * 86400 + hh * 3600 + mm * 60 + ss, 0);
}

Timestamp secs(std::int64_t s) { return Timestamp::from_sec_nsec(s, 0); }

CertificateFindings check(const std::vector<std::string>& names, const std::string& sni, Timestamp at,
                          x509_store_st* store = nullptr, bool completed = false) {
  return check_chain(records(names), ChainContext{sni, at, completed}, store);
}

bool contains(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& line : lines)
    if (line.find(part) != std::string::npos) return true;
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

constexpr std::int64_t k2020 = 1577836800, k2021 = 1609459200, k2024 = 1704067200, k2025 = 1735689600;
constexpr std::int64_t k2040 = 2208988800, k2090 = 3786912000, k2095 = 3944678400;
const std::string kIntermediate = "CN=tlsdiag test intermediate CA,O=tlsdiag tests";
const std::string kRoot = "CN=tlsdiag test root CA,O=tlsdiag tests";

// ---- Parsing: every field of every fixture -------------------------------------------------

struct FieldCase {
  const char* file;
  const char* common_name;
  std::string issuer;
  const char* serial_hex;
  const char* fingerprint;
  std::vector<std::string> dns_names, ip_addresses;
  const char* key_type;
  int key_bits;
  const char* signature_algorithm;
  bool is_ca, self_signed;
  std::int64_t not_before, not_after;
};

TEST(CertificateParse, EveryFieldOfEveryFixture) {
  const std::vector<std::string> www = {"www.example.com", "example.com"};
  const std::vector<FieldCase> cases = {
      {"root", "tlsdiag test root CA", kRoot, "01",
       "cb8d5012ccc3073ec8f0143e0d08e3b885e7a1a1741e65684fa934d8585fb6d3", {}, {}, "RSA", 2048,
       "sha256WithRSAEncryption", true, true, k2020, k2040},
      {"intermediate", "tlsdiag test intermediate CA", kRoot, "02",
       "55188202738e25e20b39434111f572072067413f34f272d4f3263310cce3ede2", {}, {}, "RSA", 2048,
       "sha256WithRSAEncryption", true, false, k2020, k2040},
      {"impostor", "tlsdiag test intermediate CA", kRoot, "03",
       "11ce4109399713aec3c400e471ee373f30a4ecc11b5304d2ce821a4fbd62df69", {}, {}, "RSA", 2048,
       "sha256WithRSAEncryption", true, false, k2020, k2040},
      {"leaf", "www.example.com", kIntermediate, "1001",
       "ec6b403f914a745ca34c3071a3f83717456e1a934e78ac0db2ddae34f8a84b99", www, {}, "RSA", 2048,
       "sha256WithRSAEncryption", false, false, k2024, k2025},
      {"expired", "www.example.com", kIntermediate, "1002",
       "33633b9b1dd07694b09a13394b5f04ffc4cbf9f6bf0ef4fa697c9ec9613db843", www, {}, "RSA", 2048,
       "sha256WithRSAEncryption", false, false, k2020, k2021},
      // notBefore/notAfter past 2049 are GeneralizedTime (RFC 5280 §4.1.2.5), not UTCTime.
      {"notyetvalid", "www.example.com", kIntermediate, "1003",
       "f55f644b124e5a0450bc284de35114b24f4cdd70278be1050b3179dfce869f43", www, {}, "RSA", 2048,
       "sha256WithRSAEncryption", false, false, k2090, k2095},
      {"wronghost", "wrong.example.net", kIntermediate, "1004",
       "7fbe8be6228dce708adaa033f002d2a7d4f1a23600b1e3ab835acfc5a5792d1a", {"wrong.example.net"}, {}, "RSA", 2048,
       "sha256WithRSAEncryption", false, false, k2024, k2025},
      {"wildcard", "*.example.com", kIntermediate, "1005",
       "2b20b01ba8447d1c4ca1d1efe3546a4f5181ad576c50b3d6002647c57d822e3f", {"*.example.com"}, {}, "RSA", 2048,
       "sha256WithRSAEncryption", false, false, k2024, k2025},
      // openssl prints the IPv6 SAN as 2001:DB8:0:0:0:0:0:1; we keep RFC 5952 text.
      {"ip", "192.0.2.10", kIntermediate, "1006",
       "75ad2a3915fa7617b1da74a0beab4161d4f16a94bb7134d33ef60133a48b67bb", {}, {"192.0.2.10", "2001:db8::1"}, "RSA",
       2048, "sha256WithRSAEncryption", false, false, k2024, k2025},
      {"cn-only", "legacy.example.com", kIntermediate, "1007",
       "478c5716a1ea885f3656b63adde2285f5008d89ce238beea403c428821826a77", {}, {}, "RSA", 2048,
       "sha256WithRSAEncryption", false, false, k2024, k2025},
      {"selfsigned", "self.example.com", "CN=self.example.com,O=tlsdiag tests", "1008",
       "298d900fa0408d015d4a7c871d59d8a19bbc2685bbfde656f732d82de78bed57", {"self.example.com"}, {}, "RSA", 2048,
       "sha256WithRSAEncryption", false, true, k2024, k2025},
      {"rsa1024", "weak-key.example.com", kIntermediate, "1009",
       "fba913ce1e88a74503ee1d230218a8971655ae35fe4dbc9de8f4eed82746c276", {"weak-key.example.com"}, {}, "RSA", 1024,
       "sha256WithRSAEncryption", false, false, k2024, k2025},
      {"sha1", "sha1.example.com", kIntermediate, "100a",
       "6bd04ca60856fd4edbdd6e711264a3bdcd6e2232b749f0a7c12cadcb66729d5a", {"sha1.example.com"}, {}, "RSA", 2048,
       "sha1WithRSAEncryption", false, false, k2024, k2025},
      {"ec", "ec.example.com", kIntermediate, "100b",
       "1cac71f0ebe42da3db0ae2d5646f6784fdebc27b6b35941d193d4c30f7482877", {"ec.example.com"}, {}, "EC", 256,
       "sha256WithRSAEncryption", false, false, k2024, k2025},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const CertificateInfo info = parse_certificate_der(der(c.file));
    EXPECT_FALSE(info.parse_error) << info.error;
    EXPECT_EQ(info.common_name, c.common_name);
    EXPECT_EQ(info.subject, std::string("CN=") + c.common_name + ",O=tlsdiag tests");
    EXPECT_EQ(info.issuer, c.issuer);
    EXPECT_EQ(info.serial_hex, c.serial_hex);
    EXPECT_EQ(info.sha256_fingerprint, c.fingerprint);
    EXPECT_EQ(info.dns_names, c.dns_names);
    EXPECT_EQ(info.ip_addresses, c.ip_addresses);
    EXPECT_EQ(info.key_type, c.key_type);
    EXPECT_EQ(info.key_bits, c.key_bits);
    EXPECT_EQ(info.signature_algorithm, c.signature_algorithm);
    EXPECT_EQ(info.is_ca, c.is_ca);
    EXPECT_EQ(info.self_signed, c.self_signed);
    EXPECT_EQ(info.not_before, secs(c.not_before));
    EXPECT_EQ(info.not_after, secs(c.not_after));
  }
}

// ---- Parsing: bad input never crashes ------------------------------------------------------

TEST(CertificateParse, GarbageIsAParseError) {
  const std::vector<std::vector<std::uint8_t>> inputs = {
      {},                                    // nothing kept (past the cap)
      {'h', 'e', 'l', 'l', 'o'},             // not ASN.1
      {0x30},                                // SEQUENCE tag, no length
      {0x30, 0x82, 0xff, 0xff, 0x30, 0x00},  // length far past the end
      {0x30, 0x00},                          // empty SEQUENCE
      {0x02, 0x01, 0x05},                    // an INTEGER, not a certificate
  };
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    SCOPED_TRACE(i);
    const CertificateInfo info = parse_certificate_der(inputs[i]);
    EXPECT_TRUE(info.parse_error);
    EXPECT_FALSE(info.error.empty());
    EXPECT_TRUE(info.sha256_fingerprint.empty());
  }
}

TEST(CertificateParse, EveryTruncationIsAParseError) {
  const auto full = der("leaf");
  for (std::size_t n = 0; n < full.size(); ++n) {
    const CertificateInfo info = parse_certificate_der(std::span(full).first(n));
    ASSERT_TRUE(info.parse_error) << "prefix of " << n << " bytes";
  }
}

TEST(CertificateParse, EveryFlippedByteIsHandled) {
  // Deterministic mutation sweep: parse errors or findings, never a crash (run under ASan/UBSan).
  const auto original = der("leaf");
  const auto issuer = records({"intermediate"});
  for (std::size_t i = 0; i < original.size(); ++i) {
    auto bytes = original;
    bytes[i] ^= 0xff;
    const std::vector<CertificateRecord> chain = {CertificateRecord{bytes, static_cast<std::uint32_t>(bytes.size())},
                                                  issuer[0]};
    const CertificateFindings f = check_chain(chain, ChainContext{"www.example.com", utc(2024, 6, 1)});
    ASSERT_EQ(f.chain.size(), 2u) << "byte " << i;
    // A flip inside the signed part breaks the intermediate's signature over it.
    if (!f.chain[0]->parse_error && i > 8 && i < original.size() - 300) {
      EXPECT_TRUE(f.chain_broken) << "byte " << i;
    }
  }
}

TEST(CertificateParse, TrailingBytesAreReportedButFieldsKept) {
  auto bytes = der("leaf");
  bytes.push_back(0x00);
  const CertificateInfo info = parse_certificate_der(bytes);
  EXPECT_TRUE(info.parse_error);
  EXPECT_EQ(info.error, "1 byte after the certificate");
  EXPECT_EQ(info.common_name, "www.example.com");
}

TEST(CertificateParse, MalformedTimeIsAParseErrorNotAnExpiry) {
  // d2i_X509 does not check the UTCTime's characters: corrupt notBefore "240101000000Z".
  auto bytes = der("leaf");
  const std::string not_before = "240101000000Z";
  const auto at = std::search(bytes.begin(), bytes.end(), not_before.begin(), not_before.end());
  ASSERT_NE(at, bytes.end());
  *at = 'X';
  const CertificateInfo info = parse_certificate_der(bytes);
  EXPECT_TRUE(info.parse_error);
  EXPECT_EQ(info.error, "invalid validity time");
  EXPECT_EQ(info.common_name, "www.example.com");
  const std::vector<CertificateRecord> chain = {CertificateRecord{bytes, static_cast<std::uint32_t>(bytes.size())}};
  const CertificateFindings f = check_chain(chain, ChainContext{"www.example.com", utc(2030, 1, 1)});
  EXPECT_FALSE(f.expired || f.not_yet_valid);
}

TEST(CertificateCheck, UnparsableLeafIsReportedWithoutOtherFindings) {
  std::vector<CertificateRecord> chain = {CertificateRecord{std::vector<std::uint8_t>{0x30, 0x03, 0x02, 0x01, 0x01}, 5}};
  const CertificateFindings f = check_chain(chain, ChainContext{"www.example.com", utc(2024, 6, 1)});
  EXPECT_TRUE(f.any);
  ASSERT_EQ(f.chain.size(), 1u);
  EXPECT_TRUE(f.chain[0]->parse_error);
  EXPECT_FALSE(f.expired || f.hostname_mismatch || f.chain_broken || f.missing_intermediate);
  EXPECT_EQ(f.summary().rfind("the server's certificate could not be parsed: not a DER certificate", 0), 0u)
      << f.summary();
}

TEST(CertificateCheck, NoChainNoFindings) {
  const CertificateFindings f = check_chain({}, ChainContext{"www.example.com", utc(2024, 6, 1)});
  EXPECT_FALSE(f.any);
  EXPECT_EQ(f.summary(), "");
  EXPECT_TRUE(f.warnings.empty());
}

// ---- Server name: RFC 6125 -----------------------------------------------------------------

TEST(CertificateCheck, ServerNameRules) {
  struct Case { const char* file; const char* sni; bool matches; };
  const Case cases[] = {
      {"wildcard", "a.example.com", true},
      {"wildcard", "A.Example.COM", true},      // DNS names compare case-insensitively
      {"wildcard", "a.example.com.", true},     // absolute form
      {"wildcard", "a.b.example.com", false},   // §6.4.3: "*" stands for one label only
      {"wildcard", "example.com", false},       // ... and not for none
      {"wildcard", "aexample.com", false},
      {"wildcard", "a.example.net", false},
      {"leaf", "www.example.com", true},
      {"leaf", "example.com", true},
      {"leaf", "mail.example.com", false},
      {"leaf", "www.example.com.evil", false},
      {"cn-only", "legacy.example.com", true},  // §6.4.4: CN only when there is no SAN
      {"cn-only", "other.example.com", false},
      {"ip", "192.0.2.10", true},               // IP literal: against iPAddress SANs
      {"ip", "2001:db8::1", true},
      {"ip", "2001:DB8:0:0::1", true},
      {"ip", "192.0.2.11", false},
      {"wronghost", "www.example.com", false},
      {"wronghost", "", true},                  // no SNI: nothing to compare
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.file) + " vs '" + c.sni + "'");
    const CertificateFindings f = check({c.file, "intermediate"}, c.sni, utc(2024, 6, 1));
    EXPECT_EQ(f.hostname_mismatch, !c.matches);
  }
}

TEST(CertificateCheck, MismatchSummaryNamesWhatTheCertificateCovers) {
  EXPECT_EQ(check({"wronghost", "intermediate"}, "www.example.com", utc(2024, 6, 1)).summary(),
            "the certificate does not match the server name www.example.com (it names wrong.example.net)");
  EXPECT_EQ(check({"ip", "intermediate"}, "www.example.com", utc(2024, 6, 1)).summary(),
            "the certificate does not match the server name www.example.com (it names 192.0.2.10, 2001:db8::1)");
  EXPECT_EQ(check({"cn-only", "intermediate"}, "www.example.com", utc(2024, 6, 1)).summary(),
            "the certificate does not match the server name www.example.com (it names CN legacy.example.com)");
}

// ---- Validity at capture time --------------------------------------------------------------

TEST(CertificateCheck, ValidityIsJudgedAtCaptureTime) {
  struct Case { const char* what; Timestamp at; bool expired, not_yet_valid; };
  const Case cases[] = {
      {"a second before notBefore", utc(2023, 12, 31, 23, 59, 59), false, true},
      {"at notBefore", utc(2024, 1, 1), false, false},
      {"inside", utc(2024, 6, 1), false, false},
      {"at notAfter (inclusive, RFC 5280 4.1.2.5)", utc(2025, 1, 1), false, false},
      {"a second after notAfter", utc(2025, 1, 1, 0, 0, 1), true, false},
      {"years later", utc(2030, 1, 1), true, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const CertificateFindings f = check({"leaf", "intermediate"}, "www.example.com", c.at);
    EXPECT_EQ(f.expired, c.expired);
    EXPECT_EQ(f.not_yet_valid, c.not_yet_valid);
  }
}

TEST(CertificateCheck, ExpiredSummary) {
  const CertificateFindings f = check({"expired", "intermediate"}, "www.example.com", utc(2024, 3, 1));
  EXPECT_TRUE(f.expired);
  EXPECT_EQ(f.summary(), "the certificate for www.example.com expired on 2021-01-01 (capture time 2024-03-01)");
  // Same day: the time of day tells them apart.
  EXPECT_EQ(check({"leaf", "intermediate"}, "www.example.com", utc(2025, 1, 1, 10, 30)).summary(),
            "the certificate for www.example.com expired on 2025-01-01T00:00:00Z (capture time 2025-01-01T10:30:00Z)");
}

TEST(CertificateCheck, NotYetValidSummary) {
  const CertificateFindings f = check({"notyetvalid", "intermediate"}, "www.example.com", utc(2024, 3, 1));
  EXPECT_TRUE(f.not_yet_valid);
  EXPECT_FALSE(f.expired);
  EXPECT_EQ(f.summary(), "the certificate for www.example.com is not valid before 2090-01-01 (capture time 2024-03-01)");
}

TEST(CertificateCheck, NearExpiryWarning) {
  const auto f = check({"leaf", "intermediate"}, "www.example.com", utc(2024, 12, 10, 12));  // 21.5 days left
  EXPECT_FALSE(f.expired);
  EXPECT_EQ(f.summary(), "");
  EXPECT_EQ(f.warnings, std::vector<std::string>{"leaf certificate expires in 21 days (at capture time)"});
  EXPECT_TRUE(contains(check({"leaf", "intermediate"}, "", utc(2024, 12, 31, 18)).warnings,
                       "leaf certificate expires in less than a day (at capture time)"));
  EXPECT_TRUE(check({"leaf", "intermediate"}, "", utc(2024, 12, 1)).warnings.empty());  // 31 days left
}

TEST(CertificateCheck, IssuerValidityIsAWarning) {
  const auto f = check({"leaf", "intermediate"}, "www.example.com", utc(2019, 6, 1));
  EXPECT_TRUE(f.not_yet_valid);
  EXPECT_TRUE(contains(f.warnings, "certificate 2 (tlsdiag test intermediate CA) is not valid before 2020-01-01"))
      << joined(f.warnings);
}

// ---- Chain order and linkage ---------------------------------------------------------------

TEST(CertificateCheck, ChainLinkage) {
  struct Case {
    std::vector<std::string> chain;
    bool broken, missing;
    std::string warning;  // expected among the warnings, "" for none at all
  };
  const Case cases[] = {
      {{"leaf", "intermediate", "root"}, false, false, ""},
      {{"leaf", "intermediate"}, false, false, ""},  // root omitted: the usual, correct chain
      {{"leaf"}, false, true,
       "the server likely did not send an intermediate certificate: the issuer of the leaf certificate "
       "(www.example.com), CN=tlsdiag test intermediate CA,O=tlsdiag tests, is not in the chain"},
      {{"leaf", "root"}, true, true, "the leaf certificate (www.example.com) is not issued by the next certificate sent"},
      {{"leaf", "root", "intermediate"}, true, false,
       "the leaf certificate (www.example.com) is issued by certificate 3 (tlsdiag test intermediate CA), not by the "
       "next one: the chain is out of order"},
      // Same issuer name, other key: linked by name only (AKID and signature disagree).
      {{"leaf", "impostor"}, true, true, "is not issued by the next certificate sent (" + kIntermediate + ")"},
      {{"selfsigned"}, false, false, ""},
      {{"intermediate"}, false, false, ""},  // a CA whose root was not sent: not a missing intermediate
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.chain.front() + " + " + std::to_string(c.chain.size() - 1));
    const CertificateFindings f = check(c.chain, "", utc(2024, 6, 1));
    EXPECT_EQ(f.chain_broken, c.broken);
    EXPECT_EQ(f.missing_intermediate, c.missing);
    if (c.warning.empty()) {
      EXPECT_TRUE(f.warnings.empty()) << joined(f.warnings);
    } else {
      EXPECT_TRUE(contains(f.warnings, c.warning)) << joined(f.warnings);
    }
  }
}

TEST(CertificateCheck, MissingIntermediateSummarySaysLikely) {
  const auto f = check({"leaf"}, "www.example.com", utc(2024, 6, 1));
  EXPECT_EQ(f.summary(), "the server likely did not send the intermediate certificate for www.example.com (issuer " +
                             kIntermediate + " not in the chain)");
  // A completed handshake shows the client had the issuer.
  EXPECT_FALSE(check({"leaf"}, "www.example.com", utc(2024, 6, 1), nullptr, true).missing_intermediate);
}

TEST(CertificateCheck, SelfSignedLeaf) {
  const auto f = check({"selfsigned"}, "self.example.com", utc(2024, 6, 1));
  EXPECT_TRUE(f.self_signed_leaf);
  EXPECT_FALSE(f.hostname_mismatch);
  EXPECT_EQ(f.summary(), "the certificate for self.example.com is self-signed");
}

// ---- Weak keys and signatures --------------------------------------------------------------

TEST(CertificateCheck, WeakKeyAndSignature) {
  const auto weak_key = check({"rsa1024", "intermediate", "root"}, "weak-key.example.com", utc(2024, 6, 1));
  EXPECT_TRUE(weak_key.weak_key);
  EXPECT_FALSE(weak_key.weak_signature);
  EXPECT_EQ(weak_key.warnings, std::vector<std::string>{"the leaf certificate (weak-key.example.com) has a 1024-bit RSA key"});
  EXPECT_EQ(weak_key.summary(), "the certificate chain for weak-key.example.com has a weak key");

  const auto sha1 = check({"sha1", "intermediate"}, "sha1.example.com", utc(2024, 6, 1));
  EXPECT_TRUE(sha1.weak_signature);
  EXPECT_FALSE(sha1.weak_key);
  EXPECT_EQ(sha1.warnings,
            std::vector<std::string>{"the leaf certificate (sha1.example.com) is signed with SHA-1 (sha1WithRSAEncryption)"});
  EXPECT_EQ(sha1.summary(), "the certificate chain for sha1.example.com uses a SHA-1 or MD5 signature");

  const auto ec = check({"ec", "intermediate"}, "ec.example.com", utc(2024, 6, 1));
  EXPECT_FALSE(ec.weak_key || ec.weak_signature);
  EXPECT_EQ(ec.summary(), "");
}

// ---- Trust against a CA file, at capture time ----------------------------------------------

TEST(CertificateTrust, AgainstTheTestRoot) {
  TrustStore store;
  store.add_file((cert_dir() / "root.pem").string());
  const auto good = check({"leaf", "intermediate"}, "www.example.com", utc(2024, 6, 1), store.get());
  ASSERT_TRUE(good.trusted.has_value());
  EXPECT_TRUE(*good.trusted) << good.trust_error;
  EXPECT_EQ(good.summary(), "");

  // Expiry is a finding of its own; the chain still leads to the anchor.
  const auto late = check({"leaf", "intermediate"}, "www.example.com", utc(2026, 6, 1), store.get());
  EXPECT_TRUE(late.trusted.value_or(false)) << late.trust_error;
  EXPECT_TRUE(late.expired);

  const auto alone = check({"leaf"}, "www.example.com", utc(2024, 6, 1), store.get());
  EXPECT_FALSE(alone.trusted.value_or(true));
  EXPECT_EQ(alone.trust_error, "unable to get local issuer certificate");
  EXPECT_TRUE(alone.missing_intermediate);
  EXPECT_EQ(alone.summary(), "the certificate chain for www.example.com is not trusted by the given CA store (unable "
                             "to get local issuer certificate), likely because the server did not send an "
                             "intermediate certificate");

  const auto self = check({"selfsigned"}, "self.example.com", utc(2024, 6, 1), store.get());
  EXPECT_FALSE(self.trusted.value_or(true));
  EXPECT_NE(self.trust_error.find("self"), std::string::npos) << self.trust_error;

  EXPECT_FALSE(check({"leaf", "impostor"}, "", utc(2024, 6, 1), store.get()).trusted.value_or(true));
  EXPECT_FALSE(check({"leaf", "intermediate"}, "", utc(2024, 6, 1)).trusted.has_value());  // no store
}

TEST(CertificateTrust, AStoreThatHoldsTheIntermediateClearsMissingIntermediate) {
  TrustStore store;
  store.add_file((cert_dir() / "root.pem").string());
  const auto intermediate = der("intermediate");
  const unsigned char* p = intermediate.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(intermediate.size()));
  ASSERT_NE(x, nullptr);
  ASSERT_EQ(X509_STORE_add_cert(store.get(), x), 1);
  X509_free(x);
  const auto f = check({"leaf"}, "www.example.com", utc(2024, 6, 1), store.get());
  EXPECT_TRUE(f.trusted.value_or(false)) << f.trust_error;
  EXPECT_FALSE(f.missing_intermediate);
  EXPECT_TRUE(f.warnings.empty()) << joined(f.warnings);
}

TEST(CertificateTrust, LoadErrorsThrow) {
  TrustStore store;
  EXPECT_THROW(store.add_file((cert_dir() / "no-such-file.pem").string()), std::runtime_error);
  EXPECT_THROW(store.add_file((cert_dir() / "leaf.der").string()), std::runtime_error);  // DER, not PEM
  EXPECT_THROW(store.add_dir((cert_dir() / "no-such-dir").string()), std::runtime_error);
  EXPECT_NO_THROW(store.add_dir(cert_dir().string()));
}

// ---- The flow wrapper ----------------------------------------------------------------------

TEST(CertificateCheck, FlowUsesSniCertificateTimeAndCompletion) {
  FlowRecord flow;
  flow.client_hello.emplace();
  flow.client_hello->sni = "www.example.com";
  flow.first_seen = utc(2024, 12, 31, 23, 59, 59);  // before expiry ...
  flow.steps.push_back(Step{StepKind::Certificate, Direction::ServerToClient, 0, 0, utc(2025, 1, 2), 6});  // ... after
  flow.certificates = records({"leaf", "intermediate"});
  flow.established = true;
  const CertificateFindings f = check_chain(flow);
  EXPECT_EQ(f.server_name, "www.example.com");
  EXPECT_EQ(f.capture_time, utc(2025, 1, 2));
  EXPECT_TRUE(f.expired);
  EXPECT_TRUE(contains(f.warnings, "the client accepted an expired certificate for www.example.com"));

  flow.client_hello->sni = "other.example.org";
  flow.steps.clear();
  const CertificateFindings g = check_chain(flow);
  EXPECT_EQ(g.capture_time, flow.first_seen);
  EXPECT_FALSE(g.expired);
  EXPECT_TRUE(g.hostname_mismatch);
  EXPECT_TRUE(contains(g.warnings, "the client accepted a certificate that does not match the server name "
                                   "other.example.org"));
}

// ---- Real chains from the sample captures --------------------------------------------------

struct SampleCert { std::string file, sni; Timestamp at; };

// tests/data/certs/from-samples/manifest.txt: "FILE SNI CAPTURE_TIME_NS" per certificate.
std::vector<SampleCert> sample_manifest() {
  std::ifstream in(cert_dir() / "from-samples" / "manifest.txt");
  std::vector<SampleCert> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    SampleCert c;
    std::int64_t ns = 0;
    if (fields >> c.file >> c.sni >> ns) out.push_back({c.file, c.sni == "-" ? "" : c.sni, Timestamp{ns}});
  }
  return out;
}

CertificateFindings check_sample_der(const std::string& scenario) {
  for (const auto& c : sample_manifest()) {
    if (c.file != scenario + ".0.der") continue;
    auto bytes = read_bytes(cert_dir() / "from-samples" / c.file);
    const std::vector<CertificateRecord> chain = {CertificateRecord{bytes, static_cast<std::uint32_t>(bytes.size())}};
    return check_chain(chain, ChainContext{c.sni, c.at});
  }
  ADD_FAILURE() << scenario << " not in the manifest";
  return {};
}

TEST(CertificateSamples, ExtractedDer) {
  const auto expired = check_sample_der("tls12-cert-expired-openssl");
  EXPECT_TRUE(expired.expired);
  EXPECT_FALSE(expired.hostname_mismatch);
  EXPECT_EQ(expired.summary().rfind("the certificate for localhost expired on 2021-01-01 (capture time ", 0), 0u)
      << expired.summary();
  ASSERT_EQ(expired.chain.size(), 1u);
  EXPECT_EQ(expired.chain[0]->dns_names, std::vector<std::string>{"localhost"});
  EXPECT_EQ(expired.chain[0]->ip_addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(expired.chain[0]->issuer, "CN=tlsdiag sample root CA");

  const auto wrong = check_sample_der("tls12-cert-wronghost-openssl");
  EXPECT_TRUE(wrong.hostname_mismatch);
  EXPECT_FALSE(wrong.expired || wrong.not_yet_valid);
  EXPECT_EQ(wrong.summary(), "the certificate does not match the server name localhost (it names wrong.example.net)");

  const auto future = check_sample_der("tls12-cert-notyetvalid-openssl");
  EXPECT_TRUE(future.not_yet_valid);
  EXPECT_EQ(future.summary().rfind("the certificate for localhost is not valid before 2090-01-01 (capture time ", 0), 0u)
      << future.summary();

  const auto missing = check_sample_der("tls12-cert-missing-intermediate-curl");
  EXPECT_TRUE(missing.missing_intermediate);
  EXPECT_FALSE(missing.expired || missing.not_yet_valid || missing.hostname_mismatch || missing.chain_broken);
  EXPECT_EQ(missing.summary(), "the server likely did not send the intermediate certificate for localhost (issuer "
                               "CN=tlsdiag sample intermediate CA not in the chain)");
}

class RecordingFlowSink : public FlowSink {
 public:
  void on_flow(const FlowRecord& flow) override { flows.push_back(flow); }
  void on_input_done(const InputResult&) override {}
  void on_finish() override {}
  std::vector<FlowRecord> flows;
};

// The capture read by the real pipeline: the chain as the dissector kept it, judged at the
// Certificate packet's time. Robust to scripts/make-samples.sh reruns (new keys, new times).
std::vector<FlowRecord> read_sample(const std::string& scenario) {
  RecordingFlowSink sink;
  const std::string path = (test::source_dir() / "samples" / (scenario + ".pcap")).string();
  capture::FileSource source(path);
  if (source.open()) return {};
  Correlator correlator(sink, path);
  tls::Dissector dissector(correlator);
  reassembly::StreamTable streams(dissector);
  net::PacketDecoder decoder(streams);
  source.run(decoder);
  return sink.flows;
}

TEST(CertificateSamples, ThroughThePipeline) {
  struct Case { const char* scenario; bool expired, not_yet_valid, mismatch, missing; const char* summary_start; };
  const Case cases[] = {
      {"tls12-cert-expired-openssl", true, false, false, true, "the certificate for localhost expired on 2021-01-01"},
      {"tls12-cert-wronghost-openssl", false, false, true, true,
       "the certificate does not match the server name localhost (it names wrong.example.net)"},
      {"tls12-cert-notyetvalid-openssl", false, true, false, true,
       "the certificate for localhost is not valid before 2090-01-01"},
      {"tls12-cert-missing-intermediate-curl", false, false, false, true,
       "the server likely did not send the intermediate certificate for localhost"},
      // Completed: the leaf's root was not sent, and the client evidently had it.
      {"tls12-ok-openssl", false, false, false, false, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.scenario);
    const auto flows = read_sample(c.scenario);
    ASSERT_EQ(flows.size(), 1u);
    ASSERT_FALSE(flows[0].certificates.empty());
    const CertificateFindings f = check_chain(flows[0]);
    EXPECT_TRUE(f.any);
    EXPECT_EQ(f.server_name, "localhost");
    EXPECT_EQ(f.expired, c.expired);
    EXPECT_EQ(f.not_yet_valid, c.not_yet_valid);
    EXPECT_EQ(f.hostname_mismatch, c.mismatch);
    // The samples' leaves come from a root that is never sent: without the client's store a leaf
    // issued directly by a root looks the same as one whose intermediate is missing ("likely").
    EXPECT_EQ(f.missing_intermediate, c.missing);
    EXPECT_EQ(f.summary().rfind(c.summary_start, 0), 0u) << f.summary();
    if (std::string(c.summary_start).empty()) {
      EXPECT_TRUE(f.warnings.empty()) << joined(f.warnings);
    }
  }
}

}  // namespace
}  // namespace tlsdiag::analysis

namespace tlsdiag::analysis {
namespace {

// The cache parses each distinct certificate once and changes no finding.
TEST(CertificateCache, SameFindingsAndEachCertificateParsedOnce) {
  const std::vector<CertificateRecord> chain = {
      {read_bytes(test::source_dir() / "tests" / "data" / "certs" / "wronghost.der"), 0},
      {read_bytes(test::source_dir() / "tests" / "data" / "certs" / "intermediate.der"), 0}};
  ChainContext context;
  context.server_name = "shop.example";
  context.capture_time = Timestamp::from_sec_nsec(1'720'000'000, 0);  // mid-2024
  const CertificateFindings plain = check_chain(chain, context);
  CertificateCache cache;
  for (int i = 0; i < 3; ++i) {
    const CertificateFindings cached = check_chain(chain, context, nullptr, &cache);
    EXPECT_EQ(cached.summary(), plain.summary());
    EXPECT_EQ(cached.warnings, plain.warnings);
    EXPECT_EQ(cached.hostname_mismatch, plain.hostname_mismatch);
    ASSERT_EQ(cached.chain.size(), 2u);
    EXPECT_EQ(cached.chain[0]->sha256_fingerprint, plain.chain[0]->sha256_fingerprint);
  }
  EXPECT_TRUE(plain.hostname_mismatch);
  EXPECT_EQ(cache.size(), 2u);
}

// Findings point to the cache's parsed certificates instead of copying them (a copy per flow was
// ten allocations per certificate), and keep them alive after the cache drops or is destroyed.
TEST(CertificateCache, FindingsShareTheCachedCertificates) {
  std::optional<CertificateFindings> first;
  std::optional<CertificateFindings> second;
  {
    CertificateCache cache;
    const ChainContext context{"www.example.com", utc(2024, 6, 1), false};
    first = check_chain(records({"leaf", "intermediate"}), context, nullptr, &cache);
    second = check_chain(records({"leaf", "intermediate"}), context, nullptr, &cache);
  }
  ASSERT_EQ(first->chain.size(), 2u);
  ASSERT_EQ(second->chain.size(), 2u);
  EXPECT_EQ(first->chain[0].get(), second->chain[0].get());
  EXPECT_EQ(first->chain[1].get(), second->chain[1].get());
  EXPECT_NE(first->chain[0].get(), first->chain[1].get());
  EXPECT_EQ(second->chain[1]->subject, kIntermediate);
  EXPECT_EQ(first->summary(), "");
}

// A flood of large distinct certificates: the cache starts again past kMaxBytes held, before
// kMaxEntries (each here is counted twice: by address and by content).
TEST(CertificateCache, HoldsAtMostItsBytes) {
  CertificateCache cache;
  const ChainContext context{"www.example.com", utc(2024, 6, 1), false};
  constexpr std::size_t kSize = 1u << 20;
  for (std::uint8_t i = 0; i < 20; ++i) {
    std::vector<std::uint8_t> junk(kSize, i);  // not DER: parsed (to an error) and cached all the same
    const std::vector<CertificateRecord> chain = {CertificateRecord{std::move(junk), kSize}};
    check_chain(chain, context, nullptr, &cache);
    EXPECT_LE(cache.size() * kSize * 2, CertificateCache::kMaxBytes);
  }
  EXPECT_GE(cache.size(), 1u);
}

// Host name checks are cached by the leaf and the name: the same leaf judged against names it
// covers and names it does not, in turns, through one cache, gives each name its own answer.
TEST(CertificateCache, CachedNameChecksAnswerPerName) {
  CertificateCache cache;
  for (int round = 0; round < 2; ++round) {
    for (const auto& [sni, matches] : {std::pair{"www.example.com", true}, std::pair{"mail.example.com", false},
                                      std::pair{"example.com", true}, std::pair{"www.example.com.evil", false}}) {
      SCOPED_TRACE(std::string(sni) + ", round " + std::to_string(round));
      const ChainContext context{sni, utc(2024, 6, 1), false};
      EXPECT_EQ(check_chain(records({"leaf", "intermediate"}), context, nullptr, &cache).hostname_mismatch, !matches);
    }
  }
  // Past the names kept per leaf, answers are still right (checked without the cache).
  for (int i = 0; i < 40; ++i) {
    const ChainContext other{"host" + std::to_string(i) + ".example.org", utc(2024, 6, 1), false};
    EXPECT_TRUE(check_chain(records({"leaf", "intermediate"}), other, nullptr, &cache).hostname_mismatch) << i;
  }
  const ChainContext known{"www.example.com", utc(2024, 6, 1), false};
  EXPECT_FALSE(check_chain(records({"leaf", "intermediate"}), known, nullptr, &cache).hostname_mismatch);
}

// Verified links are cached by the pair of certificates, in both directions: one cache across
// chains that reuse the same certificates in other orders (the impostor shares the
// intermediate's name, not its key) gives every chain the findings it has alone.
TEST(CertificateCache, CachedLinksChangeNoLinkageFinding) {
  const std::vector<std::vector<std::string>> chains = {
      {"leaf", "intermediate", "root"}, {"leaf", "root"}, {"leaf", "root", "intermediate"},
      {"leaf", "impostor"},             {"intermediate", "leaf"}, {"leaf", "intermediate"}};
  const ChainContext context{"", utc(2024, 6, 1), false};
  CertificateCache cache;
  for (int round = 0; round < 2; ++round) {
    for (const auto& names : chains) {
      SCOPED_TRACE(names.front() + " + " + std::to_string(names.size() - 1) + ", round " + std::to_string(round));
      const CertificateFindings plain = check_chain(records(names), context);
      const CertificateFindings cached = check_chain(records(names), context, nullptr, &cache);
      EXPECT_EQ(cached.chain_broken, plain.chain_broken);
      EXPECT_EQ(cached.missing_intermediate, plain.missing_intermediate);
      EXPECT_EQ(cached.warnings, plain.warnings);
    }
  }
  EXPECT_TRUE(check_chain(records({"leaf", "impostor"}), context, nullptr, &cache).chain_broken);
  EXPECT_FALSE(check_chain(records({"leaf", "intermediate"}), context, nullptr, &cache).chain_broken);
}

}  // namespace
}  // namespace tlsdiag::analysis
