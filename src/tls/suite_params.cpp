// Record protection algorithms of a cipher suite, read off its IANA name (registry.h): the name
// "TLS_<kx>_WITH_<cipher>_<mac>" (TLS 1.3: "TLS_<cipher>_<hash>") says everything the record
// layer needs, so every suite in the registry is covered by the two token tables below.
#include <algorithm>
#include <optional>
#include <string_view>

#include "tls/record_crypto.h"
#include "tlsdiag/tls/registry.h"

namespace tlsdiag::tls::crypto {
namespace {

// libcrypto names that only its legacy provider has (RC4, DES, IDEA, SEED) fail to fetch unless
// that provider is loaded; their suites then get no decryptor. Camellia-GCM, GOST, SM4, AEGIS
// and the export ciphers are absent on purpose: libcrypto 3.0 cannot run them (or, for export,
// TLS derives their keys differently).
constexpr BulkCipher kBulkCiphers[] = {
    // token               libcrypto            kind              key iv tag  TLS 1.2 nonce
    {"NULL", nullptr, BulkKind::Null, 0, 0, 0, NonceKind::None},
    {"RC4_128", "RC4", BulkKind::Stream, 16, 0, 0, NonceKind::None},
    {"DES_CBC", "DES-CBC", BulkKind::Cbc, 8, 8, 0, NonceKind::None},
    {"3DES_EDE_CBC", "DES-EDE3-CBC", BulkKind::Cbc, 24, 8, 0, NonceKind::None},
    {"IDEA_CBC", "IDEA-CBC", BulkKind::Cbc, 16, 8, 0, NonceKind::None},
    {"SEED_CBC", "SEED-CBC", BulkKind::Cbc, 16, 16, 0, NonceKind::None},
    {"AES_128_CBC", "AES-128-CBC", BulkKind::Cbc, 16, 16, 0, NonceKind::None},
    {"AES_256_CBC", "AES-256-CBC", BulkKind::Cbc, 32, 16, 0, NonceKind::None},
    {"CAMELLIA_128_CBC", "CAMELLIA-128-CBC", BulkKind::Cbc, 16, 16, 0, NonceKind::None},
    {"CAMELLIA_256_CBC", "CAMELLIA-256-CBC", BulkKind::Cbc, 32, 16, 0, NonceKind::None},
    {"ARIA_128_CBC", "ARIA-128-CBC", BulkKind::Cbc, 16, 16, 0, NonceKind::None},
    {"ARIA_256_CBC", "ARIA-256-CBC", BulkKind::Cbc, 32, 16, 0, NonceKind::None},
    // RFC 5288 (GCM), RFC 6209 (ARIA-GCM), RFC 6655 (CCM): 4-byte salt + 8-byte explicit nonce.
    {"AES_128_GCM", "AES-128-GCM", BulkKind::Aead, 16, 4, 16, NonceKind::ExplicitSalted},
    {"AES_256_GCM", "AES-256-GCM", BulkKind::Aead, 32, 4, 16, NonceKind::ExplicitSalted},
    {"ARIA_128_GCM", "ARIA-128-GCM", BulkKind::Aead, 16, 4, 16, NonceKind::ExplicitSalted},
    {"ARIA_256_GCM", "ARIA-256-GCM", BulkKind::Aead, 32, 4, 16, NonceKind::ExplicitSalted},
    {"AES_128_CCM", "AES-128-CCM", BulkKind::Aead, 16, 4, 16, NonceKind::ExplicitSalted},
    {"AES_256_CCM", "AES-256-CCM", BulkKind::Aead, 32, 4, 16, NonceKind::ExplicitSalted},
    {"AES_128_CCM_8", "AES-128-CCM", BulkKind::Aead, 16, 4, 8, NonceKind::ExplicitSalted},
    {"AES_256_CCM_8", "AES-256-CCM", BulkKind::Aead, 32, 4, 8, NonceKind::ExplicitSalted},
    // RFC 7905 §2: a 12-byte IV XOR the sequence number, no explicit nonce.
    {"CHACHA20_POLY1305", "ChaCha20-Poly1305", BulkKind::Aead, 32, 12, 16, NonceKind::XorSequence},
};

// "SHA" is SHA-1 (RFC 5246 §A.5). "NULL" only in TLS_NULL_WITH_NULL_NULL, the state before the
// first ChangeCipherSpec.
constexpr MacAlgorithm kMacs[] = {
    {"NULL", nullptr, 0},
    {"MD5", "MD5", 16},
    {"SHA", "SHA1", 20},
    {"SHA256", "SHA256", 32},
    {"SHA384", "SHA384", 48},
};

// The bulk cipher |rest| starts with, as a whole token; the longest wins (AES_128_CCM_8 over
// AES_128_CCM). |tail| gets what follows it, without the separating '_'.
const BulkCipher* match_bulk(std::string_view rest, std::string_view& tail) {
  const BulkCipher* best = nullptr;
  for (const BulkCipher& b : kBulkCiphers) {
    if (!rest.starts_with(b.token)) continue;
    if (rest.size() != b.token.size() && rest[b.token.size()] != '_') continue;
    if (best == nullptr || b.token.size() > best->token.size()) best = &b;
  }
  if (best != nullptr) tail = rest.substr(std::min(rest.size(), best->token.size() + 1));
  return best;
}

const MacAlgorithm* match_mac(std::string_view token) {
  for (const MacAlgorithm& m : kMacs) {
    if (m.token == token) return &m;
  }
  return nullptr;
}

// The PRF / HKDF hash named by an AEAD suite's tail ("" for the CCM suites of RFC 6655, which
// use the TLS 1.2 default, SHA-256).
bool set_hash(std::string_view token, SuiteParams& out) {
  if (token.empty() || token == "SHA256") {
    out.prf_digest = "SHA256";
    out.hash_length = 32;
    return true;
  }
  if (token == "SHA384") {
    out.prf_digest = "SHA384";
    out.hash_length = 48;
    return true;
  }
  return false;
}

}  // namespace

std::optional<SuiteParams> suite_params(std::uint16_t suite) {
  const CipherSuiteInfo* info = find_cipher_suite(suite);
  if (info == nullptr || info->is_scsv) return std::nullopt;
  const std::string_view name = info->name;
  SuiteParams out;
  out.tls13 = info->tls13_only;
  std::string_view rest;
  if (out.tls13) {
    if (!name.starts_with("TLS_")) return std::nullopt;
    rest = name.substr(4);
  } else {
    const std::size_t with = name.find("_WITH_");
    // RFC 2246 §6.3: export suites shorten their keys with an extra PRF step; not supported.
    if (with == std::string_view::npos || name.find("_EXPORT") != std::string_view::npos) return std::nullopt;
    rest = name.substr(with + 6);
  }
  std::string_view tail;
  out.bulk = match_bulk(rest, tail);
  if (out.bulk == nullptr) return std::nullopt;
  if (out.bulk->kind == BulkKind::Aead) return set_hash(tail, out) ? std::optional(out) : std::nullopt;
  if (out.tls13) return std::nullopt;  // TLS 1.3 protects records with AEADs only
  out.mac = match_mac(tail);
  if (out.mac == nullptr) return std::nullopt;
  // RFC 5246 §5: SHA-256 unless the suite says otherwise; the *_SHA384 suites (RFC 5289 §3.2,
  // RFC 5487 §3.2, ...) use SHA-384.
  set_hash(out.mac->token == "SHA384" ? "SHA384" : "", out);
  if (out.mac->digest == nullptr) out.mac = nullptr;
  return out;
}

}  // namespace tlsdiag::tls::crypto
