// TLS 1.0-1.2 record protection: the key block (RFC 5246 §6.3), AEAD records (RFC 5246
// §6.2.3.3 with RFC 5288 / RFC 6655 / RFC 7905 nonces), CBC records with MAC-then-encrypt
// (RFC 5246 §6.2.3.2, RFC 2246 §6.2.3.2 for TLS 1.0's chained IV) or encrypt-then-MAC (RFC 7366),
// and stream / NULL records (RFC 5246 §6.2.3.1).
#include <algorithm>
#include <array>
#include <utility>

#include "tls/record_crypto.h"
#include "tlsdiag/tls/record_protection.h"
#include "tlsdiag/util/byte_reader.h"

namespace tlsdiag::tls {
namespace {

using crypto::BulkKind;
using crypto::ByteSpan;
using crypto::Bytes;

constexpr std::uint16_t kTls10 = 0x0301;
constexpr std::uint16_t kTls11 = 0x0302;
constexpr std::uint16_t kTls12 = 0x0303;
constexpr std::size_t kExplicitNonceLength = 8;  // RFC 5288 §3, RFC 6655 §3

// RFC 5246 §6.2.3.1 (MAC input) and §6.2.3.3 (additional_data):
//   seq_num || TLSCompressed.type || TLSCompressed.version || length.
std::array<std::uint8_t, 13> sequence_header(std::uint64_t seq, const RecordHeader& header, std::size_t length) {
  std::array<std::uint8_t, 13> out{};
  for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(seq >> (56 - 8 * i));
  out[8] = header.content_type;
  out[9] = static_cast<std::uint8_t>(header.version >> 8);
  out[10] = static_cast<std::uint8_t>(header.version);
  out[11] = static_cast<std::uint8_t>(length >> 8);
  out[12] = static_cast<std::uint8_t>(length);
  return out;
}

struct KeyMaterial {
  Bytes mac_key, key, iv;
};

// RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random),
// cut into client_write_MAC_key, server_write_MAC_key, client_write_key, server_write_key,
// client_write_IV, server_write_IV. TLS 1.0/1.1 use the MD5+SHA-1 PRF of RFC 2246 §5.
std::optional<KeyMaterial> key_material(const crypto::SuiteParams& suite, std::uint16_t version, ByteSpan master,
                                        const Random& client_random, const Random& server_random,
                                        bool client_write) {
  const std::size_t mac_length = suite.mac != nullptr ? suite.mac->size : 0;
  const std::size_t total = 2 * (mac_length + suite.bulk->key_length + suite.bulk->fixed_iv_length);
  if (total == 0) return KeyMaterial{};  // TLS_NULL_WITH_NULL_NULL
  const char* prf = version >= kTls12 ? suite.prf_digest : "MD5-SHA1";
  const Bytes block = crypto::tls_prf(prf, master, "key expansion", server_random, client_random, total);
  ByteReader reader(block);
  std::span<const std::uint8_t> mac[2], key[2], iv[2];  // [0] client_write, [1] server_write
  reader.read_bytes(mac_length, mac[0]);
  reader.read_bytes(mac_length, mac[1]);
  reader.read_bytes(suite.bulk->key_length, key[0]);
  reader.read_bytes(suite.bulk->key_length, key[1]);
  reader.read_bytes(suite.bulk->fixed_iv_length, iv[0]);
  reader.read_bytes(suite.bulk->fixed_iv_length, iv[1]);
  if (!reader.done()) return std::nullopt;
  const int side = client_write ? 0 : 1;
  return KeyMaterial{{mac[side].begin(), mac[side].end()},
                     {key[side].begin(), key[side].end()},
                     {iv[side].begin(), iv[side].end()}};
}

// RFC 5246 §6.2.3.2: the plaintext ends in padding_length + 1 bytes, each equal to padding_length.
bool strip_padding(Bytes& plain) {
  if (plain.empty()) return false;
  const std::size_t pad = plain.back();
  if (pad + 1 > plain.size()) return false;
  const auto start = plain.end() - static_cast<std::ptrdiff_t>(pad + 1);
  if (!std::all_of(start, plain.end(), [pad](std::uint8_t b) { return b == pad; })) return false;
  plain.erase(start, plain.end());
  return true;
}

// Checks and removes the MAC at the end of |plain| (MAC-then-encrypt and stream records).
bool strip_mac(const crypto::Hmac& mac, std::uint64_t seq, const RecordHeader& header, Bytes& plain) {
  if (plain.size() < mac.size()) return false;
  const std::size_t content = plain.size() - mac.size();
  const ByteSpan all(plain);
  if (!mac.verify({sequence_header(seq, header, content), all.first(content)}, all.subspan(content))) return false;
  plain.resize(content);
  return true;
}

class AeadDecryptor final : public RecordDecryptor {
 public:
  AeadDecryptor(crypto::Aead aead, Bytes iv, const crypto::BulkCipher& bulk)
      : aead_(std::move(aead)), iv_(std::move(iv)), tag_length_(bulk.tag_length),
        explicit_nonce_(bulk.tls12_nonce == crypto::NonceKind::ExplicitSalted) {}

