// Record protection: HKDF-Expand-Label and TLS 1.3 records against RFC 8448 §3, TLS 1.0-1.3
// records from real stacks (record_protection_vectors.h says how they were made), tampering,
// truncation and unsupported suites.
#include "tlsdiag/tls/record_protection.h"

#include <openssl/evp.h>
#include <openssl/provider.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/tls_builder.h"
#include "tls/record_crypto.h"
#include "tlsdiag/tls/record.h"
#include "tlsdiag/tls/registry.h"
#include "record_protection_vectors.h"
#include "rfc8448_trace.h"

namespace tlsdiag::tls {
namespace {

using test::Bytes;
using test::from_hex;
using namespace rfc8448;  // NOLINT: the trace's names read as the RFC's

// ---- helpers -------------------------------------------------------------------------------

RecordHeader header_of(const Bytes& record) {
  RecordHeader h;
  EXPECT_TRUE(read_record_header(record, h));
  return h;
}

std::span<const std::uint8_t> payload_of(const Bytes& record) {
  return std::span<const std::uint8_t>(record).subspan(kRecordHeaderSize);
}

std::optional<Plaintext> open(RecordDecryptor& d, const Bytes& record) {
  return d.decrypt(header_of(record), payload_of(record));
}

Random random_from_hex(const char* hex) {
  const Bytes bytes = from_hex(hex);
  Random r{};
  EXPECT_EQ(bytes.size(), r.size());
  std::copy_n(bytes.begin(), std::min(bytes.size(), r.size()), r.begin());
  return r;
}

constexpr std::uint16_t kAes128GcmSha256 = 0x1301;

TEST(HkdfExpandLabel, Rfc8448TrafficKeysAndIvs) {
  struct Case {
    const char* what;
    const Bytes& secret;
    const Bytes& key;
    const Bytes& iv;
  };
  const Case cases[] = {
      {"server handshake", kServerHandshakeSecret, kServerHandshakeKey, kServerHandshakeIv},
      {"client handshake", kClientHandshakeSecret, kClientHandshakeKey, kClientHandshakeIv},
      {"server application", kServerApplicationSecret, kServerApplicationKey, kServerApplicationIv},
      {"client application", kClientApplicationSecret, kClientApplicationKey, kClientApplicationIv},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    // RFC 8446 §7.3: key = HKDF-Expand-Label(secret, "key", "", 16); iv likewise with "iv", 12.
    EXPECT_EQ(hkdf_expand_label(kAes128GcmSha256, c.secret, "key", {}, 16), c.key);
    EXPECT_EQ(hkdf_expand_label(kAes128GcmSha256, c.secret, "iv", {}, 12), c.iv);
  }
}

TEST(HkdfExpandLabel, Rfc8448DeriveSecretWithTranscriptHash) {
  // RFC 8448 §3 {server} derive secret "tls13 c hs traffic": the context is the transcript hash
  // of ClientHello..ServerHello; the result is the client handshake traffic secret.
  const Bytes handshake_secret = from_hex(
      "1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac");
  const Bytes hello_hash = from_hex(
      "86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8");
  EXPECT_EQ(hkdf_expand_label(kAes128GcmSha256, handshake_secret, "c hs traffic", hello_hash, 32),
            kClientHandshakeSecret);
  EXPECT_EQ(hkdf_expand_label(kAes128GcmSha256, handshake_secret, "s hs traffic", hello_hash, 32),
            kServerHandshakeSecret);
}

TEST(HkdfExpandLabel, EmptyForSuitesWithoutTls13KeySchedule) {
  for (std::uint16_t suite : {std::uint16_t{0xc02f}, std::uint16_t{0x0000}, std::uint16_t{0x1234},
                              std::uint16_t{0xc0b4}}) {
    SCOPED_TRACE(suite);
    EXPECT_TRUE(hkdf_expand_label(suite, kServerHandshakeSecret, "key", {}, 16).empty());
  }
  // RFC 8446 §7.1: the label vector holds at most 255 bytes including "tls13 ".
  EXPECT_TRUE(hkdf_expand_label(kAes128GcmSha256, kServerHandshakeSecret, std::string(250, 'x'), {}, 16).empty());
}

TEST(Tls13Decrypt, Rfc8448ServerHandshakeFlight) {
  auto d = RecordDecryptor::tls13(kAes128GcmSha256, kServerHandshakeSecret);
  ASSERT_NE(d, nullptr);
  const auto plain = open(*d, kServerFlightRecord);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->content_type, content_type::kHandshake);
  EXPECT_EQ(plain->bytes, server_flight_plaintext());
  EXPECT_EQ(d->sequence(), 1u);
}

TEST(Tls13Decrypt, Rfc8448ClientFinished) {
  auto d = RecordDecryptor::tls13(kAes128GcmSha256, kClientHandshakeSecret);
  ASSERT_NE(d, nullptr);
  const auto plain = open(*d, kClientFinishedRecord);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->content_type, content_type::kHandshake);
  EXPECT_EQ(plain->bytes, kClientFinished);
}

