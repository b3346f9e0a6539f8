#pragma once
// Certificate check: the server's certificate chain as seen in clear (TLS <= 1.2, or TLS 1.3 once
// decrypted) parsed with OpenSSL libcrypto and judged at the capture's time, not today's:
// validity window, server name (SNI) against the SANs with RFC 6125 wildcard rules, chain order
// and linkage, weak keys and signatures, and optionally trust against a CA store.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tlsdiag/analysis/flow_record.h"
#include "tlsdiag/util/timestamp.h"

struct x509_store_st;  // OpenSSL's X509_STORE; only certificate_check.cpp sees libcrypto.

namespace tlsdiag::analysis {

// CertificateInfo: one parsed certificate. On a parse failure parse_error is set, error says
// why, and the fields hold whatever was read before the failure.
struct CertificateInfo {
  std::string subject, issuer;     // RFC 2253 order and escaping, UTF-8: "CN=a.example,O=Org"
  std::string serial_hex;          // lower-case hex as `openssl x509 -serial` prints it: "1001"
  std::string sha256_fingerprint;  // lower-case hex of SHA-256 over the DER, no separators
  std::vector<std::string> dns_names, ip_addresses;  // subjectAltName; IPv6 as RFC 5952 text
  std::string common_name;         // the subject's last (most specific) CN, "" when none
  // Validity in ns since the epoch, clamped to what a Timestamp holds (1677..2262): a notAfter of
  // 9999-12-31 (RFC 5280 §4.1.2.5 "no well-defined expiration") reads as 2262-04-11.
  Timestamp not_before, not_after;
  std::string key_type;            // "RSA", "RSA-PSS", "EC", "DSA", "Ed25519", "Ed448", ...
  int key_bits = 0;
  std::string signature_algorithm; // OpenSSL long name: "sha256WithRSAEncryption"
  bool is_ca = false;              // X509_check_ca: basicConstraints CA, or a v1 self-signed root
  bool self_signed = false;        // issuer == subject and the signature verifies with own key
  bool parse_error = false;
  std::string error;
};

// Never fails: garbage, truncated or empty input gives parse_error with a reason.
CertificateInfo parse_certificate_der(std::span<const std::uint8_t> der);

// CertificateFindings: a chain judged at capture time against the server name. Flags describe
// the leaf unless they say otherwise; warnings are plain sentences for the report.
struct CertificateFindings {
  // In the order sent, leaf first. Shared with the certificate cache, and so with every flow that
  // was sent the same certificate: a flow's findings point to them rather than copy them.
  std::vector<std::shared_ptr<const CertificateInfo>> chain;
  bool any = false;                    // a chain was seen
  std::string server_name;             // the SNI judged against ("" = none, no name check)
  Timestamp capture_time;              // the time the chain was judged at
  bool expired = false, not_yet_valid = false;  // leaf, at capture time
  bool hostname_mismatch = false;      // SNI present, matched neither by SANs nor by CN (no SAN)
  bool self_signed_leaf = false;
  bool chain_broken = false;           // a certificate is not issued by the next one sent
  // The last certificate sent is neither a CA nor self-signed: its issuer (an intermediate, or a
  // root the client may trust) was not sent. "Likely": without the client's store we cannot tell
  // a missing intermediate from a leaf issued directly by a private root. Not set when the
  // handshake completed (that client had the issuer) or the chain verified against the store.
  bool missing_intermediate = false;
  bool weak_key = false;               // any certificate: RSA/DSA < 2048 bits, EC < 224 bits
  bool weak_signature = false;         // any non-self-signed certificate: MD2/MD4/MD5/SHA-1
  std::optional<bool> trusted;         // set only when a store was given
  std::string trust_error;             // OpenSSL's reason when trusted == false
  std::vector<std::string> warnings;

  // One sentence naming the first problem, e.g. "the certificate for example.com expired on
  // 2024-01-02 (capture time 2024-03-01)"; "" when the chain shows no problem.
  std::string summary() const;
};

// What the chain is judged against.
struct ChainContext {
  std::string server_name;        // SNI; "" skips the name check
  Timestamp capture_time;
  bool handshake_completed = false;  // problems become "the client accepted ..." warnings
};

// CertificateCache: parsed certificates by their DER bytes. A server sends the same chain to every
// client, and parsing one (d2i_X509 and its key lookups) costs more than all the rest of a flow,
// so a pipeline keeps one cache and parses each distinct certificate once. It finds interned
// bytes (util/shared_bytes.h) by their address, others by content. Bounded: cleared when it holds
// kMaxEntries either way or kMaxBytes of certificates. Not shared between threads (one per
// pipeline).
class CertificateCache {
 public:
  static constexpr std::size_t kMaxEntries = 1024;      // by address, and by content
  static constexpr std::size_t kMaxBytes = 16u << 20;   // of certificates held, in all
  CertificateCache();
  ~CertificateCache();
  CertificateCache(const CertificateCache&) = delete;
  CertificateCache& operator=(const CertificateCache&) = delete;
  std::size_t size() const;  // distinct certificates held
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Judges |certificates| (leaf first). |store| may be null; when given, trust is checked at
// capture time for the TLS server purpose. Validity-period errors do not make a chain
// untrusted: they are reported by expired / not_yet_valid and in warnings.
CertificateFindings check_chain(std::span<const CertificateRecord> certificates,
                                const ChainContext& context, x509_store_st* store = nullptr,
                                CertificateCache* cache = nullptr);

// The flow's chain against its SNI, at the time of the Certificate message (first_seen when
// that step was not kept).
CertificateFindings check_chain(const FlowRecord& flow, x509_store_st* store = nullptr,
                                CertificateCache* cache = nullptr);

// TrustStore: an owned X509_STORE for the trust check, filled from a CA bundle (PEM), a hashed
// CA directory (`openssl rehash`), and/or OpenSSL's default system paths. Loading happens at
// start-up: failures throw std::runtime_error naming the path.
class TrustStore {
 public:
  TrustStore();
  ~TrustStore();
  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;

  void add_file(const std::string& path);  // --ca-file
  void add_dir(const std::string& path);   // --ca-path
  void add_system_default();               // --trust system
  x509_store_st* get() const;

 private:
  struct Deleter { void operator()(x509_store_st* store) const; };
  std::unique_ptr<x509_store_st, Deleter> store_;
};

}  // namespace tlsdiag::analysis
