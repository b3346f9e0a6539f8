#include "tlsdiag/analysis/certificate_check.h"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tlsdiag/util/hex.h"

namespace tlsdiag::analysis {

namespace {

struct X509Free { void operator()(X509* x) const { X509_free(x); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct GeneralNamesFree { void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); } };
struct StoreCtxFree { void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); } };
struct StackFree { void operator()(STACK_OF(X509)* s) const { sk_X509_free(s); } };
using X509Ptr = std::unique_ptr<X509, X509Free>;

constexpr std::int64_t kNsPerSec = 1'000'000'000;
constexpr std::int64_t kSecPerDay = 86'400;
constexpr std::int64_t kNearExpiryDays = 30;

// Public-key algorithms by EVP_PKEY base id, with the size below which a key counts as weak
// (0: no size rule). NIST SP 800-57 / CA/B Forum baseline: RSA and DSA 2048, EC 224.
struct KeyTypeInfo { int id; const char* name; int min_bits; };
constexpr std::array kKeyTypes = {
    KeyTypeInfo{EVP_PKEY_RSA, "RSA", 2048},      KeyTypeInfo{EVP_PKEY_DSA, "DSA", 2048},
    KeyTypeInfo{EVP_PKEY_EC, "EC", 224},         KeyTypeInfo{EVP_PKEY_RSA_PSS, "RSA-PSS", 2048},
    KeyTypeInfo{EVP_PKEY_ED25519, "Ed25519", 0}, KeyTypeInfo{EVP_PKEY_ED448, "Ed448", 0},
};

// Digests whose signatures are forgeable or deprecated for certificates (RFC 6151, SHA-1
// chosen-prefix collisions; CA/B Forum BR §7.1.3).
struct WeakDigest { int nid; const char* name; };
constexpr std::array kWeakDigests = {
    WeakDigest{NID_md2, "MD2"}, WeakDigest{NID_md4, "MD4"}, WeakDigest{NID_md5, "MD5"},
    WeakDigest{NID_md5_sha1, "MD5+SHA-1"}, WeakDigest{NID_sha1, "SHA-1"},
};

const KeyTypeInfo* key_type_info(std::string_view name) {
  const auto it = std::ranges::find_if(kKeyTypes, [&](const KeyTypeInfo& k) { return name == k.name; });
  return it != kKeyTypes.end() ? &*it : nullptr;
}

// The signature's digest when it is weak, else nullptr.
const WeakDigest* weak_digest(const CertificateInfo& info) {
  const int sig_nid = OBJ_ln2nid(info.signature_algorithm.c_str());
  int md_nid = NID_undef;
  if (sig_nid == NID_undef || OBJ_find_sigid_algs(sig_nid, &md_nid, nullptr) != 1) return nullptr;
  const auto it = std::ranges::find(kWeakDigests, md_nid, &WeakDigest::nid);
  return it != kWeakDigests.end() ? &*it : nullptr;
}

// First queued OpenSSL reason, then an empty queue: errors must not leak into later calls.
std::string openssl_reason(const char* fallback) {
  const unsigned long e = ERR_peek_error();
  const char* reason = e != 0 ? ERR_reason_error_string(e) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : fallback;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string name_text(const X509_NAME* name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  // RFC 2253 order and escaping, but UTF-8 kept as is rather than \XX-escaped.
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) return "";
  return bio_text(bio.get());
}

std::string utf8(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  const int n = ASN1_STRING_to_UTF8(&out, s);
  if (n < 0) return "";
  std::string text(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  OPENSSL_free(out);
  return text;
}

// RFC 6125 §6.4.4: when several CNs are present, the most specific (last) one.
std::string common_name(const X509_NAME* name) {
  int index = -1, last = -1;
  while ((index = X509_NAME_get_index_by_NID(name, NID_commonName, index)) >= 0) last = index;
  if (last < 0) return "";
  return utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
  const int len = ASN1_STRING_length(ip);
  char text[INET6_ADDRSTRLEN] = {};
  const int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
  if (family == 0 || inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text) == nullptr)
    return "invalid(" + std::to_string(len) + " bytes)";
  return text;
}