TEST(Tls13Decrypt, Rfc8448ApplicationDataAtSequenceZeroAndOne) {
  auto client = RecordDecryptor::tls13(kAes128GcmSha256, kClientApplicationSecret);
  ASSERT_NE(client, nullptr);
  const auto c = open(*client, kClientDataRecord);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->content_type, content_type::kApplicationData);
  EXPECT_EQ(c->bytes, rfc8448_application_payload());

  // The server's first record under its traffic secret is the NewSessionTicket, so its data
  // record is at sequence 1: this is the case that checks the nonce really takes the sequence.
  auto server = RecordDecryptor::tls13(kAes128GcmSha256, kServerApplicationSecret);
  ASSERT_NE(server, nullptr);
  EXPECT_FALSE(open(*server, kServerDataRecord).has_value()) << "seq 1 record must not open at seq 0";
  const auto ticket = open(*server, kNewSessionTicketRecord);
  ASSERT_TRUE(ticket.has_value());
  EXPECT_EQ(ticket->content_type, content_type::kHandshake);
  ASSERT_EQ(ticket->bytes.size(), 205u);  // 0xde - 16 (tag) - 1 (type)
  EXPECT_EQ(Bytes(ticket->bytes.begin(), ticket->bytes.begin() + 4), from_hex("04 00 00 c9"));
  const auto s = open(*server, kServerDataRecord);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->bytes, rfc8448_application_payload());
  EXPECT_EQ(server->sequence(), 2u);
}

TEST(Tls13Decrypt, FlippedBitFailsAndLeavesSequence) {
  auto d = RecordDecryptor::tls13(kAes128GcmSha256, kClientHandshakeSecret);
  ASSERT_NE(d, nullptr);
  for (std::size_t i = 0; i < kClientFinishedRecord.size(); ++i) {
    SCOPED_TRACE("byte " + std::to_string(i));
    Bytes tampered = kClientFinishedRecord;
    tampered[i] ^= 0x01;  // header bytes too: they are the AAD
    EXPECT_FALSE(open(*d, tampered).has_value());
    EXPECT_EQ(d->sequence(), 0u);
  }
  EXPECT_TRUE(open(*d, kClientFinishedRecord).has_value());
}

TEST(Tls13Decrypt, TruncatedRecordsFail) {
  auto d = RecordDecryptor::tls13(kAes128GcmSha256, kClientHandshakeSecret);
  ASSERT_NE(d, nullptr);
  const auto payload = payload_of(kClientFinishedRecord);
  for (std::size_t n = 0; n < payload.size(); ++n) {
    SCOPED_TRACE("payload bytes " + std::to_string(n));
    RecordHeader h = header_of(kClientFinishedRecord);
    h.length = static_cast<std::uint16_t>(n);  // a consistent header, so the length checks run
    EXPECT_FALSE(d->decrypt(h, payload.first(n)).has_value());
    EXPECT_FALSE(d->decrypt(h, payload.last(n)).has_value());
  }
  // A header that disagrees with the payload is malformed, even with the right bytes.
  RecordHeader h = header_of(kClientFinishedRecord);
  ++h.length;
  EXPECT_FALSE(d->decrypt(h, payload).has_value());
  EXPECT_EQ(d->sequence(), 0u);
}

