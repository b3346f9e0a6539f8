#include <ostream>
#include <string>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/report/fleet.h"
#include "tlsdiag/report/text_report.h"
#include "tlsdiag/tls/registry.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::report {

using analysis::Reason;

namespace {

std::string heading(std::string_view text, bool color) {
  if (!color) return std::string(text);
  return "\x1b[1m" + std::string(text) + "\x1b[0m";
}

// "192.0.2.1:443 (example.com, www.example.com)"
std::string server_names(const ServerView& v) {
  std::string out = net::to_string(v.server);
  for (std::size_t i = 0; i < v.names.size(); ++i)
    out += (i == 0 ? " (" : ", ") + terminal_safe(v.names[i]);
  if (!v.names.empty()) out += ')';
  return out;
}

// Capture time to the second: "2024-01-02T03:04:05Z".
std::string seconds(Timestamp ts) {
  std::string text = format_rfc3339(ts);
  const std::size_t dot = text.find('.');
  return dot == std::string::npos ? text : text.substr(0, dot) + "Z";
}

void write_servers(std::ostream& out, const FleetViews& fleet, std::size_t shown, bool color) {
  const std::vector<const ServerView*> servers = fleet.server_rows(shown);
  if (servers.empty()) return;
  out << "\n  " << heading("servers (most failures first)", color) << '\n';
  for (const ServerView* row : servers) {
    const ServerView& v = *row;
    out << "  " << server_names(v) << "  " << v.failed << '/' << v.flows << " failed\n";
    out << "      policy: " << inferred_policy(v) << '\n';
    if (!v.negotiated_suites.empty()) {
      out << "      suites picked:";
      for (std::uint16_t s : v.negotiated_suites) out << ' ' << tls::cipher_suite_name(s);
      out << '\n';
    }
    for (const ServerCertificate& c : v.certificates)
      out << "      certificate: " << terminal_safe(c.subject) << ", not after " << seconds(c.not_after) << '\n';
  }
  const Untracked& other = fleet.untracked_servers();
  if (other.flows != 0)
    out << "  (other servers, past the first " << FleetViews::kMaxServers << ": " << other.failed << '/'
        << other.flows << " failed)\n";
}

void write_reasons(std::ostream& out, const FleetViews& fleet, bool color) {
  bool any = false;
  for (std::size_t i = 1; i < static_cast<std::size_t>(Reason::kCount); ++i) {  // 0 is ok
    const auto reason = static_cast<Reason>(i);
    const ReasonDetail& d = fleet.reason(reason);
    if (d.flows == 0) continue;
    if (!any) out << "\n  " << heading("reasons: first and last seen, top client -> server pairs", color) << '\n';
    any = true;
    out << "  " << analysis::name(reason) << "  " << d.flows << "  first " << seconds(d.first_seen) << "  last "
        << seconds(d.last_seen) << '\n';
    for (const PairCount& p : fleet.top_pairs(reason, kTopPairs))
      out << "      " << net::to_string(p.client) << " -> " << net::to_string(p.server) << "  " << p.flows << '\n';
  }
}

}  // namespace

void write_fleet_text(std::ostream& out, const FleetViews& fleet, std::size_t servers_shown, bool color) {
  write_servers(out, fleet, servers_shown, color);
  write_reasons(out, fleet, color);
}

}  // namespace tlsdiag::report