void read_alt_names(X509* x, CertificateInfo& info) {
  std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type == GEN_DNS) info.dns_names.push_back(utf8(gn->d.dNSName));
    if (gn->type == GEN_IPADD) info.ip_addresses.push_back(ip_text(gn->d.iPAddress));
  }
}

// notBefore/notAfter as a Timestamp, clamped to the int64 nanosecond range.
std::optional<Timestamp> to_timestamp(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;  // null would mean "now"
  using namespace std::chrono;
  const year_month_day date{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                            day{static_cast<unsigned>(tm.tm_mday)}};
  const std::int64_t days_since_epoch = sys_days{date}.time_since_epoch().count();
  const std::int64_t sec = days_since_epoch * kSecPerDay + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
  constexpr std::int64_t kMaxSec = std::numeric_limits<std::int64_t>::max() / kNsPerSec;
  return Timestamp{std::clamp(sec, -kMaxSec, kMaxSec) * kNsPerSec};
}

void read_key(X509* x, CertificateInfo& info) {
  const EVP_PKEY* key = X509_get0_pubkey(x);
  if (key == nullptr) {  // an algorithm this OpenSSL cannot load: name it by its OID
    ERR_clear_error();
    ASN1_OBJECT* alg = nullptr;
    X509_PUBKEY_get0_param(&alg, nullptr, nullptr, nullptr, X509_get_X509_PUBKEY(x));
    char oid[80] = {};
    if (alg != nullptr) OBJ_obj2txt(oid, sizeof oid, alg, 0);
    info.key_type = oid[0] != '\0' ? oid : "unknown";
    return;
  }
  const int id = EVP_PKEY_get_base_id(key);
  const auto it = std::ranges::find(kKeyTypes, id, &KeyTypeInfo::id);
  const char* sn = OBJ_nid2sn(id);
  info.key_type = it != kKeyTypes.end() ? it->name : sn != nullptr ? sn : "unknown";
  info.key_bits = EVP_PKEY_get_bits(key);
}

std::string signature_name(const X509* x) {
  const int nid = X509_get_signature_nid(x);
  if (const char* ln = nid != NID_undef ? OBJ_nid2ln(nid) : nullptr) return ln;
  const X509_ALGOR* alg = nullptr;
  X509_get0_signature(nullptr, &alg, x);
  const ASN1_OBJECT* oid = nullptr;
  if (alg != nullptr) X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
  char text[80] = {};
  if (oid != nullptr) OBJ_obj2txt(text, sizeof text, oid, 1);
  return text;
}

std::string serial_hex(const X509* x) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr);
  char* hex = bn != nullptr ? BN_bn2hex(bn) : nullptr;
  std::string text = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  std::ranges::transform(text, text.begin(), [](char c) { return c >= 'A' && c <= 'F' ? char(c - 'A' + 'a') : c; });
  return text;
}

CertificateInfo describe(X509* x) {
  CertificateInfo info;
  info.subject = name_text(X509_get_subject_name(x));
  info.issuer = name_text(X509_get_issuer_name(x));
  info.common_name = common_name(X509_get_subject_name(x));
  info.serial_hex = serial_hex(x);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (X509_digest(x, EVP_sha256(), md, &md_len) == 1) info.sha256_fingerprint = hex_bytes({md, md_len});
  read_alt_names(x, info);
  read_key(x, info);
  info.signature_algorithm = signature_name(x);
  info.is_ca = X509_check_ca(x) != 0;
  info.self_signed = X509_self_signed(x, 1) == 1;
  const auto not_before = to_timestamp(X509_get0_notBefore(x));
  const auto not_after = to_timestamp(X509_get0_notAfter(x));
  if (not_before) info.not_before = *not_before;
  if (not_after) info.not_after = *not_after;
  if (!not_before || !not_after) {
    info.parse_error = true;
    info.error = "invalid validity time";
  }
  ERR_clear_error();
  return info;
}

using Digest = std::array<std::uint8_t, 32>;  // SHA-256 of a certificate's DER

struct Parsed {
  std::shared_ptr<X509> x509;  // null when the DER did not parse; shared with the cache
  CertificateInfo info;
  bool times_ok = false;  // notBefore and notAfter were read
  Digest digest{};        // names the certificate in the cache of verified links
};
// A chain as sent, leaf first; shared with the cache, so a cached certificate is not copied.
using Chain = std::vector<std::shared_ptr<const Parsed>>;

