#pragma once
// Internal to src/tls: what record protection (tlsdiag/tls/record_protection.h) needs from
// libcrypto, behind small RAII types, and the cipher suite table that picks the algorithms.
// Nothing here parses wire bytes; the decryptors do, with ByteReader.
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace tlsdiag::tls::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

// unique_ptr deleters for the libcrypto handles (each *_free accepts nullptr).
template <auto Free>
struct FreeWith {
  template <class T>
  void operator()(T* p) const { Free(p); }
};
using CipherPtr = std::unique_ptr<EVP_CIPHER, FreeWith<EVP_CIPHER_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, FreeWith<EVP_CIPHER_CTX_free>>;
using MacPtr = std::unique_ptr<EVP_MAC, FreeWith<EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, FreeWith<EVP_MAC_CTX_free>>;
using KdfPtr = std::unique_ptr<EVP_KDF, FreeWith<EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, FreeWith<EVP_KDF_CTX_free>>;

// ---- cipher suites -------------------------------------------------------------------------

enum class BulkKind : std::uint8_t { Null, Stream, Cbc, Aead };
enum class NonceKind : std::uint8_t {
  None,
  ExplicitSalted,  // RFC 5288 §3 / RFC 6655 §3: 4-byte salt from the key block + 8 bytes per record
  XorSequence,     // RFC 8446 §5.3, RFC 7905 §2: the IV XOR the padded sequence number
};

// One "<cipher>" of an IANA suite name "TLS_<kx>_WITH_<cipher>_<mac>" (TLS 1.3: "TLS_<cipher>_<hash>").
struct BulkCipher {
  std::string_view token;     // "AES_128_GCM"
  const char* evp_name;       // libcrypto's name, nullptr for NULL
  BulkKind kind;
  std::uint8_t key_length;
  std::uint8_t fixed_iv_length;  // key block IV bytes (CBC: the block size, used by TLS 1.0 only)
  std::uint8_t tag_length;       // AEAD only
  NonceKind tls12_nonce;
};

struct MacAlgorithm {
  std::string_view token;  // "SHA" (means SHA-1), "SHA256", ...
  const char* digest;      // libcrypto's name
  std::uint8_t size;
};

struct SuiteParams {
  const BulkCipher* bulk = nullptr;
  const MacAlgorithm* mac = nullptr;  // nullptr for AEAD suites and TLS_NULL_WITH_NULL_NULL
  const char* prf_digest = nullptr;   // TLS 1.2 PRF / TLS 1.3 HKDF hash: "SHA256" or "SHA384"
  std::uint8_t hash_length = 0;       // of prf_digest
  bool tls13 = false;
};

// Algorithms of |suite|, derived from its IANA name in the registry; nullopt for suites whose
// record protection this code does not know (export, GOST, Camellia-GCM, integrity-only ...).
std::optional<SuiteParams> suite_params(std::uint16_t suite);

// ---- key derivation --------------------------------------------------------------------------

// RFC 5869 §2.3 HKDF-Expand with |digest|; empty on failure.
Bytes hkdf_expand(const char* digest, ByteSpan prk, ByteSpan info, std::size_t length);
// The TLS PRF: RFC 2246 §5 with digest "MD5-SHA1" (TLS 1.0/1.1), RFC 5246 §5 with "SHA256" or
// "SHA384"; seed = |seed_a| || |seed_b|. Empty on failure.
Bytes tls_prf(const char* digest, ByteSpan secret, std::string_view label, ByteSpan seed_a, ByteSpan seed_b,
              std::size_t length);

// ---- primitives ----------------------------------------------------------------------------

// |iv| XOR the big-endian |seq| left-padded to the IV's length (RFC 8446 §5.3).
std::array<std::uint8_t, 12> xor_nonce(ByteSpan iv, std::uint64_t seq);

// An AEAD (AES-GCM, AES-CCM, ChaCha20-Poly1305) keyed once; each open() takes a 12-byte nonce.
class Aead {
 public:
  // nullopt when libcrypto lacks |evp_name| or the key length does not fit it.
  static std::optional<Aead> create(const char* evp_name, ByteSpan key, std::size_t tag_length);
  // Decrypts and authenticates; false (|plaintext| unspecified) when the tag does not verify.
  bool open(ByteSpan nonce, ByteSpan aad, ByteSpan ciphertext, ByteSpan tag, Bytes& plaintext);

 private:
  Aead(CipherCtxPtr ctx, bool ccm) : ctx_(std::move(ctx)), ccm_(ccm) {}
  CipherCtxPtr ctx_;
  bool ccm_;  // CCM takes its tag and total length before the data (RFC 3610)
};

// A block cipher in CBC mode keyed once, padding off (TLS checks its own padding).
class CbcCipher {
 public:
  static std::optional<CbcCipher> create(const char* evp_name, ByteSpan key);
  std::size_t block_size() const { return block_size_; }
  // Decrypts |ciphertext| (whole blocks) starting from |iv|.
  bool decrypt(ByteSpan iv, ByteSpan ciphertext, Bytes& plaintext);

 private:
  CbcCipher(CipherCtxPtr ctx, std::size_t block) : ctx_(std::move(ctx)), block_size_(block) {}
  CipherCtxPtr ctx_;
  std::size_t block_size_;
};

// A stream cipher (RC4) whose key stream runs across records. decrypt() works on a copy of the
// state; commit() keeps it, so a record that fails its MAC leaves the stream where it was.
class StreamCipher {
 public:
  static std::optional<StreamCipher> create(const char* evp_name, ByteSpan key);
  bool decrypt(ByteSpan ciphertext, Bytes& plaintext);
  void commit() { ctx_ = std::move(pending_); }

 private:
  explicit StreamCipher(CipherCtxPtr ctx) : ctx_(std::move(ctx)) {}
  CipherCtxPtr ctx_;
  CipherCtxPtr pending_;
};

// HMAC keyed once; each compute() MACs the concatenation of its parts.
class Hmac {
 public:
  static std::optional<Hmac> create(const char* digest, ByteSpan key);
  std::size_t size() const { return size_; }
  // True when the MAC of |parts| equals |expected| (compared in constant time).
  bool verify(std::initializer_list<ByteSpan> parts, ByteSpan expected) const;

 private:
  Hmac(MacCtxPtr keyed, std::size_t size) : keyed_(std::move(keyed)), size_(size) {}
  MacCtxPtr keyed_;  // each computation runs on a copy of this keyed state
  std::size_t size_;
};

}  // namespace tlsdiag::tls::crypto
