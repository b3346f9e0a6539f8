#include "alert_meaning.h"

#include <algorithm>
#include <array>

namespace tlsdiag::analysis {

namespace {
constexpr std::array kMeanings = {
    AlertMeaning{10, Reason::ProtocolError, "Check the server's TLS stack for a protocol bug (unexpected message).",
                 "Check the client's TLS stack for a protocol bug (unexpected message)."},
    AlertMeaning{20, Reason::ProtocolError, "Records failed integrity checks: look for a middlebox altering traffic or a stack bug.",
                 "Records failed integrity checks: look for a middlebox altering traffic or a stack bug."},
    AlertMeaning{22, Reason::ProtocolError, "The server sent an oversized record; check its TLS stack.",
                 "The client sent an oversized record; check its TLS stack."},
    AlertMeaning{40, Reason::NoSharedCipher, "Align the client's and server's cipher suites, groups and signature algorithms.",
                 "Enable on the server a cipher suite (and group / signature algorithm) the client offers, or update the client."},
    AlertMeaning{42, Reason::CertificateRejected, "Inspect the server certificate chain the client rejected.",
                 "Inspect the client certificate the server rejected."},
    AlertMeaning{43, Reason::CertificateRejected, "The server's certificate type or key is not supported by the client; reissue it.",
                 "The client's certificate type or key is not supported by the server; reissue it."},
    AlertMeaning{44, Reason::CertificateRevoked, "Replace the revoked server certificate.", "Replace the revoked client certificate."},
    AlertMeaning{45, Reason::CertificateExpired, "Renew the server certificate (or fix the client's clock).",
                 "Renew the client certificate (or fix the server's clock)."},
    AlertMeaning{46, Reason::CertificateRejected, "Check the server certificate chain: trust, name and validity.",
                 "Check the client certificate: trust, validity and key usage."},
    AlertMeaning{47, Reason::ProtocolError, "The server sent a field the client considers invalid; check the server's TLS stack.",
                 "The client sent a field the server considers invalid; check the client's TLS stack."},
    AlertMeaning{48, Reason::CertificateUntrusted, "Install the issuing CA in the client's trust store, or serve a chain that leads to a trusted root (include intermediates).",
                 "Issue the client certificate from a CA the server trusts, or add that CA to the server's client-CA list."},
    AlertMeaning{50, Reason::ProtocolError, "The client could not decode a server message; check the server's TLS stack.",
                 "The server could not decode a client message; check the client's TLS stack."},
    AlertMeaning{51, Reason::ProtocolError, "A signature or Finished check failed; look for a middlebox or key mismatch.",
                 "A signature or Finished check failed; look for a middlebox or key mismatch."},
    AlertMeaning{70, Reason::ProtocolVersionMismatch, "Enable on the server a TLS version the client accepts (TLS 1.2 or 1.3), or relax the client's minimum version.",
                 "Upgrade or configure the client to offer a TLS version the server accepts (TLS 1.2 or newer)."},
    AlertMeaning{71, Reason::InsufficientSecurity, "Strengthen the server's parameters (suites, DH/EC groups, key sizes) to the client's minimum.",
                 "Enable stronger cipher suites / groups on the client."},
    AlertMeaning{86, Reason::InappropriateFallback, "The client retried with a lower version after a failed attempt; fix the first failure (often a middlebox) instead of downgrading.",
                 "The client retried with a lower version after a failed attempt; fix the first failure (often a middlebox) instead of downgrading."},
    AlertMeaning{109, Reason::ProtocolError, "The server omitted an extension the client requires; check the server's TLS stack.",
                 "The client omitted an extension the server requires; check the client's TLS stack."},
    AlertMeaning{110, Reason::ProtocolError, "The server sent an extension the client did not offer; check the server's TLS stack.",
                 "The client sent an unsupported extension; check the client's TLS stack."},
    AlertMeaning{112, Reason::SniUnrecognizedName, "Use a server name the server is configured for.",
                 "Connect with a server name (SNI) the server has a certificate / virtual host for, or configure the server for this name."},
    AlertMeaning{116, Reason::ClientCertificateRequired, "The client requires something the server did not send.",
                 "Configure the client with a certificate (and key) the server accepts."},
    AlertMeaning{120, Reason::AlpnMismatch, "Offer an application protocol (ALPN) the client supports on the server.",
                 "Offer an application protocol (ALPN) the server supports (e.g. h2 or http/1.1), or enable the client's protocol on the server."},
};
static_assert(std::ranges::is_sorted(kMeanings, {}, &AlertMeaning::code));
}  // namespace

const AlertMeaning* alert_meaning(std::uint8_t code) {
  const auto it = std::ranges::lower_bound(kMeanings, code, {}, &AlertMeaning::code);
  return it != kMeanings.end() && it->code == code ? &*it : nullptr;
}

const AlertMeaning* alert_meaning_for(Reason reason) {
  const auto it = std::ranges::find(kMeanings, reason, &AlertMeaning::reason);
  return it != kMeanings.end() ? &*it : nullptr;
}

}  // namespace tlsdiag::analysis