// Whether one certificate's signature verifies with another's key, by the pair's digests. An RSA
// verification costs more than the rest of a flow, and a server sends the same chain to every
// client. Keyed by digests, not X509 pointers: those are reused once the parse cache drops them.
// Digests are uniform: any 8 bytes of one hash it well.
std::size_t digest_word(const std::uint8_t* digest) {
  std::size_t word = 0;
  std::memcpy(&word, digest, sizeof word);
  return word;
}

class LinkCache {
 public:
  static constexpr std::size_t kMaxEntries = 4096;
  template <typename Verify>
  bool get(const Digest& subject, const Digest& issuer, Verify verify) {
    Key key;
    std::ranges::copy(subject, key.begin());
    std::ranges::copy(issuer, key.begin() + subject.size());
    if (const auto it = links_.find(key); it != links_.end()) return it->second;
    if (links_.size() >= kMaxEntries) links_.clear();
    return links_.emplace(key, verify()).first->second;
  }

 private:
  using Key = std::array<std::uint8_t, 64>;
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return digest_word(k.data()) ^ (digest_word(k.data() + 32) * 0x9e3779b97f4a7c15ULL);
    }
  };
  std::unordered_map<Key, bool, KeyHash> links_;
};

// Whether a leaf certificate names a host, by the leaf's digest and the name: X509_check_host
// decodes the subjectAltName extension again on every call (eight allocations in OpenSSL, every
// flow), and a server sends the same leaf for the same name to every client. A leaf's names are
// few: they are searched in a list of at most kNamesPerLeaf (a capture that sends one leaf with
// ever new names is checked without the cache past that, not searched through thousands).
class NameCache {
 public:
  static constexpr std::size_t kMaxEntries = 4096;
  static constexpr std::size_t kNamesPerLeaf = 16;
  template <typename Check>
  bool get(const Digest& leaf, std::string_view name, Check check) {
    const auto it = names_.find(leaf);
    if (it != names_.end()) {
      for (const auto& [known, matches] : it->second)
        if (known == name) return matches;
      if (it->second.size() >= kNamesPerLeaf) return check();
    }
    const bool matches = check();
    if (entries_ >= kMaxEntries) {
      names_.clear();
      entries_ = 0;
    }
    names_[leaf].emplace_back(std::string(name), matches);
    ++entries_;
    return matches;
  }

 private:
  struct DigestHash {
    std::size_t operator()(const Digest& d) const { return digest_word(d.data()); }
  };
  std::unordered_map<Digest, std::vector<std::pair<std::string, bool>>, DigestHash> names_;
  std::size_t entries_ = 0;
};

Parsed parse(std::span<const std::uint8_t> der) {
  Parsed p;
  if (der.empty()) {
    p.info.parse_error = true;
    p.info.error = "no certificate bytes (empty, or not kept past the capture cap)";
    return p;
  }
  const unsigned char* cursor = der.data();
  const long len = static_cast<long>(std::min<std::size_t>(der.size(), LONG_MAX));
  p.x509.reset(d2i_X509(nullptr, &cursor, len), X509Free{});
  if (!p.x509) {
    p.info.parse_error = true;
    p.info.error = "not a DER certificate: " + openssl_reason("ASN.1 decoding failed");
    return p;
  }
  p.info = describe(p.x509.get());
  p.times_ok = !p.info.parse_error;
  unsigned int digest_len = 0;
  X509_digest(p.x509.get(), EVP_sha256(), p.digest.data(), &digest_len);
  // A TLS certificate_list entry holds exactly one certificate (RFC 5246 §7.4.2).
  const auto used = static_cast<std::size_t>(cursor - der.data());
  if (used < der.size()) {
    p.info.parse_error = true;
    const std::size_t extra = der.size() - used;
    p.info.error = std::to_string(extra) + (extra == 1 ? " byte" : " bytes") + " after the certificate";
  }
  return p;
}

std::string date_text(Timestamp ts) { return format_rfc3339(ts).substr(0, 10); }

// Two dates for a sentence: with the time of day when they fall on the same day.
std::pair<std::string, std::string> two_dates(Timestamp a, Timestamp b) {
  if (date_text(a) != date_text(b)) return {date_text(a), date_text(b)};
  auto full = [](Timestamp t) { return format_rfc3339(t).substr(0, 19) + "Z"; };
  return {full(a), full(b)};
}

