#pragma once
// FleetViews: the fleet-level roll-ups of the summary (issue 6). Input: FlowRecords, in any
// order. Output: per server endpoint (names, versions and suites negotiated and rejected,
// certificates served, and an inferred policy sentence), per client address (JA4s, highest
// version offered, failures by reason), per reason (first and last seen, top client → server
// pairs). Memory is bounded: at most kMaxServers servers, kMaxClients clients and kMaxPairs pairs
// per reason are itemised (later ones are counted as "other"), and every per-entry list is capped.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tlsdiag/analysis/flow_record.h"
#include "tlsdiag/analysis/verdict.h"
#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/report/dense_table.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::report {

// A set of protocol versions: bit 0 SSL 2.0, 1 SSL 3.0, 2 TLS 1.0, 3 TLS 1.1, 4 TLS 1.2, 5 TLS 1.3
// (drafts and experiments of TLS 1.3 count as TLS 1.3; anything else is left out).
using VersionSet = std::uint8_t;
VersionSet version_bit(std::uint16_t version);
// The wire codes in |set|, oldest first.
std::vector<std::uint16_t> versions_in(VersionSet set);
// "TLS 1.0 or 1.1", "SSL 3.0, TLS 1.0 and 1.1": the names in |set|, oldest first.
std::string version_list(VersionSet set, std::string_view last_joiner);

// Failures by reason, in the order first seen: usually one or two entries.
using ReasonCounts = std::vector<std::pair<analysis::Reason, std::uint64_t>>;
void count_reason(ReasonCounts& counts, analysis::Reason reason, std::uint64_t n = 1);
// Adds |more|'s counts to |counts| (reasons new to |counts| go last, in |more|'s order).
void add_counts(ReasonCounts& counts, const ReasonCounts& more);
// The most frequent reason; the first in vocabulary order wins a tie (Ok when empty).
analysis::Reason top_reason(const ReasonCounts& counts);

struct ServerCertificate {
  std::string subject;  // the leaf's, RFC 2253
  Timestamp not_after;
  auto operator<=>(const ServerCertificate&) const = default;
};

// Clients counted one by one up to a cap; past it, |more| says the count is a lower bound.
struct ClientCount {
  std::vector<net::IpAddress> clients;  // distinct, sorted
  bool more = false;
  void add(const net::IpAddress& ip, std::size_t cap);
  // The union with |other|, under the same cap.
  void merge(const ClientCount& other, std::size_t cap);
  std::string describe() const;  // "34 clients", "1 client", "256+ clients"
};

struct ServerView {
  net::Endpoint server;
  std::vector<std::string> names;  // SNI values seen, first few, in order seen
  std::uint64_t flows = 0;
  std::uint64_t failed = 0;
  ReasonCounts failures;  // by reason, in order first seen
  VersionSet negotiated_versions = 0;
  std::vector<std::uint16_t> negotiated_suites;  // sorted, capped
  // The best version offered by each client it rejected with protocol_version_mismatch.
  VersionSet rejected_versions = 0;
  ClientCount version_rejected;
  // Suites offered by clients it rejected with no_shared_cipher (GREASE left out): sorted, capped.
  std::vector<std::uint16_t> rejected_suites;
  ClientCount cipher_rejected;
  std::vector<ServerCertificate> certificates;  // distinct leaves, first few
};

// "accepts TLS 1.2-1.3; rejects clients whose best is TLS 1.0 or 1.1 (34 clients)".
std::string inferred_policy(const ServerView& view);

struct ClientView {
  net::IpAddress client;
  std::vector<std::string> ja4s;  // first few, in order seen
  std::uint64_t flows = 0;
  std::uint64_t failed = 0;
  std::uint16_t highest_offered = 0;  // 0: no ClientHello seen
  ReasonCounts failures;
};

// Pairs shown per reason, in the text and JSON summaries.
inline constexpr std::size_t kTopPairs = 5;

struct PairCount {
  net::IpAddress client;
  net::Endpoint server;
  std::uint64_t flows = 0;
};

using ClientServer = std::pair<net::IpAddress, net::Endpoint>;
struct ClientServerHash {
  std::size_t operator()(const ClientServer& p) const noexcept {
    return net::IpAddressHash{}(p.first) ^ (net::EndpointHash{}(p.second) * 31);
  }
};

