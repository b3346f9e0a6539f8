#include "tlsdiag/tls/fingerprint.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "tlsdiag/tls/registry.h"

namespace tlsdiag::tls {

namespace {

constexpr std::uint16_t kServerName = 0x0000;          // RFC 6066 §3
constexpr std::uint16_t kAlpn = 0x0010;                // RFC 7301 §3.1
constexpr std::uint16_t kSupportedVersions = 0x002b;  // RFC 8446 §4.2.1
constexpr std::size_t kJa4HashChars = 12;
constexpr std::size_t kJa4MaxCount = 99;
constexpr std::string_view kJa4EmptyHash = "000000000000";
constexpr char kHexDigits[] = "0123456789abcdef";

// JA4.md "TLS and DTLS Version"; anything else is "00".
struct Ja4Version {
  std::uint16_t code;
  std::string_view text;
};
constexpr std::array<Ja4Version, 9> kJa4Versions = {{
    {version::kTls13, "13"}, {version::kTls12, "12"}, {version::kTls11, "11"},
    {version::kTls10, "10"}, {version::kSsl3, "s3"},  {version::kSsl2, "s2"},
    {0xfeff, "d1"},          {0xfefd, "d2"},          {0xfefc, "d3"},
}};

struct DigestContextFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// One digest context per thread, re-initialised for each hash: EVP_Digest makes and frees a
// context (and its provider state) per call, which cost 16 % of a run hashing two JA4 parts a flow.
EVP_MD_CTX* digest_context() {
  thread_local const std::unique_ptr<EVP_MD_CTX, DigestContextFree> ctx(EVP_MD_CTX_new());
  return ctx.get();
}

// The first |max_chars| hex digits of the digest (all of them by default); empty when the digest
// is not available (an OpenSSL configured without it).
std::string digest_hex(std::string_view text, const EVP_MD* md, std::size_t max_chars = EVP_MAX_MD_SIZE * 2) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  EVP_MD_CTX* ctx = digest_context();
  if (md == nullptr || ctx == nullptr || EVP_DigestInit_ex2(ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx, text.data(), text.size()) != 1 || EVP_DigestFinal_ex(ctx, out.data(), &length) != 1)
    return {};
  std::string hex;
  hex.reserve(std::min<std::size_t>(2 * length, max_chars));
  for (unsigned int i = 0; i < length && hex.size() < max_chars; ++i) {
    hex += kHexDigits[out[i] >> 4];
    if (hex.size() < max_chars) hex += kHexDigits[out[i] & 0x0f];
  }
  return hex;
}

// OpenSSL 3 looks an algorithm up in its provider tables on every EVP_Digest given EVP_md5() or
// EVP_sha256(), which costs as much as hashing a short string; so each is fetched once, and kept
// (constant, shared by every chain) until the process ends.
const EVP_MD* sha256_digest() {
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return sha256;
}

template <typename T>
std::vector<T> without_grease(const std::vector<T>& codes) {
  std::vector<T> out;
  out.reserve(codes.size());
  for (T code : codes)
    if (!is_grease(code)) out.push_back(code);
  return out;
}

// "47-53-5": JA3's decimal list.
template <typename T>
void append_decimal_list(std::string& out, const std::vector<T>& codes) {
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (i != 0) out += '-';
    out += std::to_string(codes[i]);
  }
}

// "002f,0035": JA4's list of 4-digit lower-case hex.
void append_hex_list(std::string& out, const std::vector<std::uint16_t>& codes) {
  out.reserve(out.size() + 5 * codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (i != 0) out += ',';
    for (int shift = 12; shift >= 0; shift -= 4) out += kHexDigits[(codes[i] >> shift) & 0x0f];
  }
}

bool has_extension(const ClientHello& hello, std::uint16_t type) {
  return std::ranges::find(hello.extensions, type) != hello.extensions.end();
}