std::string label(const std::vector<std::shared_ptr<const CertificateInfo>>& chain, std::size_t i) {
  const CertificateInfo& c = *chain[i];
  const std::string who = !c.common_name.empty() ? c.common_name : c.subject;
  std::string text = i == 0 ? "the leaf certificate" : "certificate " + std::to_string(i + 1);
  return who.empty() ? text : text + " (" + who + ")";
}

bool is_ip_literal(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// RFC 6125 §6.4: DNS SANs, or the CN when there is no DNS SAN; wildcard only as the whole
// left-most label, matching exactly one label (§6.4.3; no "f*.example.com").
bool matches_name(X509* leaf, std::string name) {
  if (!name.empty() && name.back() == '.') name.pop_back();  // absolute form names the same host
  const int rc = is_ip_literal(name)
                     ? X509_check_ip_asc(leaf, name.c_str(), 0)
                     : X509_check_host(leaf, name.data(), name.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr);
  ERR_clear_error();
  return rc == 1;
}

bool verify_issued_by(X509* subject, X509* issuer) {
  const bool ok = X509_check_issued(issuer, subject) == X509_V_OK &&
                  X509_verify(subject, X509_get0_pubkey(issuer)) == 1;
  ERR_clear_error();
  return ok;
}

bool issued_by(const Parsed& subject, const Parsed& issuer, LinkCache* links) {
  auto verify = [&] { return verify_issued_by(subject.x509.get(), issuer.x509.get()); };
  return links != nullptr ? links->get(subject.digest, issuer.digest, verify) : verify();
}

void check_validity(const Parsed& leaf, Timestamp now, CertificateFindings& f) {
  if (!leaf.times_ok) return;
  f.expired = now > leaf.info.not_after;
  f.not_yet_valid = now < leaf.info.not_before;
  if (f.expired || f.not_yet_valid) return;
  // now <= not_after, but the two may be 2^63 ns or more apart (certificate times go to 2262,
  // capture times back to 1823): the difference is taken unsigned, where it fits.
  const std::uint64_t ns_left = static_cast<std::uint64_t>(leaf.info.not_after.ns) - static_cast<std::uint64_t>(now.ns);
  const auto days_left = static_cast<std::int64_t>(ns_left / kNsPerSec / kSecPerDay);
  if (days_left < kNearExpiryDays)
    f.warnings.push_back(days_left == 0 ? "leaf certificate expires in less than a day (at capture time)"
                                        : "leaf certificate expires in " + std::to_string(days_left) +
                                              (days_left == 1 ? " day" : " days") + " (at capture time)");
}

void check_issuer_validity(const Chain& chain, Timestamp now, CertificateFindings& f) {
  for (std::size_t i = 1; i < chain.size(); ++i) {
    if (!chain[i]->times_ok) continue;
    const CertificateInfo& c = chain[i]->info;
    if (now > c.not_after)
      f.warnings.push_back(label(f.chain, i) + " expired on " + date_text(c.not_after) + " (at capture time)");
    else if (now < c.not_before)
      f.warnings.push_back(label(f.chain, i) + " is not valid before " + date_text(c.not_before) + " (at capture time)");
  }
}

// RFC 5246 §7.4.2: each certificate certifies the one before it. Then follow issuers among the
// certificates sent (any order) from the leaf to the last one whose issuer was not sent. When the
// handshake completed, the client had that issuer: nothing is reported missing. Returns the
// warning for a missing intermediate, added only if the trust check does not clear it.
std::string check_linkage(const Chain& chain, bool completed, LinkCache* links,
                          CertificateFindings& f) {
  auto sent_issuer = [&](std::size_t i) -> std::optional<std::size_t> {
    for (std::size_t j = 0; j < chain.size(); ++j)
      if (j != i && chain[j]->x509 && issued_by(*chain[i], *chain[j], links)) return j;
    return std::nullopt;
  };
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
    if (!chain[i]->x509 || !chain[i + 1]->x509 || issued_by(*chain[i], *chain[i + 1], links)) continue;
    f.chain_broken = true;
    const auto j = sent_issuer(i);
    f.warnings.push_back(j ? label(f.chain, i) + " is issued by " + label(f.chain, *j) +
                                 ", not by the next one: the chain is out of order"
                           : label(f.chain, i) + " is not issued by the next certificate sent (" +
                                 f.chain[i + 1]->subject + ")");
  }
  std::size_t top = 0;
  std::vector<bool> seen(chain.size());
  for (auto next = sent_issuer(0); next && !seen[*next] && !chain[top]->info.self_signed; next = sent_issuer(top)) {
    seen[top] = true;
    top = *next;
  }
  const CertificateInfo& c = chain[top]->info;
  if (completed || !chain[top]->x509 || c.self_signed || c.is_ca) return "";
  f.missing_intermediate = true;
  return "the server likely did not send an intermediate certificate: the issuer of " + label(f.chain, top) +
         ", " + c.issuer + ", is not in the chain";
}