  std::optional<Plaintext> decrypt(const RecordHeader& header, std::span<const std::uint8_t> payload) override {
    const std::size_t nonce_length = explicit_nonce_ ? kExplicitNonceLength : 0;
    if (header.length != payload.size() || payload.size() < nonce_length + tag_length_) return std::nullopt;
    ByteReader reader(payload);
    std::span<const std::uint8_t> record_nonce, ciphertext, tag;
    reader.read_bytes(nonce_length, record_nonce);
    reader.read_bytes(payload.size() - nonce_length - tag_length_, ciphertext);
    reader.read_bytes(tag_length_, tag);
    if (!reader.done()) return std::nullopt;
    std::array<std::uint8_t, 12> nonce{};
    if (explicit_nonce_) {
      // RFC 5288 §3: nonce = salt (client/server_write_IV) || GenericAEADCipher.nonce_explicit.
      std::copy(iv_.begin(), iv_.end(), nonce.begin());
      std::copy(record_nonce.begin(), record_nonce.end(), nonce.begin() + static_cast<std::ptrdiff_t>(iv_.size()));
    } else {
      nonce = crypto::xor_nonce(iv_, seq_);  // RFC 7905 §2
    }
    Plaintext out;
    out.content_type = header.content_type;
    if (!aead_.open(nonce, sequence_header(seq_, header, ciphertext.size()), ciphertext, tag, out.bytes))
      return std::nullopt;
    ++seq_;
    return out;
  }

 private:
  crypto::Aead aead_;
  Bytes iv_;
  std::size_t tag_length_;
  bool explicit_nonce_;
};

class CbcDecryptor final : public RecordDecryptor {
 public:
  CbcDecryptor(crypto::CbcCipher cipher, crypto::Hmac mac, Bytes key_block_iv, std::uint16_t version,
               bool encrypt_then_mac)
      : cipher_(std::move(cipher)), mac_(std::move(mac)), chained_iv_(std::move(key_block_iv)),
        explicit_iv_(version >= kTls11), encrypt_then_mac_(encrypt_then_mac) {}

  std::optional<Plaintext> decrypt(const RecordHeader& header, std::span<const std::uint8_t> payload) override {
    if (header.length != payload.size()) return std::nullopt;
    ByteSpan body = payload;
    if (encrypt_then_mac_) {
      // RFC 7366 §3: the MAC covers IV and ciphertext and is checked before anything is decrypted.
      if (payload.size() < mac_.size()) return std::nullopt;
      body = payload.first(payload.size() - mac_.size());
      if (!mac_.verify({sequence_header(seq_, header, body.size()), body}, payload.subspan(body.size())))
        return std::nullopt;
    }
    // RFC 4346 §6.2.3.2: from TLS 1.1 on each record starts with its IV; TLS 1.0 (RFC 2246
    // §6.2.3.2) continues from the last ciphertext block of the previous record.
    ByteReader reader(body);
    std::span<const std::uint8_t> iv = chained_iv_;
    if (explicit_iv_) reader.read_bytes(cipher_.block_size(), iv);
    const ByteSpan ciphertext = reader.rest();
    Plaintext out;
    out.content_type = header.content_type;
    if (reader.failed() || !cipher_.decrypt(iv, ciphertext, out.bytes) || !strip_padding(out.bytes))
      return std::nullopt;
    if (!encrypt_then_mac_ && !strip_mac(mac_, seq_, header, out.bytes)) return std::nullopt;
    if (!explicit_iv_) {
      const ByteSpan last = ciphertext.last(cipher_.block_size());
      chained_iv_.assign(last.begin(), last.end());
    }
    ++seq_;
    return out;
  }

