#include "tlsdiag/tls/messages.h"

#include <algorithm>
#include <utility>

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

namespace {

// The versions a hello offers, in wire order, to |visit|; GREASE and junk left out.
template <class Visit>
void each_offered(const ClientHello& hello, Visit visit) {
  if (!hello.supported_versions.empty()) {
    for (std::uint16_t v : hello.supported_versions)
      if (!is_grease(v) && version_rank(v) > 0) visit(v);
  } else if (hello.sslv2_format && hello.legacy_version == version::kSsl2) {
    visit(version::kSsl2);
  } else if (version_rank(hello.legacy_version) > 0) {
    // RFC 5246 §E.1: legacy_version is the highest version the client supports; its lowest is
    // not on the wire, so only the highest is listed.
    visit(std::min<std::uint16_t>(hello.legacy_version, version::kTls12));
  }
}

}  // namespace

std::vector<std::uint16_t> ClientHello::offered_versions() const {
  std::vector<std::uint16_t> out;
  each_offered(*this, [&](std::uint16_t v) { out.push_back(v); });
  // Insertion sort: stable (equal ranks keep wire order, as highest_offered() assumes) and
  // without a buffer; a hello lists a handful of versions (at most 127).
  for (std::size_t i = 1; i < out.size(); ++i)
    for (std::size_t j = i; j > 0 && version_rank(out[j - 1]) < version_rank(out[j]); --j) std::swap(out[j - 1], out[j]);
  return out;
}

std::uint16_t ClientHello::highest_offered() const {
  std::uint16_t best = 0;
  each_offered(*this, [&](std::uint16_t v) {
    if (best == 0 || version_rank(v) > version_rank(best)) best = v;
  });
  return best;
}

std::uint16_t ClientHello::highest_version() const {
  const std::uint16_t best = highest_offered();
  return best != 0 ? best : legacy_version;
}

}  // namespace tlsdiag::tls
