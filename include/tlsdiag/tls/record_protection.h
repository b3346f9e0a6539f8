#pragma once
// Record protection: decrypts the protected records of one direction of a TLS connection, given
// the secrets from a key log (keylog.h). libcrypto does the cryptography (EVP_KDF HKDF and
// TLS1-PRF, EVP AEAD and CBC ciphers, HMAC); this file only wires the TLS key schedule to it.
//   TLS 1.3 (RFC 8446 §7): key/iv = HKDF-Expand-Label(traffic secret, "key"/"iv", "", len);
//     nonce = iv XOR sequence number; AAD = the 5-byte record header; inner plaintext =
//     content || ContentType || zeros.
//   TLS 1.0-1.2 (RFC 5246 §6.3, RFC 5288, RFC 7905, RFC 6655): key block from the master secret
//     with the PRF; AEAD (GCM, CCM, ChaCha20-Poly1305) and CBC + HMAC (MAC-then-encrypt, or
//     encrypt-then-MAC per RFC 7366), stream RC4 where libcrypto still offers it.
// A record that does not authenticate is reported as such (nullopt) and the sequence number does
// not advance, so the caller may try the same record under the next key.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "tlsdiag/tls/keylog.h"
#include "tlsdiag/tls/record.h"

namespace tlsdiag::tls {

// RFC 8446 §7.1 HKDF-Expand-Label with the hash of |suite| (SHA-256 or SHA-384). Empty on an
// unknown suite. Exposed for tests against RFC 8448.
std::vector<std::uint8_t> hkdf_expand_label(std::uint16_t tls13_suite, std::span<const std::uint8_t> secret,
                                            std::string_view label, std::span<const std::uint8_t> context,
                                            std::size_t length);

struct Plaintext {
  std::uint8_t content_type = 0;     // TLS 1.3: the inner type; TLS <= 1.2: the record's type
  std::vector<std::uint8_t> bytes;   // padding, MAC and explicit nonce removed
};

class RecordDecryptor {
 public:
  // TLS 1.3 traffic keys for one direction. nullptr when |suite| is not a TLS 1.3 AEAD suite
  // libcrypto can run, or the secret's length does not fit the suite's hash.
  static std::unique_ptr<RecordDecryptor> tls13(std::uint16_t suite, std::span<const std::uint8_t> traffic_secret);

  // TLS 1.0-1.2 keys for one direction (|client_write|: the client's records, else the
  // server's). nullptr for suites it cannot decrypt (NULL cipher returns a pass-through
  // decryptor that still strips the MAC; export, GOST, ... return nullptr).
  static std::unique_ptr<RecordDecryptor> tls12(std::uint16_t suite, std::uint16_t version,
                                                std::span<const std::uint8_t> master_secret,
                                                const Random& client_random, const Random& server_random,
                                                bool client_write, bool encrypt_then_mac);

  virtual ~RecordDecryptor() = default;
  // Decrypts the next protected record of this direction (|header| as on the wire, |payload| its
  // bytes). nullopt when it does not authenticate or is malformed (header.length other than
  // payload.size() included); the state is then unchanged.
  virtual std::optional<Plaintext> decrypt(const RecordHeader& header, std::span<const std::uint8_t> payload) = 0;
  std::uint64_t sequence() const { return seq_; }

 protected:
  std::uint64_t seq_ = 0;
};

}  // namespace tlsdiag::tls
