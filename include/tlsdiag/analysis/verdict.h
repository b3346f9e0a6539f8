#pragma once
// Verdict vocabulary: status, who rejected, why, how sure. Names are the output spelling.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tlsdiag::analysis {

enum class Status : std::uint8_t { Ok, Failed, Incomplete, kCount };
enum class RejectedBy : std::uint8_t { Client, Server, Network, None, Unknown, kCount };
enum class Confidence : std::uint8_t { Certain, Likely, Unknown, kCount };

enum class Reason : std::uint8_t {
  Ok,
  ProtocolVersionMismatch,
  NoSharedCipher,
  InsufficientSecurity,
  NoSharedGroup,
  CertificateExpired,
  CertificateUntrusted,
  CertificateHostnameMismatch,
  CertificateRevoked,
  CertificateRejected,
  ClientCertificateRequired,
  SniUnrecognizedName,
  AlpnMismatch,
  InappropriateFallback,
  ProtocolError,
  PlaintextToTlsPort,
  TlsToPlaintextPort,
  NonTlsTraffic,
  TcpReset,
  NoServerResponse,
  ClientAbort,
  EncryptedAlert,
  OneSidedCapture,
  CaptureTruncated,
  OtherAlert,
  kCount
};

inline constexpr std::array<std::string_view, static_cast<std::size_t>(Status::kCount)> kStatusNames = {
    "ok", "failed", "incomplete"};
inline constexpr std::array<std::string_view, static_cast<std::size_t>(RejectedBy::kCount)>
    kRejectedByNames = {"client", "server", "network", "none", "unknown"};
inline constexpr std::array<std::string_view, static_cast<std::size_t>(Confidence::kCount)>
    kConfidenceNames = {"certain", "likely", "unknown"};
inline constexpr std::array<std::string_view, static_cast<std::size_t>(Reason::kCount)> kReasonNames = {
    "ok",
    "protocol_version_mismatch",
    "no_shared_cipher",
    "insufficient_security",
    "no_shared_group",
    "certificate_expired",
    "certificate_untrusted",
    "certificate_hostname_mismatch",
    "certificate_revoked",
    "certificate_rejected",
    "client_certificate_required",
    "sni_unrecognized_name",
    "alpn_mismatch",
    "inappropriate_fallback",
    "protocol_error",
    "plaintext_to_tls_port",
    "tls_to_plaintext_port",
    "non_tls_traffic",
    "tcp_reset",
    "no_server_response",
    "client_abort",
    "encrypted_alert",
    "one_sided_capture",
    "capture_truncated",
    "other_alert",
};

constexpr std::string_view name(Status s) { return kStatusNames[static_cast<std::size_t>(s)]; }
constexpr std::string_view name(RejectedBy r) { return kRejectedByNames[static_cast<std::size_t>(r)]; }
constexpr std::string_view name(Confidence c) { return kConfidenceNames[static_cast<std::size_t>(c)]; }
constexpr std::string_view name(Reason r) { return kReasonNames[static_cast<std::size_t>(r)]; }

struct Verdict {
  Status status = Status::Incomplete;
  RejectedBy rejected_by = RejectedBy::Unknown;
  Reason reason = Reason::CaptureTruncated;
  Confidence confidence = Confidence::Unknown;
  std::string explanation;   // one or two plain sentences naming versions / suites / names
  std::string remediation;   // what to change, on which side
  std::vector<std::string> evidence;  // short facts with packet numbers, e.g. "#5 server alert ..."
};

}  // namespace tlsdiag::analysis
