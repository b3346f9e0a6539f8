#include "tlsdiag/tls/registry.h"

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace tlsdiag::tls {
namespace {

// --- Tables ----------------------------------------------------------------------------------

template <typename Row>
void expect_strictly_sorted_and_named(std::span<const Row> table) {
  ASSERT_FALSE(table.empty());
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < table.size(); ++i) {
    SCOPED_TRACE(std::string(table[i].name));
    if (i > 0) {
      EXPECT_LT(table[i - 1].code, table[i].code);  // sorted, no repeated code
    }
    EXPECT_FALSE(table[i].name.empty());
    EXPECT_TRUE(names.insert(table[i].name).second) << "name listed twice";
    EXPECT_FALSE(table[i].recommended && table[i].discouraged);
  }
}

TEST(Registry, TablesAreSortedUniqueAndNamed) {
  {
    SCOPED_TRACE("cipher suites");
    expect_strictly_sorted_and_named(cipher_suite_table());
  }
  const struct {
    std::string_view what;
    std::span<const RegistryEntry> table;
  } tables[] = {
      {"alerts", alert_table()},
      {"extensions", extension_table()},
      {"groups", group_table()},
      {"signature schemes", signature_scheme_table()},
      {"handshake types", handshake_type_table()},
      {"content types", content_type_table()},
      {"ec point formats", ec_point_format_table()},
  };
  for (const auto& t : tables) {
    SCOPED_TRACE(std::string(t.what));
    expect_strictly_sorted_and_named(t.table);
  }
}

TEST(Registry, NoGreaseOrPlaceholderRows) {
  for (const CipherSuiteInfo& row : cipher_suite_table()) {
    EXPECT_FALSE(is_grease(row.code)) << row.name;
    EXPECT_NE(row.name, "Unassigned");
  }
  for (auto table : {extension_table(), group_table(), signature_scheme_table()}) {
    for (const RegistryEntry& row : table) {
      EXPECT_FALSE(is_grease(row.code)) << row.name;
      EXPECT_FALSE(row.name.starts_with("Reserved")) << row.name;
    }
  }
}

// IANA had about 350 cipher suites assigned when the CSV was taken (scripts/iana/README.md); a
// much smaller table means the generator dropped rows.
TEST(Registry, CipherSuiteTableIsComplete) {
  EXPECT_GE(cipher_suite_table().size(), 340u);
  EXPECT_GE(extension_table().size(), 60u);
  EXPECT_GE(group_table().size(), 50u);
  EXPECT_GE(alert_table().size(), 35u);
}

// --- Cipher suites ---------------------------------------------------------------------------

TEST(Registry, KnownCipherSuites) {
  const struct {
    std::uint16_t code;
    std::string_view name;
    KeyExchange kx;
    bool tls13_only, recommended, is_scsv;
  } cases[] = {
      // RFC 8446 §B.4
      {0x1301, "TLS_AES_128_GCM_SHA256", KeyExchange::Tls13, true, true, false},
      {0x1302, "TLS_AES_256_GCM_SHA384", KeyExchange::Tls13, true, true, false},
      {0x1303, "TLS_CHACHA20_POLY1305_SHA256", KeyExchange::Tls13, true, true, false},
      {0x1305, "TLS_AES_128_CCM_8_SHA256", KeyExchange::Tls13, true, false, false},
      {0x00c6, "TLS_SM4_GCM_SM3", KeyExchange::Tls13, true, false, false},           // RFC 8998
      {0xc0b4, "TLS_SHA256_SHA256", KeyExchange::Tls13, true, false, false},         // RFC 9150
      {0xc103, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L", KeyExchange::Tls13, true, false,
       false},                                                                        // RFC 9367
      // RFC 5289, RFC 8422
      {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", KeyExchange::EcdheRsa, false, true, false},
      {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", KeyExchange::EcdheEcdsa, false, true,
       false},
      {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", KeyExchange::EcdheRsa, false, false, false},
      {0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", KeyExchange::EcdhEcdsa, false, false, false},
      {0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", KeyExchange::EcdhRsa, false, false, false},
      {0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", KeyExchange::EcdhAnon, false, false, false},
      // RFC 5246 appendix A.5, RFC 5288
      {0x0000, "TLS_NULL_WITH_NULL_NULL", KeyExchange::Null, false, false, false},
      {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", KeyExchange::Rsa, false, false, false},
      {0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", KeyExchange::Rsa, false, false, false},
      {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", KeyExchange::DheRsa, false, true, false},
      {0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", KeyExchange::DheDss, false, false, false},
      {0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA", KeyExchange::DhRsa, false, false, false},
      {0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA", KeyExchange::DhDss, false, false, false},
      {0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", KeyExchange::DhAnon, false, false, false},
      // RFC 4279, RFC 5487, RFC 6655, RFC 7905, RFC 8442
      {0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256", KeyExchange::Psk, false, false, false},
      {0x00aa, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", KeyExchange::DhePsk, false, true, false},
      {0xc0aa, "TLS_PSK_DHE_WITH_AES_128_CCM_8", KeyExchange::DhePsk, false, false, false},
      {0x00ac, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", KeyExchange::RsaPsk, false, false, false},
      {0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", KeyExchange::EcdhePsk, false, true,
       false},
      {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", KeyExchange::EcdheRsa, false, true,
       false},
      {0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256", KeyExchange::EcdhePsk, false, true, false},
      // RFC 5054, RFC 2712, RFC 9189
      {0xc01d, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", KeyExchange::Srp, false, false, false},
      {0x001f, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA", KeyExchange::Krb5, false, false, false},
      {0xc100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC", KeyExchange::Gost, false, false,
       false},
      // RFC 5746 §3.3, RFC 7507 §2
      {0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", KeyExchange::Other, false, false, true},
      {0x5600, "TLS_FALLBACK_SCSV", KeyExchange::Other, false, false, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.name));
    const CipherSuiteInfo* row = find_cipher_suite(c.code);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->name, c.name);
    EXPECT_EQ(row->kx, c.kx);
    EXPECT_EQ(row->tls13_only, c.tls13_only);
    EXPECT_EQ(row->recommended, c.recommended);
    EXPECT_EQ(row->is_scsv, c.is_scsv);
    EXPECT_EQ(cipher_suite_name(c.code), c.name);
    EXPECT_EQ(cipher_suite_code(c.name), c.code);
  }
}

TEST(Registry, DiscouragedCipherSuites) {
  // RFC 9847 marks RC4, NULL and the like "D".
  EXPECT_TRUE(find_cipher_suite(0xc011)->discouraged);   // TLS_ECDHE_RSA_WITH_RC4_128_SHA
  EXPECT_TRUE(find_cipher_suite(0x002c)->discouraged);   // TLS_PSK_WITH_NULL_SHA
  EXPECT_FALSE(find_cipher_suite(0xc02f)->discouraged);
}

TEST(Registry, EveryCipherSuiteHasAKeyExchangeAndRoundTrips) {
  for (const CipherSuiteInfo& row : cipher_suite_table()) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_NE(row.kx, KeyExchange::Unknown);
    EXPECT_EQ(row.tls13_only, row.kx == KeyExchange::Tls13);
    EXPECT_EQ(cipher_suite_code(row.name), row.code);
  }
}

TEST(Registry, GreaseAndUnknownFallbacks) {
  for (int i = 0; i < 16; ++i) {
    const auto g = static_cast<std::uint16_t>(0x0a0a + i * 0x1010);  // RFC 8701 §2
    SCOPED_TRACE(g);
    EXPECT_EQ(cipher_suite_name(g), "GREASE");
    EXPECT_EQ(find_cipher_suite(g), nullptr);
    EXPECT_EQ(extension_name(g), "GREASE");
    EXPECT_EQ(group_name(g), "GREASE");
    EXPECT_EQ(signature_scheme_name(g), "GREASE");
    EXPECT_EQ(version_name(g), "GREASE");
  }
  EXPECT_EQ(cipher_suite_name(0x1a2b), "0x1a2b");
  EXPECT_EQ(cipher_suite_name(0x0100), "0x0100");
  EXPECT_EQ(cipher_suite_name(0xff00), "0xff00");  // private use
  EXPECT_EQ(find_cipher_suite(0x1a2b), nullptr);
}

// append_cipher_suite_name adds the same name after what the buffer holds.
TEST(Registry, AppendedCipherSuiteNameIsTheName) {
  const std::uint16_t codes[] = {0x1301, 0xc02f, 0x0a0a, 0x1a2b, 0x0000};  // known, GREASE, unknown
  for (const std::uint16_t code : codes) {
    SCOPED_TRACE(code);
    std::string out = "with ";
    append_cipher_suite_name(out, code);
    EXPECT_EQ(out, "with " + cipher_suite_name(code));
  }
  std::string out;
  append_cipher_suite_name(out, 0x1301);
  EXPECT_EQ(out, "TLS_AES_128_GCM_SHA256");
}

TEST(Registry, CipherSuiteCodeByName) {
  EXPECT_EQ(cipher_suite_code("SSL_RSA_WITH_RC4_128_MD5"), 0x0004);  // JSSE spelling
  EXPECT_EQ(cipher_suite_code("TLS_FALLBACK_SCSV"), 0x5600);
  EXPECT_EQ(cipher_suite_code("ECDHE-RSA-AES128-GCM-SHA256"), std::nullopt);  // OpenSSL name
  EXPECT_EQ(cipher_suite_code(""), std::nullopt);
  EXPECT_EQ(cipher_suite_code("Unassigned"), std::nullopt);
}

// --- Other registries ------------------------------------------------------------------------

struct NameCase {
  std::uint16_t code;
  std::string_view name;
};

TEST(Registry, Alerts) {
  const NameCase cases[] = {
      {0, "close_notify"},        {10, "unexpected_message"},     {20, "bad_record_mac"},
      {40, "handshake_failure"},  {42, "bad_certificate"},        {48, "unknown_ca"},
      {70, "protocol_version"},   {80, "internal_error"},         {86, "inappropriate_fallback"},
      {100, "no_renegotiation"},  {109, "missing_extension"},     {110, "unsupported_extension"},
      {112, "unrecognized_name"}, {116, "certificate_required"},  {120, "no_application_protocol"},
      {121, "ech_required"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(alert_name(static_cast<std::uint8_t>(c.code)), c.name);
  }
  EXPECT_EQ(alert_name(200), "0x00c8");
}

TEST(Registry, Extensions) {
  const NameCase cases[] = {
      {0, "server_name"},
      {10, "supported_groups"},  // IANA: 'supported_groups (renamed from "elliptic_curves")'
      {11, "ec_point_formats"},
      {13, "signature_algorithms"},
      {16, "application_layer_protocol_negotiation"},
      {23, "extended_main_secret"},  // renamed by RFC 8446bis
      {35, "session_ticket"},
      {41, "pre_shared_key"},
      {43, "supported_versions"},
      {45, "psk_key_exchange_modes"},
      {51, "key_share"},
      {0xfd00, "ech_outer_extensions"},
      {0xfe0d, "encrypted_client_hello"},
      {0xff01, "renegotiation_info"},
  };
  for (const auto& c : cases) EXPECT_EQ(extension_name(c.code), c.name);
  EXPECT_EQ(extension_name(0x0a0a), "GREASE");
  EXPECT_EQ(extension_name(0xdada), "GREASE");
  EXPECT_EQ(extension_name(40), "0x0028");  // Reserved
  EXPECT_EQ(extension_name(0x1234), "0x1234");
  ASSERT_NE(find_extension(0), nullptr);
  EXPECT_TRUE(find_extension(0)->recommended);
  EXPECT_EQ(find_extension(0x0a0a), nullptr);
}

TEST(Registry, Groups) {
  const NameCase cases[] = {
      {23, "secp256r1"},          {24, "secp384r1"},
      {25, "secp521r1"},          {29, "x25519"},
      {30, "x448"},               {256, "ffdhe2048"},
      {0x0200, "MLKEM512"},       {0x0201, "MLKEM768"},
      {0x0202, "MLKEM1024"},      {0x11eb, "SecP256r1MLKEM768"},
      {0x11ec, "X25519MLKEM768"}, {0x11ed, "SecP384r1MLKEM1024"},
      {0x6399, "X25519Kyber768Draft00"},  // IANA adds "(OBSOLETE)"
  };
  for (const auto& c : cases) EXPECT_EQ(group_name(c.code), c.name);
  EXPECT_EQ(group_name(0x2a2a), "GREASE");
  EXPECT_EQ(group_name(0), "0x0000");
  ASSERT_NE(find_group(29), nullptr);
  EXPECT_TRUE(find_group(29)->recommended);
  EXPECT_TRUE(find_group(0x6399)->discouraged);
  EXPECT_TRUE(find_group(19)->discouraged);  // secp192r1
}

TEST(Registry, SignatureSchemes) {
  const NameCase cases[] = {
      {0x0201, "rsa_pkcs1_sha1"},      {0x0401, "rsa_pkcs1_sha256"},
      {0x0403, "ecdsa_secp256r1_sha256"}, {0x0503, "ecdsa_secp384r1_sha384"},
      {0x0804, "rsa_pss_rsae_sha256"}, {0x0807, "ed25519"},
      {0x0809, "rsa_pss_pss_sha256"},  {0x0904, "mldsa44"},
  };
  for (const auto& c : cases) EXPECT_EQ(signature_scheme_name(c.code), c.name);
  EXPECT_EQ(signature_scheme_name(0x3a3a), "GREASE");
  EXPECT_EQ(signature_scheme_name(0x0202), "0x0202");  // reserved for backward compatibility
  ASSERT_NE(find_signature_scheme(0x0804), nullptr);
  EXPECT_TRUE(find_signature_scheme(0x0804)->recommended);
}

TEST(Registry, HandshakeTypes) {
  const NameCase cases[] = {
      {1, "client_hello"},         {2, "server_hello"},         {4, "new_session_ticket"},
      {8, "encrypted_extensions"}, {11, "certificate"},         {12, "server_key_exchange"},
      {13, "certificate_request"}, {14, "server_hello_done"},   {15, "certificate_verify"},
      {16, "client_key_exchange"}, {20, "finished"},            {24, "key_update"},
      {254, "message_hash"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(handshake_type_name(static_cast<std::uint8_t>(c.code)), c.name);
  }
  EXPECT_EQ(handshake_type_name(99), "0x0063");
}

TEST(Registry, ContentTypesAndPointFormats) {
  EXPECT_EQ(content_type_name(20), "change_cipher_spec");
  EXPECT_EQ(content_type_name(21), "alert");
  EXPECT_EQ(content_type_name(22), "handshake");
  EXPECT_EQ(content_type_name(23), "application_data");
  EXPECT_EQ(content_type_name(24), "heartbeat");
  EXPECT_EQ(content_type_name(25), "tls12_cid");
  EXPECT_EQ(content_type_name(26), "ack");
  EXPECT_EQ(content_type_name(0x80), "0x0080");
  EXPECT_EQ(ec_point_format_name(0), "uncompressed");
  EXPECT_EQ(ec_point_format_name(1), "ansiX962_compressed_prime");
  EXPECT_EQ(ec_point_format_name(2), "ansiX962_compressed_char2");
  EXPECT_EQ(ec_point_format_name(3), "0x0003");
}

// --- Versions --------------------------------------------------------------------------------

TEST(Registry, VersionNames) {
  const NameCase cases[] = {
      {0x0002, "SSL 2.0"},
      {0x0300, "SSL 3.0"},
      {0x0301, "TLS 1.0"},
      {0x0302, "TLS 1.1"},
      {0x0303, "TLS 1.2"},
      {0x0304, "TLS 1.3"},
      {0x7f17, "TLS 1.3 (draft 23)"},
      {0x7f1c, "TLS 1.3 (draft 28)"},
      {0xfb1a, "TLS 1.3 (experimental 0xfb1a)"},
      {0x7e02, "TLS 1.3 (experimental 0x7e02)"},
      {0xfeff, "DTLS 1.0"},
      {0xfefd, "DTLS 1.2"},
      {0xfefc, "DTLS 1.3"},
      {0x0a0a, "GREASE"},
      {0x3a3a, "GREASE"},
      {0x0305, "0x0305"},
      {0x1234, "0x1234"},
  };
  for (const auto& c : cases) EXPECT_EQ(version_name(c.code), c.name);
}

TEST(Registry, VersionCodeParsing) {
  const struct {
    std::string_view text;
    std::optional<std::uint16_t> code;
  } cases[] = {
      {"TLS1.2", 0x0303},  {"TLS 1.2", 0x0303},  {"tls1.2", 0x0303},  {"TLSv1.2", 0x0303},
      {"TLSv1_2", 0x0303}, {"tlsv1.3", 0x0304},  {"TLS1.0", 0x0301},  {"TLSv1", 0x0301},
      {"TLS 1.1", 0x0302}, {"SSL3.0", 0x0300},   {"SSLv3", 0x0300},   {"SSL 3.0", 0x0300},
      {"SSLv2", 0x0002},   {"DTLS1.2", 0xfefd}, {"DTLSv1.3", 0xfefc},
      {"DTLS 1.0", 0xfeff}, {"0x0303", 0x0303},  {"0x7F17", 0x7f17},
      {"", std::nullopt},  {"TLS", std::nullopt}, {"TLS1.4", std::nullopt},
      {"TLS12", std::nullopt}, {"SSL 4", std::nullopt}, {"0x", std::nullopt},
      {"0x12345", std::nullopt}, {"0xzz", std::nullopt}, {"1.2", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    EXPECT_EQ(version_code(c.text), c.code);
  }
}

TEST(Registry, VersionNameRoundTrips) {
  const std::uint16_t versions[] = {0x0002, 0x0300, 0x0301, 0x0302, 0x0303,
                                    0x0304, 0xfeff, 0xfefd, 0xfefc};
  for (std::uint16_t v : versions) {
    SCOPED_TRACE(version_name(v));
    EXPECT_EQ(version_code(version_name(v)), v);
  }
}

}  // namespace
}  // namespace tlsdiag::tls
