#include "tlsdiag/report/fleet.h"

#include <algorithm>

#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/tls/fingerprint.h"
#include "tlsdiag/tls/registry.h"

namespace tlsdiag::report {

using analysis::Reason;
using analysis::RejectedBy;
using analysis::Status;

namespace {

constexpr std::uint16_t kVersionCodes[] = {0x0002, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304};

// Adds |value| to the sorted vector |set| unless present or |set| holds |cap| values already.
void insert_capped(std::vector<std::uint16_t>& set, std::uint16_t value, std::size_t cap) {
  auto it = std::lower_bound(set.begin(), set.end(), value);
  if (it != set.end() && *it == value) return;
  if (set.size() >= cap) return;
  set.insert(it, value);
}

// Appends |value| to |list| unless present or |list| holds |cap| values already.
template <class T, class V>
void add_distinct(std::vector<T>& list, const V& value, std::size_t cap) {
  if (list.size() < cap && std::find(list.begin(), list.end(), value) == list.end()) list.emplace_back(value);
}

// |highest| becomes |version| when that ranks higher; 0 is no version.
void raise_highest(std::uint16_t& highest, std::uint16_t version) {
  if (version != 0 && (highest == 0 || tls::version_rank(version) > tls::version_rank(highest)))
    highest = version;
}

}  // namespace

void count_reason(ReasonCounts& counts, Reason reason, std::uint64_t n) {
  if (static_cast<std::size_t>(reason) >= static_cast<std::size_t>(Reason::kCount)) return;
  auto it = std::find_if(counts.begin(), counts.end(),
                         [&](const auto& entry) { return entry.first == reason; });
  if (it == counts.end()) counts.emplace_back(reason, n);
  else it->second += n;
}

void add_counts(ReasonCounts& counts, const ReasonCounts& more) {
  for (const auto& [reason, n] : more) count_reason(counts, reason, n);
}

Reason top_reason(const ReasonCounts& counts) {
  Reason top = static_cast<Reason>(0);
  std::uint64_t most = 0;
  for (const auto& [reason, n] : counts) {
    if (n > most || (n == most && reason < top)) {
      top = reason;
      most = n;
    }
  }
  return top;
}

VersionSet version_bit(std::uint16_t version) {
  // Drafts (0x7fNN) and pre-RFC experiments (0xfbNN, 0x7eNN) of TLS 1.3 count as TLS 1.3.
  const auto high = static_cast<std::uint8_t>(version >> 8);
  if (high == 0x7f || high == 0xfb || high == 0x7e) version = tls::version::kTls13;
  for (std::size_t i = 0; i < std::size(kVersionCodes); ++i)
    if (kVersionCodes[i] == version) return static_cast<VersionSet>(1u << i);
  return 0;
}

std::vector<std::uint16_t> versions_in(VersionSet set) {
  std::vector<std::uint16_t> out;
  for (std::size_t i = 0; i < std::size(kVersionCodes); ++i)
    if (set & (1u << i)) out.push_back(kVersionCodes[i]);
  return out;
}

std::string version_list(VersionSet set, std::string_view last_joiner) {
  const std::vector<std::uint16_t> versions = versions_in(set);
  std::string out;
  std::string family;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const std::string name = tls::version_name(versions[i]);  // "TLS 1.2"
    const std::size_t space = name.find(' ');
    const std::string this_family = name.substr(0, space);
    if (i != 0) out += i + 1 == versions.size() ? " " + std::string(last_joiner) + " " : ", ";
    // "TLS 1.0 or 1.1": the family is named once per run.
    out += this_family == family && space != std::string::npos ? name.substr(space + 1) : name;
    family = this_family;
  }
  return out;
}

void ClientCount::add(const net::IpAddress& ip, std::size_t cap) {
  auto it = std::lower_bound(clients.begin(), clients.end(), ip);
  if (it != clients.end() && *it == ip) return;
  if (clients.size() >= cap) {
    more = true;
    return;
  }
  clients.insert(it, ip);
}

void ClientCount::merge(const ClientCount& other, std::size_t cap) {
  for (const net::IpAddress& ip : other.clients) add(ip, cap);
  more = more || other.more;
}

std::string ClientCount::describe() const {
  std::string out = std::to_string(clients.size());
  if (more) out += '+';
  return out + (clients.size() == 1 && !more ? " client" : " clients");
}

