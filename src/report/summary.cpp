#include "tlsdiag/report/summary.h"

#include <algorithm>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/report/fleet.h"
#include "tlsdiag/tls/fingerprint.h"

namespace tlsdiag::report {

using analysis::Reason;
using analysis::Status;


std::string server_label(const analysis::FlowRecord& flow) {
  std::string label = net::to_string(flow.server);
  if (flow.client_hello && !flow.client_hello->sni.empty()) label += " (" + flow.client_hello->sni + ")";
  return label;
}

void Summary::add_flow(const analysis::FlowRecord& flow) {
  ++flows_;
  const analysis::Verdict& v = flow.verdict;
  switch (v.status) {
    case Status::Ok: ++ok_; break;
    case Status::Failed: ++failed_; break;
    case Status::Incomplete: ++incomplete_; break;
    case Status::kCount: break;
  }
  if (flow.established) ++established_;
  if (flow.resumed) ++resumed_;
  if (flow.client_hello) ++client_hellos_;
  if (flow.server_hello) ++server_hellos_;

  const auto reason = static_cast<std::size_t>(v.reason);
  const auto who = static_cast<std::size_t>(v.rejected_by);
  if (reason < kReasonCount) ++by_reason_[reason];
  if (who < kRejectedByCount) ++by_rejected_by_[who];
  if (reason < kReasonCount && who < kRejectedByCount) ++by_cause_[reason][who];

  if (v.status == Status::Failed) add_failing_server(flow);
  // JA4 hashes with SHA-256: computed once for both views.
  const std::string ja4 = flow.client_hello ? tls::ja4(*flow.client_hello).hash : std::string();
  add_client_fingerprint(flow, ja4);
  fleet_.add_flow(flow, ja4);
}

// The tally of |label|, made while fewer than kMaxFailingServers are kept; past that null, and
// its |failed| flows are counted in failing_servers_other_.
Summary::ServerTally* Summary::failing_server(std::string label, std::uint64_t failed) {
  if (auto it = failing_servers_.find(label); it != failing_servers_.end()) return &it->second;
  if (failing_servers_.size() >= kMaxFailingServers) {
    failing_servers_other_ += failed;
    return nullptr;
  }
  return &failing_servers_.emplace(std::move(label), ServerTally{}).first->second;
}

void Summary::add_failing_server(const analysis::FlowRecord& flow) {
  if (ServerTally* tally = failing_server(server_label(flow), 1)) {
    ++tally->failed;
    count_reason(tally->by_reason, flow.verdict.reason);
  }
}

// Flows without a ClientHello have no client fingerprint and are not in this view.
void Summary::add_client_fingerprint(const analysis::FlowRecord& flow, const std::string& ja4) {
  if (!flow.client_hello) return;
  const bool failed = flow.verdict.status == Status::Failed;
  Ja4 key{};
  std::copy_n(ja4.begin(), std::min(ja4.size(), key.size()), key.begin());
  auto it = client_fingerprints_.find(key);
  if (it == client_fingerprints_.end()) {
    if (client_fingerprints_.size() >= kMaxClientFingerprints) {
      ++untracked_fingerprints_.flows;
      if (failed) ++untracked_fingerprints_.failed;
      return;
    }
    it = client_fingerprints_.emplace(key, FingerprintTally{}).first;
  }
  FingerprintTally& tally = it->second;
  ++tally.flows;
  // The example is the first flow seen, replaced once by the first failing one.
  if (tally.flows == 1 || (failed && !tally.example_failed)) {
    tally.example_client = flow.client.ip;
    tally.example_sni = flow.client_hello->sni;
    tally.example_failed = failed;
  }
  if (!failed) return;
  ++tally.failed;
  count_reason(tally.by_reason, flow.verdict.reason);
}

namespace {

void add_stats(analysis::InputStats& to, const analysis::InputStats& s) {
  to.packets += s.packets;
  to.bytes += s.bytes;
  to.wire_bytes += s.wire_bytes;
  to.tcp_packets += s.tcp_packets;
  to.non_ip += s.non_ip;
  to.non_tcp += s.non_tcp;
  to.truncated_packets += s.truncated_packets;
  to.ip_fragments += s.ip_fragments;
  to.malformed += s.malformed;
  to.unsupported_link += s.unsupported_link;
  to.flows_seen += s.flows_seen;
  to.flows_evicted += s.flows_evicted;
  to.flows_reported += s.flows_reported;
  to.flows_not_tls += s.flows_not_tls;
  to.flows_without_payload += s.flows_without_payload;
  to.flows_outside_window += s.flows_outside_window;
  for (std::size_t i = 0; i < s.malformed_by_kind.size(); ++i) to.malformed_by_kind[i] += s.malformed_by_kind[i];
  for (std::size_t i = 0; i < s.caps_hit.size(); ++i) to.caps_hit[i] += s.caps_hit[i];
}

template <class T, std::size_t N>
void add_array(std::array<T, N>& to, const std::array<T, N>& from) {
  for (std::size_t i = 0; i < N; ++i) to[i] += from[i];
}

}  // namespace

void Summary::add_input(const analysis::InputResult& input) {
  ++inputs_;
  add_stats(totals_, input.stats);
  if (input.error) input_errors_.push_back({input.info.path, *input.error, input.error_offset});
  for (const std::string& note : input.info.notes) input_notes_.emplace_back(input.info.path, note);
}

bool Summary::merge(const Summary& other) {
  if (&other == this) return merge(Summary(other));  // the loops below read what they write
  if (window_ != other.window_) return false;
  flows_ += other.flows_;
  ok_ += other.ok_;
  established_ += other.established_;
  failed_ += other.failed_;
  incomplete_ += other.incomplete_;
  resumed_ += other.resumed_;
  client_hellos_ += other.client_hellos_;
  server_hellos_ += other.server_hellos_;
  inputs_ += other.inputs_;
  add_array(by_reason_, other.by_reason_);
  add_array(by_rejected_by_, other.by_rejected_by_);
  for (std::size_t r = 0; r < kReasonCount; ++r) add_array(by_cause_[r], other.by_cause_[r]);
  add_stats(totals_, other.totals_);
  input_errors_.insert(input_errors_.end(), other.input_errors_.begin(), other.input_errors_.end());
  input_notes_.insert(input_notes_.end(), other.input_notes_.begin(), other.input_notes_.end());
  for (const auto& [server, tally] : other.failing_servers_) {  // in key order, as merge_capped goes
    if (ServerTally* mine = failing_server(server, tally.failed)) {
      mine->failed += tally.failed;
      add_counts(mine->by_reason, tally.by_reason);
    }
  }
  failing_servers_other_ += other.failing_servers_other_;
  merge_capped(client_fingerprints_, other.client_fingerprints_, kMaxClientFingerprints, untracked_fingerprints_,
               merge_fingerprint);
  untracked_fingerprints_.flows += other.untracked_fingerprints_.flows;
  untracked_fingerprints_.failed += other.untracked_fingerprints_.failed;
  fleet_.merge(other.fleet_);
  return true;
}

// As add_client_fingerprint keeps it: the example is the first flow, or the first failing one,
// and |from|'s flows come after |to|'s.
void Summary::merge_fingerprint(FingerprintTally& to, const FingerprintTally& from) {
  to.flows += from.flows;
  to.failed += from.failed;
  add_counts(to.by_reason, from.by_reason);
  if (to.example_failed || !from.example_failed) return;
  to.example_client = from.example_client;
  to.example_sni = from.example_sni;
  to.example_failed = true;
}

std::vector<ServerFailures> Summary::top_failing_servers(std::size_t limit) const {
  std::vector<ServerFailures> rows;
  rows.reserve(failing_servers_.size());
  for (const auto& [server, tally] : failing_servers_)
    rows.push_back({server, tally.failed, top_reason(tally.by_reason)});
  // failing_servers_ is a map, so rows start sorted by name; a stable sort keeps that for ties.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const ServerFailures& a, const ServerFailures& b) { return a.failed > b.failed; });
  if (limit != 0 && rows.size() > limit) rows.resize(limit);
  return rows;
}

std::vector<ClientFingerprintFailures> Summary::client_fingerprints(std::size_t limit,
                                                                    bool failing_only) const {
  std::vector<ClientFingerprintFailures> rows;
  for (const auto& [key, tally] : client_fingerprints_) {
    if (failing_only && tally.failed == 0) continue;
    ClientFingerprintFailures row;
    row.ja4.assign(key.begin(), std::find(key.begin(), key.end(), '\0'));  // shorter: no SHA-256
    row.flows = tally.flows;
    row.failed = tally.failed;
    if (tally.failed != 0) row.top_reason = top_reason(tally.by_reason);
    row.example_client = tally.example_client;
    row.example_sni = tally.example_sni;
    rows.push_back(std::move(row));
  }
  // The map is ordered by JA4, so a stable sort keeps that order for ties.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.failed > b.failed; });
  if (limit != 0 && rows.size() > limit) rows.resize(limit);
  return rows;
}

int Summary::exit_code() const {
  if (!input_errors_.empty()) return 2;
  if (failed_ > 0) return 1;
  return 0;
}

}  // namespace tlsdiag::report
