// libcrypto behind the small types of record_crypto.h. Each type fetches its algorithm and sets
// its key once; per record only the IV (or nonce) and the data change.
#include "tls/record_crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <algorithm>
#include <climits>
#include <string>

namespace tlsdiag::tls::crypto {
namespace {

constexpr std::size_t kAeadNonceLength = 12;  // every TLS AEAD (RFC 5116 §3.2, RFC 8446 §5.3)

// EVP lengths are int; records are far smaller, but a caller's span is not ours to trust.
bool fits_int(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX); }

// A failed libcrypto call leaves entries in the thread's error queue; drop them so they do not
// surface in an unrelated later call (the X.509 code reads that queue).
bool failed() {
  ERR_clear_error();
  return false;
}

// OSSL_PARAM wants non-const pointers to data it only reads.
OSSL_PARAM octets(const char* key, ByteSpan bytes) {
  return OSSL_PARAM_construct_octet_string(key, const_cast<std::uint8_t*>(bytes.data()), bytes.size());
}
OSSL_PARAM utf8(const char* key, const char* value) {
  return OSSL_PARAM_construct_utf8_string(key, const_cast<char*>(value), 0);
}

Bytes derive(const char* kdf_name, OSSL_PARAM* params, std::size_t length) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, kdf_name, nullptr));
  KdfCtxPtr ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  Bytes out(length);
  if (!ctx || EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    failed();
    return {};
  }
  return out;
}

// A cipher context keyed for decryption, or nullptr when libcrypto lacks |evp_name| (or its
// provider is not loaded), the key does not fit it, or it is not of |mode|.
CipherCtxPtr keyed_context(const char* evp_name, ByteSpan key, int mode) {
  CipherPtr cipher(EVP_CIPHER_fetch(nullptr, evp_name, nullptr));
  if (!cipher || EVP_CIPHER_get_mode(cipher.get()) != mode ||
      EVP_CIPHER_get_key_length(cipher.get()) != static_cast<int>(key.size())) {
    ERR_clear_error();
    return nullptr;
  }
  // The context keeps its own reference to the fetched cipher.
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_DecryptInit_ex2(ctx.get(), cipher.get(), key.data(), nullptr, nullptr) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return ctx;
}

}  // namespace

Bytes hkdf_expand(const char* digest, ByteSpan prk, ByteSpan info, std::size_t length) {
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  OSSL_PARAM params[] = {
      utf8(OSSL_KDF_PARAM_DIGEST, digest),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      octets(OSSL_KDF_PARAM_KEY, prk),
      octets(OSSL_KDF_PARAM_INFO, info),
      OSSL_PARAM_construct_end(),
  };
  return derive("HKDF", params, length);
}

Bytes tls_prf(const char* digest, ByteSpan secret, std::string_view label, ByteSpan seed_a, ByteSpan seed_b,
              std::size_t length) {
  // RFC 5246 §5: PRF(secret, label, seed) = P_<hash>(secret, label + seed).
  Bytes seed(label.begin(), label.end());
  seed.insert(seed.end(), seed_a.begin(), seed_a.end());
  seed.insert(seed.end(), seed_b.begin(), seed_b.end());
  OSSL_PARAM params[] = {
      utf8(OSSL_KDF_PARAM_DIGEST, digest),
      octets(OSSL_KDF_PARAM_SECRET, secret),
      octets(OSSL_KDF_PARAM_SEED, seed),
      OSSL_PARAM_construct_end(),
  };
  return derive("TLS1-PRF", params, length);
}

std::array<std::uint8_t, 12> xor_nonce(ByteSpan iv, std::uint64_t seq) {
  std::array<std::uint8_t, 12> nonce{};
  std::copy_n(iv.begin(), std::min(iv.size(), nonce.size()), nonce.begin());
  for (std::size_t i = 0; i < 8; ++i) nonce[nonce.size() - 1 - i] ^= static_cast<std::uint8_t>(seq >> (8 * i));
  return nonce;
}

// ---- Aead -----------------------------------------------------------------------------------

std::optional<Aead> Aead::create(const char* evp_name, ByteSpan key, std::size_t tag_length) {
  CipherPtr cipher(EVP_CIPHER_fetch(nullptr, evp_name, nullptr));
  if (!cipher || EVP_CIPHER_get_key_length(cipher.get()) != static_cast<int>(key.size()) || !fits_int(tag_length)) {
    ERR_clear_error();
    return std::nullopt;
  }
  const bool ccm = EVP_CIPHER_get_mode(cipher.get()) == EVP_CIPH_CCM_MODE;
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  // IV and (for CCM) tag length are set before the key: CCM derives its parameters from them.
  const bool ok = ctx && EVP_DecryptInit_ex2(ctx.get(), cipher.get(), nullptr, nullptr, nullptr) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(kAeadNonceLength), nullptr) == 1 &&
                  (!ccm || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_length),
                                               nullptr) == 1) &&
                  EVP_DecryptInit_ex2(ctx.get(), nullptr, key.data(), nullptr, nullptr) == 1;
  if (!ok) {
    ERR_clear_error();
    return std::nullopt;
  }
  return Aead(std::move(ctx), ccm);
}

