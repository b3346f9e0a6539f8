#include "tlsdiag/report/whatif.h"

#include <algorithm>
#include <cctype>

#include "tlsdiag/tls/fingerprint.h"
#include "tlsdiag/tls/registry.h"

namespace tlsdiag::report {

namespace {

constexpr std::array<std::string_view, kWhatIfOutcomes> kOutcomeNames = {
    "unaffected", "version_too_low", "no_acceptable_cipher"};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "0xc02f" / "c02f": a 16-bit code in hex.
std::optional<std::uint16_t> hex_code(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.empty() || s.size() > 4) return std::nullopt;
  std::uint16_t code = 0;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    code = static_cast<std::uint16_t>(code * 16 + digit);
  }
  return code;
}

}  // namespace

std::string_view name(WhatIfOutcome outcome) { return kOutcomeNames[static_cast<std::size_t>(outcome)]; }

WhatIfOutcome judge(const tls::ClientHello& hello, const WhatIfPolicy& policy) {
  if (policy.min_version != 0) {
    // offered_versions() leaves GREASE out and ranks TLS 1.3 drafts as TLS 1.3.
    const std::vector<std::uint16_t> offered = hello.offered_versions();
    const int needed = tls::version_rank(policy.min_version);
    const bool any = std::any_of(offered.begin(), offered.end(),
                                 [&](std::uint16_t v) { return tls::version_rank(v) >= needed; });
    if (!any) return WhatIfOutcome::VersionTooLow;
  }
  if (!policy.ciphers.empty()) {
    const bool any = std::any_of(hello.cipher_suites.begin(), hello.cipher_suites.end(), [&](std::uint16_t s) {
      return std::find(policy.ciphers.begin(), policy.ciphers.end(), s) != policy.ciphers.end();
    });
    if (!any) return WhatIfOutcome::NoAcceptableCipher;
  }
  return WhatIfOutcome::Unaffected;
}

bool server_selected(const analysis::FlowRecord& flow, const WhatIfPolicy& policy) {
  if (policy.servers.empty()) return true;
  const std::string endpoint = net::to_string(flow.server);
  const std::string ip = net::to_string(flow.server.ip);
  const std::string_view sni = flow.client_hello ? std::string_view(flow.client_hello->sni) : std::string_view();
  return std::any_of(policy.servers.begin(), policy.servers.end(), [&](const std::string& s) {
    return s == endpoint || s == ip || (!sni.empty() && equal_ignoring_case(s, sni));
  });
}

std::optional<std::vector<std::uint16_t>> parse_cipher_list(std::string_view list, std::string& bad) {
  std::vector<std::uint16_t> codes;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty()) continue;
    std::optional<std::uint16_t> code = tls::cipher_suite_code(item);
    if (!code && item.size() > 2 && item[0] == '0' && (item[1] == 'x' || item[1] == 'X')) code = hex_code(item);
    if (!code) {
      bad = std::string(item);
      return std::nullopt;
    }
    codes.push_back(*code);
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

void WhatIfTally::on_flow(const analysis::FlowRecord& flow) {
  if (!server_selected(flow, policy_)) {
    ++other_servers_;
    return;
  }
  if (!flow.client_hello) {
    ++without_hello_;
    return;
  }
  const tls::ClientHello& hello = *flow.client_hello;
  const WhatIfOutcome outcome = judge(hello, policy_);
  ++counts_[static_cast<std::size_t>(outcome)].connections;
  auto key = std::make_pair(flow.client.ip, tls::ja4(hello).hash);
  auto it = clients_.find(key);
  if (it == clients_.end()) {
    if (clients_.size() >= kMaxClients) {
      ++untracked_clients_;
      return;
    }
    WhatIfClient c;
    c.client = flow.client.ip;
    c.ja4 = key.second;
    c.sni = hello.sni;
    c.server = flow.server;
    c.highest_offered = hello.highest_version();
    it = clients_.emplace(std::move(key), std::move(c)).first;
    ++counts_[static_cast<std::size_t>(outcome)].clients;
    it->second.outcome = outcome;
  } else if (it->second.outcome == WhatIfOutcome::Unaffected && outcome != WhatIfOutcome::Unaffected) {
    // A client that breaks on any of its connections counts as breaking.
    --counts_[static_cast<std::size_t>(WhatIfOutcome::Unaffected)].clients;
    ++counts_[static_cast<std::size_t>(outcome)].clients;
    it->second.outcome = outcome;
  }
  ++it->second.connections;
}

void WhatIfTally::on_input_done(const analysis::InputResult& result) {
  if (result.error) input_errors_.emplace_back(result.info.path, *result.error);
}

WhatIfCounts WhatIfTally::would_break() const {
  WhatIfCounts total;
  for (std::size_t i = 1; i < kWhatIfOutcomes; ++i) {
    total.clients += counts_[i].clients;
    total.connections += counts_[i].connections;
  }
  return total;
}

std::vector<WhatIfClient> WhatIfTally::clients(WhatIfOutcome outcome, std::size_t limit) const {
  std::vector<WhatIfClient> rows;
  for (const auto& [key, c] : clients_)
    if (c.outcome == outcome) rows.push_back(c);
  // The map is ordered by address and JA4, so a stable sort keeps that order for ties.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const WhatIfClient& a, const WhatIfClient& b) { return a.connections > b.connections; });
  if (limit != 0 && rows.size() > limit) rows.resize(limit);
  return rows;
}

int WhatIfTally::exit_code() const {
  if (!input_errors_.empty()) return 2;
  return would_break().clients != 0 ? 1 : 0;
}

}  // namespace tlsdiag::report