std::string inferred_policy(const ServerView& view) {
  std::vector<std::string> parts;
  if (view.negotiated_versions != 0) {
    const std::vector<std::uint16_t> versions = versions_in(view.negotiated_versions);
    std::string accepts = "accepts " + tls::version_name(versions.front());
    if (versions.size() > 1) {
      const std::string last = tls::version_name(versions.back());
      const std::size_t space = last.find(' ');
      const bool same_family = last.substr(0, space) == accepts.substr(8, accepts.find(' ', 8) - 8);
      accepts += "-" + (same_family ? last.substr(space + 1) : last);  // ASCII, as the text report is
    }
    parts.push_back(std::move(accepts));
  }
  if (view.rejected_versions != 0)
    parts.push_back("rejects clients whose best is " + version_list(view.rejected_versions, "or") + " (" +
                    view.version_rejected.describe() + ")");
  if (!view.cipher_rejected.clients.empty())
    parts.push_back("rejects clients with no cipher suite it accepts (" + view.cipher_rejected.describe() + ")");
  if (parts.empty()) return view.failed == 0 ? "no handshake reached a ServerHello" : "no handshake accepted";
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

void FleetViews::add_flow(const analysis::FlowRecord& flow) {
  add_flow(flow, flow.client_hello ? tls::ja4(*flow.client_hello).hash : std::string());
}

void FleetViews::add_flow(const analysis::FlowRecord& flow, std::string_view ja4) {
  add_server(flow);
  add_client(flow, ja4);
  add_reason(flow);
}

void FleetViews::add_server(const analysis::FlowRecord& flow) {
  const bool failed = flow.verdict.status == Status::Failed;
  auto it = servers_.find(flow.server);
  if (it == servers_.end()) {
    if (servers_.size() >= kMaxServers) {
      ++untracked_servers_.flows;
      if (failed) ++untracked_servers_.failed;
      return;
    }
    it = servers_.emplace(flow.server, ServerView{}).first;
    it->second.server = flow.server;
  }
  ServerView& v = it->second;
  ++v.flows;
  if (failed) {
    ++v.failed;
    count_reason(v.failures, flow.verdict.reason);
  }
  const tls::ClientHello* hello = flow.client_hello ? &*flow.client_hello : nullptr;
  if (hello && !hello->sni.empty()) add_distinct(v.names, hello->sni, kMaxNames);
  if (flow.server_hello) {
    v.negotiated_versions |= version_bit(flow.server_hello->selected_version);
    insert_capped(v.negotiated_suites, flow.server_hello->cipher_suite, kMaxSuites);
  }
  if (hello && failed && flow.verdict.rejected_by == RejectedBy::Server) {
    if (flow.verdict.reason == Reason::ProtocolVersionMismatch) {
      v.rejected_versions |= version_bit(hello->highest_offered());
      v.version_rejected.add(flow.client.ip, kMaxClientsCounted);
    } else if (flow.verdict.reason == Reason::NoSharedCipher) {
      for (std::uint16_t suite : hello->cipher_suites)
        if (!tls::is_grease(suite)) insert_capped(v.rejected_suites, suite, kMaxSuites);
      v.cipher_rejected.add(flow.client.ip, kMaxClientsCounted);
    }
  }
  if (flow.certificate_findings && !flow.certificate_findings->chain.empty()) {
    const analysis::CertificateInfo& leaf = *flow.certificate_findings->chain.front();
    add_distinct(v.certificates, ServerCertificate{leaf.subject, leaf.not_after}, kMaxCertificates);
  }
}

void FleetViews::add_client(const analysis::FlowRecord& flow, std::string_view ja4) {
  const bool failed = flow.verdict.status == Status::Failed;
  auto it = clients_.find(flow.client.ip);
  if (it == clients_.end()) {
    if (clients_.size() >= kMaxClients) {
      ++untracked_clients_.flows;
      if (failed) ++untracked_clients_.failed;
      return;
    }
    it = clients_.emplace(flow.client.ip, ClientView{}).first;
    it->second.client = flow.client.ip;
  }
  ClientView& v = it->second;
  ++v.flows;
  if (failed) {
    ++v.failed;
    count_reason(v.failures, flow.verdict.reason);
  }
  if (!flow.client_hello) return;
  raise_highest(v.highest_offered, flow.client_hello->highest_offered());
  if (!ja4.empty()) add_distinct(v.ja4s, ja4, kMaxJa4s);
}

void FleetViews::add_reason(const analysis::FlowRecord& flow) {
  const auto index = static_cast<std::size_t>(flow.verdict.reason);
  if (index >= reasons_.size()) return;
  ReasonDetail& d = reasons_[index];
  if (d.flows == 0 || flow.first_seen < d.first_seen) d.first_seen = flow.first_seen;
  if (d.flows == 0 || flow.first_seen > d.last_seen) d.last_seen = flow.first_seen;
  ++d.flows;
  const auto key = std::make_pair(flow.client.ip, flow.server);
  auto it = d.pairs.find(key);
  if (it != d.pairs.end()) ++it->second;
  else if (d.pairs.size() < kMaxPairs) d.pairs.emplace(key, 1);
  else ++d.untracked_pairs;
}

namespace {

// Adds the suites of |from| to |to| (both sorted, capped sets). They join in order of value, not
// in the order the flows showed them, so the set equals a single run's whenever the union fits.
void merge_suites(std::vector<std::uint16_t>& to, const std::vector<std::uint16_t>& from) {
  for (std::uint16_t suite : from) insert_capped(to, suite, FleetViews::kMaxSuites);
}

void merge_server(ServerView& to, const ServerView& from) {
  to.flows += from.flows;
  to.failed += from.failed;
  add_counts(to.failures, from.failures);
  for (const std::string& name : from.names) add_distinct(to.names, name, FleetViews::kMaxNames);
  to.negotiated_versions |= from.negotiated_versions;
  merge_suites(to.negotiated_suites, from.negotiated_suites);
  to.rejected_versions |= from.rejected_versions;
  to.version_rejected.merge(from.version_rejected, FleetViews::kMaxClientsCounted);
  merge_suites(to.rejected_suites, from.rejected_suites);
  to.cipher_rejected.merge(from.cipher_rejected, FleetViews::kMaxClientsCounted);
  for (const ServerCertificate& cert : from.certificates)
    add_distinct(to.certificates, cert, FleetViews::kMaxCertificates);
}

void merge_untracked(Untracked& to, const Untracked& from) {
  to.flows += from.flows;
  to.failed += from.failed;
}

void merge_client(ClientView& to, const ClientView& from) {
  to.flows += from.flows;
  to.failed += from.failed;
  add_counts(to.failures, from.failures);
  raise_highest(to.highest_offered, from.highest_offered);
  for (const std::string& ja4 : from.ja4s) add_distinct(to.ja4s, ja4, FleetViews::kMaxJa4s);
}

void merge_reason(ReasonDetail& to, const ReasonDetail& from) {
  if (from.flows == 0) return;
  if (to.flows == 0 || from.first_seen < to.first_seen) to.first_seen = from.first_seen;
  if (to.flows == 0 || from.last_seen > to.last_seen) to.last_seen = from.last_seen;
  to.flows += from.flows;
  for (const auto* row : in_key_order(from.pairs)) {
    const auto& [pair, n] = *row;
    auto it = to.pairs.find(pair);
    if (it != to.pairs.end()) it->second += n;
    else if (to.pairs.size() < FleetViews::kMaxPairs) to.pairs.emplace(pair, n);
    else to.untracked_pairs += n;
  }
  to.untracked_pairs += from.untracked_pairs;
}

}  // namespace

void FleetViews::merge(const FleetViews& other) {
  merge_capped(servers_, other.servers_, kMaxServers, untracked_servers_, merge_server);
  merge_capped(clients_, other.clients_, kMaxClients, untracked_clients_, merge_client);
  merge_untracked(untracked_servers_, other.untracked_servers_);
  merge_untracked(untracked_clients_, other.untracked_clients_);
  for (std::size_t i = 0; i < reasons_.size(); ++i) merge_reason(reasons_[i], other.reasons_[i]);
}

namespace {

// The entries of |map| by most failures, then most flows, then key; at most |limit| (0 = all).
template <class Map>
auto rows_by_failures(const Map& map, std::size_t limit) {
  std::vector<const typename Map::mapped_type*> rows;
  rows.reserve(map.size());
  for (const auto* entry : in_key_order(map)) rows.push_back(&entry->second);
  // Rows start in key order; a stable sort keeps that order for ties.
  std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    return a->failed != b->failed ? a->failed > b->failed : a->flows > b->flows;
  });
  if (limit != 0 && rows.size() > limit) rows.resize(limit);
  return rows;
}

}  // namespace