// JA4.md: the highest supported_versions value without GREASE when the extension is there,
// else legacy_version (also when the list is empty or all GREASE). Compared as numbers, as the
// reference implementations do: a TLS 1.3 draft (0x7fxx) is then the highest, and unknown ("00").
std::string_view ja4_version(const ClientHello& hello) {
  std::uint16_t v = hello.legacy_version;
  const std::vector<std::uint16_t> offered = without_grease(hello.supported_versions);
  if (has_extension(hello, kSupportedVersions) && !offered.empty()) v = std::ranges::max(offered);
  for (const Ja4Version& row : kJa4Versions)
    if (row.code == v) return row.text;
  return "00";
}

// Two digits, capped at 99 (JA4.md "Number of Ciphers").
std::string two_digits(std::size_t n) {
  n = std::min(n, kJa4MaxCount);
  return {static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)};
}

bool ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// JA4.md: an empty list hashes to twelve zeros, not to SHA-256 of nothing.
std::string truncated_sha256(std::string_view text) {
  if (text.empty()) return std::string(kJa4EmptyHash);
  return digest_hex(text, sha256_digest(), kJa4HashChars);
}

}  // namespace

std::string md5_hex(std::string_view text) {
  // Fetched once, as sha256_digest.
  static const EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  return digest_hex(text, md5);
}

std::string sha256_hex(std::string_view text) { return digest_hex(text, sha256_digest()); }

std::optional<Fingerprint> ja3(const ClientHello& hello) {
  if (hello.sslv2_format) return std::nullopt;
  Fingerprint fp;
  std::string& s = fp.raw;
  s = std::to_string(hello.legacy_version) + ',';
  append_decimal_list(s, without_grease(hello.cipher_suites));
  s += ',';
  append_decimal_list(s, without_grease(hello.extensions));
  s += ',';
  append_decimal_list(s, without_grease(hello.groups));
  s += ',';
  append_decimal_list(s, hello.ec_point_formats);
  fp.hash = md5_hex(s);
  return fp;
}

std::optional<Fingerprint> ja3s(const ServerHello& hello) {
  // dissector.cpp marks an SSLv2 SERVER-HELLO with the SSLv2 record version; a TLS record header
  // never carries 0x0002.
  if (hello.record_version == version::kSsl2) return std::nullopt;
  Fingerprint fp;
  fp.raw = std::to_string(hello.legacy_version) + ',' + std::to_string(hello.cipher_suite) + ',';
  append_decimal_list(fp.raw, hello.extensions);
  fp.hash = md5_hex(fp.raw);
  return fp;
}

// JA4.md "ALPN Extension Value": the first and last characters of the first protocol; when
// either is not an ASCII letter or digit, the first and last characters of its hex instead.
std::string ja4_alpn(std::string_view first_protocol) {
  if (first_protocol.empty()) return "00";
  const auto first = static_cast<unsigned char>(first_protocol.front());
  const auto last = static_cast<unsigned char>(first_protocol.back());
  if (ascii_alnum(first) && ascii_alnum(last))
    return {static_cast<char>(first), static_cast<char>(last)};
  return {kHexDigits[first >> 4], kHexDigits[last & 0x0f]};
}