void check_strength(const Chain& chain, CertificateFindings& f) {
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const CertificateInfo& c = chain[i]->info;
    if (!chain[i]->x509) continue;
    const KeyTypeInfo* key = key_type_info(c.key_type);
    if (key != nullptr && c.key_bits < key->min_bits) {
      f.weak_key = true;
      f.warnings.push_back(label(f.chain, i) + " has a " + std::to_string(c.key_bits) + "-bit " + c.key_type + " key");
    }
    // A self-signed certificate's own signature is never relied on (RFC 5280 §6.1: trust anchor).
    const WeakDigest* md = c.self_signed ? nullptr : weak_digest(c);
    if (md != nullptr) {
      f.weak_signature = true;
      f.warnings.push_back(label(f.chain, i) + " is signed with " + md->name + " (" + c.signature_algorithm + ")");
    }
  }
}

// Time errors are accepted here: the validity flags and warnings report them, so `trusted`
// answers only "does the chain lead to an anchor in the store".
int ignore_time_errors(int ok, X509_STORE_CTX* ctx) {
  switch (X509_STORE_CTX_get_error(ctx)) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return 1;
    default:
      return ok;
  }
}

void check_trust(const Chain& chain, Timestamp now, X509_STORE* store, CertificateFindings& f) {
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  for (std::size_t i = 1; i < chain.size(); ++i)
    if (chain[i]->x509) sk_X509_push(untrusted.get(), chain[i]->x509.get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store, chain[0]->x509.get(), untrusted.get()) != 1) {
    f.trusted = false;
    f.trust_error = openssl_reason("could not set up verification");
    return;
  }
  std::int64_t sec = now.ns / kNsPerSec;
  if (now.ns % kNsPerSec < 0) --sec;
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), static_cast<time_t>(sec));
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);  // what a TLS client checks
  X509_STORE_CTX_set_verify_cb(ctx.get(), ignore_time_errors);
  f.trusted = X509_verify_cert(ctx.get()) == 1;
  if (!*f.trusted) f.trust_error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  // Anchored in the store: whatever the server left out, this client could build the path.
  if (*f.trusted) f.missing_intermediate = false;
  ERR_clear_error();
}

std::string leaf_name(const CertificateFindings& f) {
  if (!f.server_name.empty()) return f.server_name;
  if (f.chain.empty()) return "";
  const CertificateInfo& leaf = *f.chain[0];
  if (!leaf.dns_names.empty()) return leaf.dns_names[0];
  return !leaf.common_name.empty() ? leaf.common_name : leaf.subject;
}

void add_accepted_warnings(CertificateFindings& f) {
  if (!f.expired && !f.not_yet_valid && !f.hostname_mismatch && !f.self_signed_leaf && f.trusted != false) return;
  const std::string name = leaf_name(f);
  if (f.expired) f.warnings.push_back("the client accepted an expired certificate for " + name);
  if (f.not_yet_valid) f.warnings.push_back("the client accepted a certificate for " + name + " that was not yet valid");
  if (f.hostname_mismatch)
    f.warnings.push_back("the client accepted a certificate that does not match the server name " + f.server_name +
                         " (no host name check?)");
  if (f.self_signed_leaf) f.warnings.push_back("the client accepted a self-signed certificate for " + name);
  if (f.trusted == false)
    f.warnings.push_back("the client accepted a certificate for " + name + " that the given CA store does not trust (" +
                         f.trust_error + ")");
}