// Seals |inner| (TLSInnerPlaintext) as RFC 8448's client would at |seq|, to build records the
// trace does not have: padded, empty, all zeros.
Bytes seal_client_record(const Bytes& inner, std::uint64_t seq) {
  Bytes record = test::record(content_type::kApplicationData, 0x0303, test::filled(inner.size() + 16, 0));
  const auto nonce = crypto::xor_nonce(kClientApplicationIv, seq);
  std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  EXPECT_EQ(EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, kClientApplicationKey.data(), nonce.data()), 1);
  EXPECT_EQ(EVP_EncryptUpdate(ctx.get(), nullptr, &n, record.data(), 5), 1);
  EXPECT_EQ(EVP_EncryptUpdate(ctx.get(), record.data() + 5, &n, inner.data(), static_cast<int>(inner.size())), 1);
  EXPECT_EQ(EVP_EncryptFinal_ex(ctx.get(), record.data() + 5 + inner.size(), &n), 1);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, 16, record.data() + 5 + inner.size()), 1);
  return record;
}

TEST(Tls13Decrypt, InnerPlaintextPadding) {
  struct Case {
    const char* what;
    Bytes inner;  // content || type || zeros (RFC 8446 §5.2)
    std::optional<std::uint8_t> type;
    Bytes content;
  };
  const Case cases[] = {
      {"no padding", from_hex("61 62 63 17"), 23, from_hex("61 62 63")},
      {"three zeros of padding", from_hex("61 00 62 16 00 00 00"), 22, from_hex("61 00 62")},
      {"empty content, padded", from_hex("15 00 00"), 21, {}},
      {"all zeros: no content type", from_hex("00 00 00 00"), std::nullopt, {}},
      {"one zero", from_hex("00"), std::nullopt, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto d = RecordDecryptor::tls13(kAes128GcmSha256, kClientApplicationSecret);
    ASSERT_NE(d, nullptr);
    const auto plain = open(*d, seal_client_record(c.inner, 0));
    ASSERT_EQ(plain.has_value(), c.type.has_value());
    if (!plain) {
      EXPECT_EQ(d->sequence(), 0u) << "a malformed record leaves the state alone";
      continue;
    }
    EXPECT_EQ(plain->content_type, *c.type);
    EXPECT_EQ(plain->bytes, c.content);
    EXPECT_EQ(d->sequence(), 1u);
  }
}

TEST(Tls13Decrypt, KnownAnswersForEachSuite) {
  for (const auto& v : vectors::kTls13Vectors) {
    SCOPED_TRACE(v.name);
    auto client_hs = RecordDecryptor::tls13(v.suite, from_hex(v.client_handshake_traffic_secret));
    auto client = RecordDecryptor::tls13(v.suite, from_hex(v.client_traffic_secret_0));
    auto server = RecordDecryptor::tls13(v.suite, from_hex(v.server_traffic_secret_0));
    ASSERT_TRUE(client_hs && client && server);
    const auto fin = open(*client_hs, from_hex(v.client_finished_record));
    ASSERT_TRUE(fin.has_value());
    EXPECT_EQ(fin->content_type, content_type::kHandshake);
    EXPECT_EQ(fin->bytes, from_hex(v.client_finished));
    const auto c = open(*client, from_hex(v.client_data_record));
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->content_type, content_type::kApplicationData);
    EXPECT_EQ(c->bytes, test::text_bytes("GET /index.html HTTP/1.1"));
    const auto s = open(*server, from_hex(v.server_data_record));
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->bytes, test::text_bytes("HTTP/1.1 204 No Content, and a few more bytes"));
    // And each tag is checked: the last byte flipped fails.
    Bytes tampered = from_hex(v.client_data_record);
    tampered.back() ^= 0x80;
    auto fresh = RecordDecryptor::tls13(v.suite, from_hex(v.client_traffic_secret_0));
    EXPECT_FALSE(open(*fresh, tampered).has_value());
  }
}

