#include "verdict_text.h"

#include <cstdio>

#include "tlsdiag/tls/registry.h"
#include "tlsdiag/util/hex.h"

namespace tlsdiag::analysis::text {

std::string version(std::uint16_t v) { return tls::version_name(v); }

std::string offered_versions(const FlowRecord& f) {
  if (!f.client_hello) return "?";
  std::string out;
  for (std::uint16_t v : f.client_hello->offered_versions()) {
    if (!out.empty()) out += ", ";
    out += version(v);
  }
  if (out.empty()) return "?";
  // Without supported_versions only the highest version is known (RFC 5246 §E.1).
  return f.client_hello->supported_versions.empty() ? out + " or older" : out;
}

std::string highest_offered(const FlowRecord& f) {
  return f.client_hello ? version(f.client_hello->highest_version()) : "?";
}

std::string server_version(const FlowRecord& f) {
  return f.server_hello ? version(f.server_hello->selected_version) : "?";
}

std::string alert(const AlertRecord& a) {
  if (!a.visible()) return "encrypted alert";
  const char* level = a.level == 2 ? "fatal " : a.level == 1 ? "warning " : "";
  return level + tls::alert_name(a.description) + " (" + std::to_string(a.description) + ")" +
         (a.decrypted ? " [decrypted with the key log]" : "");
}

std::string sni_clause(const FlowRecord& f) {
  if (!f.client_hello || f.client_hello->sni.empty()) return "";
  return " for " + f.client_hello->sni;
}

std::string sender(Direction d) { return d == Direction::ClientToServer ? "client" : "server"; }

std::string evidence_alert(const AlertRecord& a) {
  return "#" + std::to_string(a.packet_number) + " " + sender(a.sender) + " sent " + alert(a);
}

std::string quoted_prefix(const std::vector<std::uint8_t>& bytes) {
  std::string line = printable_prefix(bytes, 48);
  if (auto nl = line.find("\\n"); nl != std::string::npos) line.resize(nl);
  return "\"" + line + "\"";
}

std::string seconds(Timestamp from, Timestamp to) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", to.seconds_since(from));
  return buf;
}

}  // namespace tlsdiag::analysis::text
