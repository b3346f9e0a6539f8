#include "tlsdiag/tls/messages.h"

#include <algorithm>

#include "tlsdiag/tls/registry.h"

namespace tlsdiag::tls {

int version_rank(std::uint16_t v) {
  if (v == version::kSsl2) return 0x0200;
  // TLS 1.3 drafts (0x7fxx), Google's (0x7exx) and Facebook's (0xfbxx) experiments negotiate
  // TLS 1.3 semantics.
  if ((v >> 8) == 0x7f || (v >> 8) == 0x7e || (v >> 8) == 0xfb) return version::kTls13;
  if ((v >> 8) == 0x03) return v;
  return -1;  // GREASE, DTLS or junk: not comparable
}

std::vector<std::uint16_t> ClientHello::offered_versions() const {
  std::vector<std::uint16_t> out;
  if (!supported_versions.empty()) {
    for (std::uint16_t v : supported_versions)
      if (!is_grease(v) && version_rank(v) > 0) out.push_back(v);
  } else if (sslv2_format && legacy_version == version::kSsl2) {
    out.push_back(version::kSsl2);
  } else if (version_rank(legacy_version) > 0) {
    // RFC 5246 §E.1: legacy_version is the highest version the client supports; its lowest is
    // not on the wire, so only the highest is listed.
    out.push_back(std::min<std::uint16_t>(legacy_version, version::kTls12));
  }
  std::ranges::sort(out, [](std::uint16_t a, std::uint16_t b) { return version_rank(a) > version_rank(b); });
  return out;
}

std::uint16_t ClientHello::highest_version() const {
  const auto versions = offered_versions();
  return versions.empty() ? legacy_version : versions.front();
}

}  // namespace tlsdiag::tls