TEST(Tls13Decrypt, RejectsSuitesAndSecretsThatDoNotFit) {
  EXPECT_EQ(RecordDecryptor::tls13(kAes128GcmSha256, Bytes(48, 1)), nullptr);  // SHA-256 suite, 48 bytes
  EXPECT_EQ(RecordDecryptor::tls13(0x1302, Bytes(32, 1)), nullptr);            // SHA-384 suite, 32 bytes
  EXPECT_EQ(RecordDecryptor::tls13(0xc02f, Bytes(32, 1)), nullptr);            // a TLS 1.2 suite
  EXPECT_EQ(RecordDecryptor::tls13(0xc0b4, Bytes(32, 1)), nullptr);            // integrity-only (RFC 9150)
  EXPECT_EQ(RecordDecryptor::tls13(0x1234, Bytes(32, 1)), nullptr);            // unassigned
  for (std::uint16_t suite = 0x1301; suite <= 0x1305; ++suite) {
    SCOPED_TRACE(suite);
    EXPECT_NE(RecordDecryptor::tls13(suite, Bytes(suite == 0x1302 ? 48 : 32, 1)), nullptr);
  }
}

// ---- TLS 1.0-1.2 -----------------------------------------------------------------------------

std::unique_ptr<RecordDecryptor> tls12_decryptor(const vectors::Tls12Vector& v, bool client_write,
                                                 bool encrypt_then_mac) {
  return RecordDecryptor::tls12(v.suite, v.version, from_hex(v.master_secret), random_from_hex(v.client_random),
                                random_from_hex(v.server_random), client_write, encrypt_then_mac);
}

// Decrypts each direction's records in order and compares with the expected plaintexts.
void check_known_answers(const vectors::Tls12Vector& v) {
  auto client = tls12_decryptor(v, true, v.encrypt_then_mac);
  auto server = tls12_decryptor(v, false, v.encrypt_then_mac);
  ASSERT_TRUE(client && server);
  for (std::size_t i = 0; i < v.records.size(); ++i) {
    const vectors::RecordCase& r = v.records[i];
    SCOPED_TRACE("record " + std::to_string(i));
    RecordDecryptor& d = r.from_client ? *client : *server;
    const std::uint64_t seq = d.sequence();
    const auto plain = open(d, from_hex(r.record));
    ASSERT_TRUE(plain.has_value());
    EXPECT_EQ(plain->content_type, r.content_type);
    EXPECT_EQ(plain->bytes, from_hex(r.plaintext));
    EXPECT_EQ(d.sequence(), seq + 1);
  }
}

TEST(Tls12Decrypt, KnownAnswers) {
  for (const auto& v : vectors::kTls12Vectors) {
    SCOPED_TRACE(v.name);
    check_known_answers(v);
  }
}

TEST(Tls12Decrypt, Rc4WithTheLegacyProvider) {
  // RC4 lives in libcrypto's legacy provider; without it the suite has no decryptor. Loaded with
  // the implicit default provider kept (retain_fallbacks), and unloaded after: the other tests
  // see libcrypto as it was.
  OSSL_PROVIDER* legacy = OSSL_PROVIDER_try_load(nullptr, "legacy", 1);
  if (legacy == nullptr) GTEST_SKIP() << "libcrypto's legacy provider is not installed";
  check_known_answers(vectors::kRc4Vector);
  // A record that fails its MAC must not move the key stream: the next good record still opens.
  auto d = tls12_decryptor(vectors::kRc4Vector, true, false);
  ASSERT_NE(d, nullptr);
  Bytes tampered = from_hex(vectors::kRc4Vector.records[0].record);
  tampered.back() ^= 1;
  EXPECT_FALSE(open(*d, tampered).has_value());
  EXPECT_TRUE(open(*d, from_hex(vectors::kRc4Vector.records[0].record)).has_value());
  EXPECT_TRUE(open(*d, from_hex(vectors::kRc4Vector.records[1].record)).has_value());
  d.reset();
  OSSL_PROVIDER_unload(legacy);
}