std::string names_in(const CertificateInfo& leaf) {
  std::string text;
  for (const auto& n : leaf.dns_names) text += (text.empty() ? "" : ", ") + n;
  for (const auto& n : leaf.ip_addresses) text += (text.empty() ? "" : ", ") + n;
  if (text.empty()) text = leaf.common_name.empty() ? "no name" : "CN " + leaf.common_name;
  return text;
}

}  // namespace

CertificateInfo parse_certificate_der(std::span<const std::uint8_t> der) { return parse(der).info; }

// Looked up by a view of the DER bytes (heterogeneous lookup), so a hit copies nothing.
struct DerHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view der) const { return std::hash<std::string_view>{}(der); }
};

struct CertificateCache::Impl {
  struct Known {
    SharedBytes der;  // held, so that neither its address nor a key viewing it is reused
    std::shared_ptr<const Parsed> parsed;
  };
  // Interned bytes (tls::Dissector) by their address: a flow's certificates are found without
  // reading them again.
  std::unordered_map<const void*, Known> by_identity;
  // By content (keys view their entry's bytes), for bytes not seen by address: the interner
  // forgot them, another input's dissector interned its own copy, or nobody interned them.
  std::unordered_map<std::string_view, Known, DerHash, std::equal_to<>> by_der;
  std::size_t held_bytes = 0;  // the DER of both maps' entries, a shared buffer once per entry

  // Both maps start again past kMaxEntries each or kMaxBytes in all (the findings handed out
  // keep what they point to).
  void make_room(std::size_t adding) {
    if (by_identity.size() < kMaxEntries && by_der.size() < kMaxEntries && held_bytes + adding <= kMaxBytes) return;
    by_identity.clear();
    by_der.clear();
    held_bytes = 0;
  }
  LinkCache links;
  NameCache names;
};
CertificateCache::CertificateCache() : impl_(std::make_unique<Impl>()) {}
CertificateCache::~CertificateCache() = default;
std::size_t CertificateCache::size() const { return impl_->by_der.size(); }

namespace {

std::shared_ptr<const Parsed> parsed_by_content(const SharedBytes& der, CertificateCache::Impl& cache) {
  if (const auto it = cache.by_der.find(as_chars(der.span())); it != cache.by_der.end()) return it->second.parsed;
  auto parsed = std::make_shared<const Parsed>(parse(der.span()));
  cache.make_room(der.size());
  cache.by_der.emplace(as_chars(der.span()), CertificateCache::Impl::Known{der, parsed});  // the key views der's buffer, held by the entry
  cache.held_bytes += der.size();
  return parsed;
}

std::shared_ptr<const Parsed> cached_parse(const SharedBytes& der, CertificateCache* cache) {
  if (cache == nullptr || der.empty()) return std::make_shared<const Parsed>(parse(der.span()));
  auto& impl = cache->impl();
  if (const auto it = impl.by_identity.find(der.identity()); it != impl.by_identity.end()) return it->second.parsed;
  auto parsed = parsed_by_content(der, impl);
  impl.make_room(der.size());
  impl.by_identity.emplace(der.identity(), CertificateCache::Impl::Known{der, parsed});
  impl.held_bytes += der.size();
  return parsed;
}

}  // namespace

CertificateFindings check_chain(std::span<const CertificateRecord> certificates, const ChainContext& context,
                                x509_store_st* store, CertificateCache* cache) {
  CertificateFindings f;
  f.any = !certificates.empty();
  f.server_name = context.server_name;
  f.capture_time = context.capture_time;
  Chain chain;
  chain.reserve(certificates.size());
  f.chain.reserve(certificates.size());
  for (const CertificateRecord& record : certificates) {
    chain.push_back(cached_parse(record.der, cache));
    f.chain.emplace_back(chain.back(), &chain.back()->info);  // aliasing: shares the cache's entry
  }
  for (std::size_t i = 0; i < chain.size(); ++i)
    if (chain[i]->info.parse_error) f.warnings.push_back(label(f.chain, i) + " could not be parsed: " + chain[i]->info.error);
  if (chain.empty() || !chain[0]->x509) return f;

  X509* leaf = chain[0]->x509.get();
  check_validity(*chain[0], context.capture_time, f);
  if (!context.server_name.empty()) {
    auto check = [&] { return matches_name(leaf, context.server_name); };
    f.hostname_mismatch = !(cache != nullptr ? cache->impl().names.get(chain[0]->digest, context.server_name, check) : check());
  }
  f.self_signed_leaf = chain[0]->info.self_signed;
  check_issuer_validity(chain, context.capture_time, f);
  LinkCache* links = cache != nullptr ? &cache->impl().links : nullptr;
  const std::string missing = check_linkage(chain, context.handshake_completed, links, f);
  check_strength(chain, f);
  if (store != nullptr) check_trust(chain, context.capture_time, store, f);
  if (f.missing_intermediate) f.warnings.push_back(missing);
  if (context.handshake_completed) add_accepted_warnings(f);
  return f;
}