// The fleet's tables are hash maps (one lookup per flow, where a tree walked ~14 nodes) whose
// entries lie in a row (dense_table.h); what they are listed by (reports, merge_state, merging)
// sorts them by key first.
template <class Key, class Entry, class Hash>
using HashTable = DenseTable<Key, Entry, Hash>;

// The entries of |map| in key order.
template <class Map>
std::vector<const typename Map::value_type*> in_key_order(const Map& map) {
  std::vector<const typename Map::value_type*> rows;
  rows.reserve(map.size());
  for (const auto& entry : map) rows.push_back(&entry);
  std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  return rows;
}

struct ReasonDetail {
  std::uint64_t flows = 0;
  Timestamp first_seen, last_seen;  // capture time of the flows' first packets
  HashTable<ClientServer, std::uint64_t, ClientServerHash> pairs;  // at most kMaxPairs
  std::uint64_t untracked_pairs = 0;  // flows whose pair came after kMaxPairs others
};

// Flows of entries past a cap: counted, not itemised.
struct Untracked {
  std::uint64_t flows = 0;
  std::uint64_t failed = 0;
};

// Merges the entries of |from| into |to| as if their flows had come after |to|'s: an entry |to|
// has takes |merge_entry(to_entry, from_entry)|, a new one is itemised while |to| holds fewer
// than |cap| entries, and past that its flows and failures go to |untracked| (an Untracked or
// UntrackedFingerprints), as the add_flow that met it would have counted them. New entries go in
// key order, not in the order their flows came, so past a cap the itemised ones may differ.
template <class Map, class Other, class MergeEntry>
void merge_capped(Map& to, const Map& from, std::size_t cap, Other& untracked, MergeEntry merge_entry) {
  for (const auto* row : in_key_order(from)) {
    const auto& [key, entry] = *row;
    auto it = to.find(key);
    if (it != to.end()) {
      merge_entry(it->second, entry);
    } else if (to.size() < cap) {
      to.emplace(key, entry);
    } else {
      untracked.flows += entry.flows;
      untracked.failed += entry.failed;
    }
  }
}

class FleetViews {
 public:
  static constexpr std::size_t kMaxServers = 10'000;
  static constexpr std::size_t kMaxClients = 10'000;
  static constexpr std::size_t kMaxPairs = 10'000;
  static constexpr std::size_t kMaxNames = 4;
  static constexpr std::size_t kMaxSuites = 32;
  static constexpr std::size_t kMaxCertificates = 3;
  static constexpr std::size_t kMaxJa4s = 4;
  static constexpr std::size_t kMaxClientsCounted = 256;

  // |ja4| is the JA4 of the flow's ClientHello ("" without one); computed when not given.
  void add_flow(const analysis::FlowRecord& flow, std::string_view ja4);
  void add_flow(const analysis::FlowRecord& flow);
  // Adds |other|'s flows as if they had come after this one's, under the same caps: equal to
  // one FleetViews over both whenever no cap is reached (see merge_capped).
  void merge(const FleetViews& other);

  // Most failures first, then most flows, then by address; at most |limit| (0 = all). The rows
  // point into the views (valid until the next add_flow or merge).
  std::vector<const ServerView*> server_rows(std::size_t limit) const;
  std::vector<const ClientView*> client_rows(std::size_t limit) const;
  const Untracked& untracked_servers() const { return untracked_servers_; }
  const Untracked& untracked_clients() const { return untracked_clients_; }
  // Indexed by analysis::Reason; flows == 0 for reasons never seen.
  const ReasonDetail& reason(analysis::Reason r) const { return reasons_[static_cast<std::size_t>(r)]; }
  // The most frequent pairs of |r|, most flows first, ties by address; at most |limit|.
  std::vector<PairCount> top_pairs(analysis::Reason r, std::size_t limit) const;

 private:
  friend class StateCodec;  // summary_state.cpp: the views as JSON (merge_state) and back

  void add_server(const analysis::FlowRecord& flow);
  void add_client(const analysis::FlowRecord& flow, std::string_view ja4);
  void add_reason(const analysis::FlowRecord& flow);

  HashTable<net::Endpoint, ServerView, net::EndpointHash> servers_;
  HashTable<net::IpAddress, ClientView, net::IpAddressHash> clients_;
  std::array<ReasonDetail, static_cast<std::size_t>(analysis::Reason::kCount)> reasons_{};
  Untracked untracked_servers_;
  Untracked untracked_clients_;
};

}  // namespace tlsdiag::report