TEST(Tls12Decrypt, FlippedBitFailsAndLeavesState) {
  for (const auto& v : vectors::kTls12Vectors) {
    SCOPED_TRACE(v.name);
    const vectors::RecordCase& first = v.records[0];
    auto d = tls12_decryptor(v, first.from_client, v.encrypt_then_mac);
    ASSERT_NE(d, nullptr);
    const Bytes record = from_hex(first.record);
    // Every payload byte, and the header's type, version and length (MAC input / AAD).
    for (std::size_t i = 0; i < record.size(); ++i) {
      Bytes tampered = record;
      tampered[i] ^= 0x10;
      EXPECT_FALSE(open(*d, tampered).has_value()) << "byte " << i;
    }
    EXPECT_EQ(d->sequence(), 0u);
    // Nothing moved (sequence, TLS 1.0's chained IV): the records still open in order.
    for (const auto& r : v.records) {
      if (r.from_client != first.from_client) continue;
      EXPECT_TRUE(open(*d, from_hex(r.record)).has_value());
    }
  }
}

TEST(Tls12Decrypt, TruncatedRecordsFail) {
  for (const auto& v : vectors::kTls12Vectors) {
    SCOPED_TRACE(v.name);
    const vectors::RecordCase& first = v.records[0];
    auto d = tls12_decryptor(v, first.from_client, v.encrypt_then_mac);
    ASSERT_NE(d, nullptr);
    const Bytes record = from_hex(first.record);
    const auto payload = payload_of(record);
    for (std::size_t n = 0; n < payload.size(); ++n) {
      RecordHeader h = header_of(record);
      h.length = static_cast<std::uint16_t>(n);  // consistent, so the length checks run
      EXPECT_FALSE(d->decrypt(h, payload.first(n)).has_value()) << n << " payload bytes";
      EXPECT_FALSE(d->decrypt(h, payload.last(n)).has_value()) << "last " << n << " payload bytes";
    }
    EXPECT_EQ(d->sequence(), 0u);
  }
}

TEST(Tls12Decrypt, WrongDirectionOrMacOrderFails) {
  for (const auto& v : vectors::kTls12Vectors) {
    SCOPED_TRACE(v.name);
    const vectors::RecordCase& first = v.records[0];
    const Bytes record = from_hex(first.record);
    auto other_side = tls12_decryptor(v, !first.from_client, v.encrypt_then_mac);
    ASSERT_NE(other_side, nullptr);
    EXPECT_FALSE(open(*other_side, record).has_value());
    // RFC 7366 changes the record format of CBC suites only.
    auto other_order = tls12_decryptor(v, first.from_client, !v.encrypt_then_mac);
    ASSERT_NE(other_order, nullptr);
    const bool cbc = crypto::suite_params(v.suite)->bulk->kind == crypto::BulkKind::Cbc;
    EXPECT_EQ(open(*other_order, record).has_value(), !cbc);
  }
}

TEST(Tls12Decrypt, NullForWhatItCannotDecrypt) {
  const Bytes master(48, 7);
  const Random cr{}, sr{};
  struct Case {
    const char* what;
    std::uint16_t suite;
    std::uint16_t version;
    std::size_t master_length;
  };
  const Case cases[] = {
      {"SSL 3.0", 0xc013, 0x0300, 48},
      {"DTLS 1.2", 0xc02f, 0xfefd, 48},
      {"TLS 1.3 version", 0xc02f, 0x0304, 48},
      {"master secret of 47 bytes", 0xc02f, 0x0303, 47},
      {"TLS 1.3 suite", 0x1301, 0x0303, 48},
      {"GCM suite in TLS 1.1 (AEAD needs TLS 1.2)", 0xc02f, 0x0302, 48},
      {"export RC4_40_MD5", 0x0003, 0x0301, 48},
      {"export DES40_CBC_SHA", 0x0008, 0x0301, 48},
      {"Camellia-GCM (not in libcrypto)", 0xc07a, 0x0303, 48},
      {"GOST KUZNYECHIK_CTR_OMAC", 0xc100, 0x0303, 48},
      {"renegotiation SCSV", 0x00ff, 0x0303, 48},
      {"unassigned", 0x1234, 0x0303, 48},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const auto secret = std::span<const std::uint8_t>(master).first(c.master_length);
    EXPECT_EQ(RecordDecryptor::tls12(c.suite, c.version, secret, cr, sr, true, false), nullptr);
  }
}