CertificateFindings check_chain(const FlowRecord& flow, x509_store_st* store, CertificateCache* cache) {
  ChainContext context;
  if (flow.client_hello) context.server_name = flow.client_hello->sni;
  context.capture_time = flow.first_seen;
  const auto step = std::ranges::find_if(flow.steps, [](const Step& s) {
    return s.kind == StepKind::Certificate && s.sender == Direction::ServerToClient;
  });
  if (step != flow.steps.end()) context.capture_time = step->ts;
  context.handshake_completed = flow.established;
  return check_chain(flow.certificates, context, store, cache);
}

std::string CertificateFindings::summary() const {
  if (!any || chain.empty()) return "";
  const std::string name = leaf_name(*this);
  const CertificateInfo& leaf = *chain[0];
  if (leaf.parse_error) return "the server's certificate could not be parsed: " + leaf.error;
  if (expired) {
    const auto [end, at] = two_dates(leaf.not_after, capture_time);
    return "the certificate for " + name + " expired on " + end + " (capture time " + at + ")";
  }
  if (not_yet_valid) {
    const auto [start, at] = two_dates(leaf.not_before, capture_time);
    return "the certificate for " + name + " is not valid before " + start + " (capture time " + at + ")";
  }
  if (hostname_mismatch)
    return "the certificate does not match the server name " + server_name + " (it names " + names_in(leaf) + ")";
  if (self_signed_leaf) return "the certificate for " + name + " is self-signed";
  if (trusted == false)
    return "the certificate chain for " + name + " is not trusted by the given CA store (" + trust_error + ")" +
           (missing_intermediate ? ", likely because the server did not send an intermediate certificate" : "");
  if (chain_broken) return "the certificate chain for " + name + " is out of order or contains an unrelated certificate";
  if (missing_intermediate)
    return "the server likely did not send the intermediate certificate for " + name + " (issuer " +
           chain.back()->issuer + " not in the chain)";
  if (weak_signature) return "the certificate chain for " + name + " uses a SHA-1 or MD5 signature";
  if (weak_key) return "the certificate chain for " + name + " has a weak key";
  return "";
}

void TrustStore::Deleter::operator()(x509_store_st* store) const { X509_STORE_free(store); }

TrustStore::TrustStore() : store_(X509_STORE_new()) {
  if (!store_) throw std::runtime_error("cannot create an X509 store: " + openssl_reason("out of memory"));
}
TrustStore::~TrustStore() = default;
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;

void TrustStore::add_file(const std::string& path) {
  if (X509_STORE_load_file(store_.get(), path.c_str()) != 1)
    throw std::runtime_error("cannot load CA file " + path + ": " + openssl_reason("no PEM certificate found"));
}

void TrustStore::add_dir(const std::string& path) {
  // Lookups in a hashed directory are lazy, so a wrong path would only show as "untrusted".
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) throw std::runtime_error("CA directory " + path + " is not a directory");
  if (X509_STORE_load_path(store_.get(), path.c_str()) != 1)
    throw std::runtime_error("cannot use CA directory " + path + ": " + openssl_reason("unknown error"));
}

void TrustStore::add_system_default() {
  if (X509_STORE_set_default_paths(store_.get()) != 1)
    throw std::runtime_error("cannot load the system CA store: " + openssl_reason("unknown error"));
}

x509_store_st* TrustStore::get() const { return store_.get(); }

}  // namespace tlsdiag::analysis