 private:
  crypto::CbcCipher cipher_;
  crypto::Hmac mac_;
  Bytes chained_iv_;  // TLS 1.0 only
  bool explicit_iv_;
  bool encrypt_then_mac_;
};

// A stream cipher (RC4) or the NULL cipher, each with its MAC after the content.
class StreamDecryptor final : public RecordDecryptor {
 public:
  StreamDecryptor(std::optional<crypto::StreamCipher> cipher, std::optional<crypto::Hmac> mac)
      : cipher_(std::move(cipher)), mac_(std::move(mac)) {}

  std::optional<Plaintext> decrypt(const RecordHeader& header, std::span<const std::uint8_t> payload) override {
    if (header.length != payload.size()) return std::nullopt;
    Plaintext out;
    out.content_type = header.content_type;
    if (!cipher_) {
      out.bytes.assign(payload.begin(), payload.end());
    } else if (!cipher_->decrypt(payload, out.bytes)) {
      return std::nullopt;
    }
    if (mac_ && !strip_mac(*mac_, seq_, header, out.bytes)) return std::nullopt;
    if (cipher_) cipher_->commit();
    ++seq_;
    return out;
  }

 private:
  std::optional<crypto::StreamCipher> cipher_;  // nullopt: the NULL cipher
  std::optional<crypto::Hmac> mac_;             // nullopt: TLS_NULL_WITH_NULL_NULL
};

std::unique_ptr<RecordDecryptor> make_decryptor(const crypto::SuiteParams& suite, std::uint16_t version,
                                                KeyMaterial keys, bool encrypt_then_mac) {
  const crypto::BulkCipher& bulk = *suite.bulk;
  std::optional<crypto::Hmac> mac;
  if (suite.mac != nullptr && !(mac = crypto::Hmac::create(suite.mac->digest, keys.mac_key))) return nullptr;
  if (bulk.kind == BulkKind::Aead) {
    auto aead = crypto::Aead::create(bulk.evp_name, keys.key, bulk.tag_length);
    if (!aead) return nullptr;
    return std::make_unique<AeadDecryptor>(std::move(*aead), std::move(keys.iv), bulk);
  }
  if (bulk.kind == BulkKind::Cbc) {
    auto cipher = crypto::CbcCipher::create(bulk.evp_name, keys.key);
    if (!cipher || !mac) return nullptr;
    return std::make_unique<CbcDecryptor>(std::move(*cipher), std::move(*mac), std::move(keys.iv), version,
                                          encrypt_then_mac);
  }
  // RFC 7366 §3: encrypt-then-MAC applies to block ciphers only; stream and NULL ignore it.
  std::optional<crypto::StreamCipher> stream;
  if (bulk.kind == BulkKind::Stream && !(stream = crypto::StreamCipher::create(bulk.evp_name, keys.key)))
    return nullptr;
  return std::make_unique<StreamDecryptor>(std::move(stream), std::move(mac));
}

}  // namespace

std::unique_ptr<RecordDecryptor> RecordDecryptor::tls12(std::uint16_t suite, std::uint16_t version,
                                                        std::span<const std::uint8_t> master_secret,
                                                        const Random& client_random, const Random& server_random,
                                                        bool client_write, bool encrypt_then_mac) {
  // SSL 3.0 has its own MAC and key derivation, DTLS another record header: neither is handled.
  constexpr std::size_t kMasterSecretLength = 48;  // RFC 5246 §8.1
  if (version < kTls10 || version > kTls12 || master_secret.size() != kMasterSecretLength) return nullptr;
  const auto params = crypto::suite_params(suite);
  if (!params || params->tls13) return nullptr;
  // RFC 5288 §4, RFC 7905 §2: the AEAD suites exist from TLS 1.2 on.
  if (params->bulk->kind == BulkKind::Aead && version < kTls12) return nullptr;
  auto keys = key_material(*params, version, master_secret, client_random, server_random, client_write);
  if (!keys) return nullptr;
  return make_decryptor(*params, version, std::move(*keys), encrypt_then_mac);
}

}  // namespace tlsdiag::tls