TEST(Tls12Decrypt, EverySuiteOfTheRegistryIsAnsweredWithoutCrashing) {
  // Each suite either decrypts (and then rejects a record of zeros) or says it cannot.
  const Bytes master(48, 7);
  const Random cr{}, sr{};
  const Bytes zeros(64, 0);
  const RecordHeader h{content_type::kApplicationData, 0x0303, 64};
  std::size_t supported = 0;
  for (const CipherSuiteInfo& info : cipher_suite_table()) {
    SCOPED_TRACE(std::string(info.name));
    auto d = RecordDecryptor::tls12(info.code, 0x0303, master, cr, sr, false, true);
    if (!d) continue;
    ++supported;
    const bool null_null = info.code == 0x0000;  // no MAC at all: anything passes
    EXPECT_EQ(d->decrypt(h, zeros).has_value(), null_null);
  }
  // The AES, ChaCha20, ARIA, Camellia-CBC, 3DES and NULL suites of the registry: 260 of its
  // 356 rows with libcrypto 3.0's default provider (RC4, DES, IDEA, SEED need the legacy one).
  EXPECT_GE(supported, 250u);
}

TEST(SuiteParams, ReadOffTheIanaName) {
  struct Case {
    std::uint16_t suite;
    const char* evp_name;  // nullptr: NULL cipher
    const char* mac;       // nullptr: AEAD or no MAC
    const char* prf;
    std::size_t tag;
  };
  const Case cases[] = {
      {0xc02f, "AES-128-GCM", nullptr, "SHA256", 16},              // ECDHE_RSA_WITH_AES_128_GCM_SHA256
      {0xc030, "AES-256-GCM", nullptr, "SHA384", 16},              // ECDHE_RSA_WITH_AES_256_GCM_SHA384
      {0xc09c, "AES-128-CCM", nullptr, "SHA256", 16},              // RSA_WITH_AES_128_CCM (no hash: SHA-256)
      {0xc0a0, "AES-128-CCM", nullptr, "SHA256", 8},               // RSA_WITH_AES_128_CCM_8
      {0xcca8, "ChaCha20-Poly1305", nullptr, "SHA256", 16},        // ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
      {0x000a, "DES-EDE3-CBC", "SHA1", "SHA256", 0},               // RSA_WITH_3DES_EDE_CBC_SHA
      {0xc028, "AES-256-CBC", "SHA384", "SHA384", 0},              // ECDHE_RSA_WITH_AES_256_CBC_SHA384
      {0x003b, nullptr, "SHA256", "SHA256", 0},                    // RSA_WITH_NULL_SHA256
      {0x0004, "RC4", "MD5", "SHA256", 0},                         // RSA_WITH_RC4_128_MD5
      {0x1305, "AES-128-CCM", nullptr, "SHA256", 8},               // AES_128_CCM_8_SHA256 (TLS 1.3)
      {0x1302, "AES-256-GCM", nullptr, "SHA384", 16},              // AES_256_GCM_SHA384 (TLS 1.3)
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.suite);
    const auto p = crypto::suite_params(c.suite);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->bulk->evp_name == nullptr ? std::string("NULL") : p->bulk->evp_name,
              c.evp_name == nullptr ? std::string("NULL") : c.evp_name);
    EXPECT_EQ(p->mac == nullptr ? std::string("-") : p->mac->digest, c.mac == nullptr ? std::string("-") : c.mac);
    EXPECT_STREQ(p->prf_digest, c.prf);
    EXPECT_EQ(p->bulk->tag_length, c.tag);
  }
  // TLS_NULL_WITH_NULL_NULL: no cipher, no MAC.
  const auto null_null = crypto::suite_params(0x0000);
  ASSERT_TRUE(null_null.has_value());
  EXPECT_EQ(null_null->mac, nullptr);
  EXPECT_EQ(null_null->bulk->kind, crypto::BulkKind::Null);
}

}  // namespace
}  // namespace tlsdiag::tls