std::vector<const ServerView*> FleetViews::server_rows(std::size_t limit) const {
  return rows_by_failures(servers_, limit);
}

std::vector<const ClientView*> FleetViews::client_rows(std::size_t limit) const {
  return rows_by_failures(clients_, limit);
}

// Most flows first, ties in address order. A reason has up to kMaxPairs pairs and the summary
// shows kTopPairs: only those are sorted.
std::vector<PairCount> FleetViews::top_pairs(Reason r, std::size_t limit) const {
  const auto& pairs = reason(r).pairs;
  std::vector<const std::pair<const ClientServer, std::uint64_t>*> entries;
  entries.reserve(pairs.size());
  for (const auto& entry : pairs) entries.push_back(&entry);
  const auto before = [](const auto* a, const auto* b) {
    return a->second != b->second ? a->second > b->second : a->first < b->first;
  };
  const std::size_t shown = limit == 0 ? entries.size() : std::min(limit, entries.size());
  const auto end = entries.begin() + static_cast<std::ptrdiff_t>(shown);
  std::partial_sort(entries.begin(), end, entries.end(), before);
  std::vector<PairCount> rows;
  rows.reserve(shown);
  for (auto it = entries.begin(); it != end; ++it) rows.push_back({(*it)->first.first, (*it)->first.second, (*it)->second});
  return rows;
}

}  // namespace tlsdiag::report
