// The answers of `tlsdiag whatif`: text for people, JSON for scripts.
#include <nlohmann/json.hpp>

#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/text_report.h"
#include "tlsdiag/report/whatif.h"
#include "tlsdiag/tls/registry.h"

namespace tlsdiag::report {

using nlohmann::json;

namespace {

constexpr std::size_t kCiphersNamed = 4;  // --ciphers lists named in the text heading

// "no offered version is TLS 1.2 or newer"
std::string explain(WhatIfOutcome outcome, const WhatIfPolicy& policy) {
  switch (outcome) {
    case WhatIfOutcome::VersionTooLow:
      return "no offered version is " + tls::version_name(policy.min_version) + " or newer";
    case WhatIfOutcome::NoAcceptableCipher: return "no offered cipher suite is in the list";
    default: return "offers an acceptable version and cipher suite";
  }
}

std::string plural(std::uint64_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string counts_text(const WhatIfCounts& c) {
  return plural(c.clients, "client") + ", " + plural(c.connections, "connection");
}

void write_client(std::ostream& out, const WhatIfClient& c) {
  out << "    " << net::to_string(c.client) << "  best "
      << (c.highest_offered ? tls::version_name(c.highest_offered) : std::string("none")) << "  -> "
      << net::to_string(c.server);
  if (!c.sni.empty()) out << " (" << terminal_safe(c.sni) << ')';
  out << "  " << plural(c.connections, "connection") << "  " << c.ja4 << '\n';
}

std::string policy_text(const WhatIfPolicy& p) {
  std::string out;
  if (p.min_version != 0) out = "require " + tls::version_name(p.min_version) + " or newer";
  if (!p.ciphers.empty()) {
    out += (out.empty() ? "" : " and ") + std::string("accept only ");
    // A short list is named; a long one would drown the question.
    if (p.ciphers.size() > kCiphersNamed) out += plural(p.ciphers.size(), "cipher suite");
    for (std::size_t i = 0; i < p.ciphers.size() && p.ciphers.size() <= kCiphersNamed; ++i)
      out += (i ? ", " : "") + tls::cipher_suite_name(p.ciphers[i]);
  }
  out += " on ";
  if (p.servers.empty()) return out + "every server";
  for (std::size_t i = 0; i < p.servers.size(); ++i) out += (i ? ", " : "") + terminal_safe(p.servers[i]);
  return out;
}

json client_json(const WhatIfClient& c) {
  return {{"client", net::to_string(c.client)},
          {"ja4", c.ja4},
          {"sni", c.sni.empty() ? json(nullptr) : json(c.sni)},
          {"server", net::to_string(c.server)},
          {"highest_version_offered", c.highest_offered ? json(tls::version_name(c.highest_offered)) : json(nullptr)},
          {"connections", c.connections}};
}

json group_json(const WhatIfTally& tally, WhatIfOutcome outcome) {
  const WhatIfCounts& c = tally.counts()[static_cast<std::size_t>(outcome)];
  json clients = json::array();
  for (const WhatIfClient& row : tally.clients(outcome, 0)) clients.push_back(client_json(row));
  return {{"clients", c.clients},
          {"connections", c.connections},
          {"explanation", explain(outcome, tally.policy())},
          {"examples", std::move(clients)}};
}

}  // namespace

void write_whatif_text(std::ostream& out, const WhatIfTally& tally, std::size_t examples) {
  const WhatIfCounts broken = tally.would_break();
  const WhatIfCounts& fine = tally.counts()[static_cast<std::size_t>(WhatIfOutcome::Unaffected)];
  out << "What if servers " << policy_text(tally.policy()) << "?\n\n";
  out << "Clients seen (address + JA4): " << counts_text({broken.clients + fine.clients,
                                                         broken.connections + fine.connections})
      << '\n';
  out << "Would break: " << counts_text(broken) << '\n';
  for (std::size_t i = 1; i < kWhatIfOutcomes; ++i) {
    const auto outcome = static_cast<WhatIfOutcome>(i);
    const WhatIfCounts& c = tally.counts()[i];
    if (c.connections == 0) continue;
    out << "  " << name(outcome) << " (" << explain(outcome, tally.policy()) << "): " << counts_text(c) << '\n';
    for (const WhatIfClient& row : tally.clients(outcome, examples)) write_client(out, row);
    if (c.clients > examples) out << "    ... and " << c.clients - examples << " more\n";
  }
  out << "Unaffected: " << counts_text(fine) << '\n';
  for (const WhatIfClient& row : tally.clients(WhatIfOutcome::Unaffected, examples)) write_client(out, row);
  if (fine.clients > examples) out << "    ... and " << fine.clients - examples << " more\n";
  if (tally.untracked_clients() != 0)
    out << "(connections of " << tally.untracked_clients() << " more clients, past the first "
        << WhatIfTally::kMaxClients << ", are counted but not listed)\n";
  if (tally.connections_without_hello() != 0)
    out << "Not judged: " << plural(tally.connections_without_hello(), "connection") << " without a ClientHello\n";
  for (const auto& [path, message] : tally.input_errors())
    out << "Input error: " << terminal_safe(path) << ": " << terminal_safe(message) << '\n';
}

std::string whatif_to_json(const WhatIfTally& tally) {
  const WhatIfPolicy& p = tally.policy();
  json ciphers = json::array();
  for (std::uint16_t s : p.ciphers) ciphers.push_back(tls::cipher_suite_name(s));
  json by_reason = json::object();
  for (std::size_t i = 1; i < kWhatIfOutcomes; ++i) {
    const auto outcome = static_cast<WhatIfOutcome>(i);
    by_reason[std::string(name(outcome))] = group_json(tally, outcome);
  }
  const WhatIfCounts broken = tally.would_break();
  json errors = json::array();
  for (const auto& [path, message] : tally.input_errors()) errors.push_back({{"path", path}, {"message", message}});
  const json doc = {
      {"policy",
       {{"min_version", p.min_version ? json(tls::version_name(p.min_version)) : json(nullptr)},
        {"ciphers", std::move(ciphers)},
        {"servers", p.servers}}},
      {"would_break",
       {{"clients", broken.clients}, {"connections", broken.connections}, {"by_reason", std::move(by_reason)}}},
      {"unaffected", group_json(tally, WhatIfOutcome::Unaffected)},
      {"untracked_clients", tally.untracked_clients()},
      {"connections_without_client_hello", tally.connections_without_hello()},
      {"connections_other_servers", tally.connections_other_servers()},
      {"input_errors", std::move(errors)}};
  return dump_json(doc, 2) + "\n";
}

}  // namespace tlsdiag::report