namespace {

// What ja4() reads of a hello, kept beside the fingerprint it gave.
struct Ja4Input {
  std::uint16_t legacy_version = 0;
  std::vector<std::uint16_t> supported_versions;
  std::vector<std::uint16_t> cipher_suites;
  std::vector<std::uint16_t> extensions;
  std::vector<std::uint16_t> signature_algorithms;
  std::string first_alpn;
};

std::string_view first_alpn(const ClientHello& hello) {
  return hello.alpn.empty() ? std::string_view() : std::string_view(hello.alpn.front());
}

bool same_input(const Ja4Input& in, const ClientHello& hello) {
  return in.legacy_version == hello.legacy_version && in.cipher_suites == hello.cipher_suites &&
         in.extensions == hello.extensions && in.signature_algorithms == hello.signature_algorithms &&
         in.supported_versions == hello.supported_versions && in.first_alpn == first_alpn(hello);
}

void mix_list(std::uint64_t& h, const std::vector<std::uint16_t>& codes) {
  for (std::uint16_t code : codes) h = (h ^ code) * 0x100000001b3ULL;
  h = (h ^ codes.size()) * 0x9e3779b97f4a7c15ULL;
}

std::uint64_t input_hash(const ClientHello& hello) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ hello.legacy_version;
  mix_list(h, hello.cipher_suites);
  mix_list(h, hello.extensions);
  mix_list(h, hello.signature_algorithms);
  mix_list(h, hello.supported_versions);
  for (char c : first_alpn(hello)) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

// Up to kJa4Memo hellos per thread, emptied when full: a client sends the same hello on every
// connection, and JA4 (two SHA-256, sorting, a dozen strings) was a twentieth of a one-thread run.
constexpr std::size_t kJa4Memo = 256;
struct Ja4Memo {
  Ja4Input input;
  Fingerprint fingerprint;
};

}  // namespace

Fingerprint ja4(const ClientHello& hello) {
  thread_local std::unordered_map<std::uint64_t, Ja4Memo> memo;
  const std::uint64_t key = input_hash(hello);
  if (auto it = memo.find(key); it != memo.end() && same_input(it->second.input, hello)) return it->second.fingerprint;
  Fingerprint fp = ja4_uncached(hello);
  if (memo.size() >= kJa4Memo) memo.clear();
  memo.insert_or_assign(key, Ja4Memo{Ja4Input{hello.legacy_version, hello.supported_versions, hello.cipher_suites,
                                              hello.extensions, hello.signature_algorithms,
                                              std::string(first_alpn(hello))},
                                     fp});
  return fp;
}

Fingerprint ja4_uncached(const ClientHello& hello) {
  std::vector<std::uint16_t> ciphers = without_grease(hello.cipher_suites);
  const std::vector<std::uint16_t> extensions = without_grease(hello.extensions);
  // JA4_a: t, version, d/i, counts (SNI and ALPN included), ALPN characters.
  std::string a = "t";
  a += ja4_version(hello);
  a += has_extension(hello, kServerName) ? 'd' : 'i';
  a += two_digits(ciphers.size());
  a += two_digits(extensions.size());
  a += ja4_alpn(hello.alpn.empty() ? std::string_view() : std::string_view(hello.alpn.front()));

  // JA4_b: the suites sorted.
  std::ranges::sort(ciphers);
  std::string b;
  append_hex_list(b, ciphers);

  // JA4_c: the extensions sorted, without SNI and ALPN (JA4_a has them), then '_' and the
  // signature algorithms in wire order; no '_' when there are none.
  std::vector<std::uint16_t> sorted;
  sorted.reserve(extensions.size());
  for (std::uint16_t type : extensions)
    if (type != kServerName && type != kAlpn) sorted.push_back(type);
  std::ranges::sort(sorted);
  std::string c;
  c.reserve(5 * (sorted.size() + hello.signature_algorithms.size()) + 1);
  append_hex_list(c, sorted);
  const std::vector<std::uint16_t> signatures = without_grease(hello.signature_algorithms);
  if (!signatures.empty()) {
    c += '_';
    append_hex_list(c, signatures);
  }

  Fingerprint fp;
  fp.raw.reserve(a.size() + b.size() + c.size() + 2);
  fp.raw.append(a).append(1, '_').append(b).append(1, '_').append(c);
  fp.hash.reserve(a.size() + 2 * kJa4HashChars + 2);
  fp.hash.append(a).append(1, '_').append(truncated_sha256(b)).append(1, '_');
  fp.hash.append(truncated_sha256(sorted.empty() ? "" : c));
  return fp;
}

}  // namespace tlsdiag::tls