bool Aead::open(ByteSpan nonce, ByteSpan aad, ByteSpan ciphertext, ByteSpan tag, Bytes& plaintext) {
  if (nonce.size() != kAeadNonceLength || !fits_int(aad.size()) || !fits_int(ciphertext.size()) ||
      !fits_int(tag.size()))
    return false;
  EVP_CIPHER_CTX* c = ctx_.get();
  auto* tag_bytes = const_cast<std::uint8_t*>(tag.data());  // copied by libcrypto, not written
  const int tag_size = static_cast<int>(tag.size());
  const int text_size = static_cast<int>(ciphertext.size());
  int n = 0;
  if (EVP_DecryptInit_ex2(c, nullptr, nullptr, nonce.data(), nullptr) != 1) return failed();
  // CCM (RFC 3610) authenticates the lengths first: it takes tag and data length up front and
  // verifies in the data call; GCM and ChaCha20-Poly1305 verify in the final call.
  if (ccm_ && (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, tag_size, tag_bytes) != 1 ||
               EVP_DecryptUpdate(c, nullptr, &n, nullptr, text_size) != 1))
    return failed();
  if (!aad.empty() && EVP_DecryptUpdate(c, nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1)
    return failed();
  // An empty record still has to run the data call (CCM verifies there); libcrypto reads a null
  // output pointer as "this is AAD", so point it at a spare byte.
  std::uint8_t spare[EVP_MAX_BLOCK_LENGTH] = {};
  plaintext.resize(ciphertext.size());
  std::uint8_t* out = plaintext.empty() ? spare : plaintext.data();
  const std::uint8_t* in = ciphertext.empty() ? spare : ciphertext.data();
  if (EVP_DecryptUpdate(c, out, &n, in, text_size) <= 0 || n != text_size) return failed();
  if (ccm_) return true;
  if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, tag_size, tag_bytes) != 1) return failed();
  return EVP_DecryptFinal_ex(c, spare, &n) == 1 || failed();
}

// ---- CbcCipher ------------------------------------------------------------------------------

std::optional<CbcCipher> CbcCipher::create(const char* evp_name, ByteSpan key) {
  CipherCtxPtr ctx = keyed_context(evp_name, key, EVP_CIPH_CBC_MODE);
  if (!ctx) return std::nullopt;
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  const int block = EVP_CIPHER_CTX_get_block_size(ctx.get());
  if (block <= 1) return std::nullopt;
  return CbcCipher(std::move(ctx), static_cast<std::size_t>(block));
}

bool CbcCipher::decrypt(ByteSpan iv, ByteSpan ciphertext, Bytes& plaintext) {
  if (iv.size() != block_size_ || ciphertext.empty() || ciphertext.size() % block_size_ != 0 ||
      !fits_int(ciphertext.size()))
    return false;
  EVP_CIPHER_CTX* c = ctx_.get();
  int n = 0;
  plaintext.resize(ciphertext.size());
  if (EVP_DecryptInit_ex2(c, nullptr, nullptr, iv.data(), nullptr) != 1 ||
      EVP_DecryptUpdate(c, plaintext.data(), &n, ciphertext.data(), static_cast<int>(ciphertext.size())) != 1)
    return failed();
  return static_cast<std::size_t>(n) == ciphertext.size();
}

// ---- StreamCipher ---------------------------------------------------------------------------

std::optional<StreamCipher> StreamCipher::create(const char* evp_name, ByteSpan key) {
  CipherCtxPtr ctx = keyed_context(evp_name, key, EVP_CIPH_STREAM_CIPHER);
  if (!ctx) return std::nullopt;
  return StreamCipher(std::move(ctx));
}

bool StreamCipher::decrypt(ByteSpan ciphertext, Bytes& plaintext) {
  if (!fits_int(ciphertext.size())) return false;
  pending_.reset(EVP_CIPHER_CTX_new());
  if (!pending_ || EVP_CIPHER_CTX_copy(pending_.get(), ctx_.get()) != 1) return failed();
  plaintext.resize(ciphertext.size());
  if (ciphertext.empty()) return true;
  int n = 0;
  if (EVP_DecryptUpdate(pending_.get(), plaintext.data(), &n, ciphertext.data(),
                        static_cast<int>(ciphertext.size())) != 1)
    return failed();
  return static_cast<std::size_t>(n) == ciphertext.size();
}

// ---- Hmac -----------------------------------------------------------------------------------

std::optional<Hmac> Hmac::create(const char* digest, ByteSpan key) {
  MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  MacCtxPtr ctx(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
  OSSL_PARAM params[] = {utf8(OSSL_MAC_PARAM_DIGEST, digest), OSSL_PARAM_construct_end()};
  if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  const std::size_t size = EVP_MAC_CTX_get_mac_size(ctx.get());
  if (size == 0 || size > EVP_MAX_MD_SIZE) return std::nullopt;
  return Hmac(std::move(ctx), size);
}

bool Hmac::verify(std::initializer_list<ByteSpan> parts, ByteSpan expected) const {
  if (expected.size() != size_) return false;
  MacCtxPtr ctx(EVP_MAC_CTX_dup(keyed_.get()));
  if (!ctx) return failed();
  for (ByteSpan part : parts) {
    if (!part.empty() && EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) return failed();
  }
  std::uint8_t mac[EVP_MAX_MD_SIZE];
  std::size_t n = 0;
  if (EVP_MAC_final(ctx.get(), mac, &n, sizeof mac) != 1 || n != size_) return failed();
  return CRYPTO_memcmp(mac, expected.data(), n) == 0;
}

}  // namespace tlsdiag::tls::crypto
