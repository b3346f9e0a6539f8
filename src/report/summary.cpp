#include "tlsdiag/report/summary.h"

#include <algorithm>

#include "tlsdiag/net/endpoint.h"

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

  if (v.status == Status::Failed) {
    ServerTally& tally = failing_servers_[server_label(flow)];
    ++tally.failed;
    if (reason < kReasonCount) {
      auto it = std::find_if(tally.by_reason.begin(), tally.by_reason.end(),
                             [&](const auto& entry) { return entry.first == v.reason; });
      if (it == tally.by_reason.end()) tally.by_reason.emplace_back(v.reason, 1);
      else ++it->second;
    }
  }
}

void Summary::add_input(const analysis::InputResult& input) {
  ++inputs_;
  const analysis::InputStats& s = input.stats;
  totals_.packets += s.packets;
  totals_.bytes += s.bytes;
  totals_.wire_bytes += s.wire_bytes;
  totals_.tcp_packets += s.tcp_packets;
  totals_.non_ip += s.non_ip;
  totals_.non_tcp += s.non_tcp;
  totals_.truncated_packets += s.truncated_packets;
  totals_.ip_fragments += s.ip_fragments;
  totals_.malformed += s.malformed;
  totals_.unsupported_link += s.unsupported_link;
  totals_.flows_seen += s.flows_seen;
  totals_.flows_evicted += s.flows_evicted;
  if (input.error) input_errors_.push_back({input.info.path, *input.error, input.error_offset});
}

std::vector<ServerFailures> Summary::top_failing_servers(std::size_t limit) const {
  std::vector<ServerFailures> rows;
  rows.reserve(failing_servers_.size());
  for (const auto& [server, tally] : failing_servers_) {
    // The first reason in vocabulary order wins a tie, so the row is deterministic.
    Reason top = static_cast<Reason>(0);
    std::uint64_t most = 0;
    for (const auto& [reason, n] : tally.by_reason) {
      if (n > most || (n == most && reason < top)) {
        top = reason;
        most = n;
      }
    }
    rows.push_back({server, tally.failed, top});
  }
  // failing_servers_ is a map, so rows start sorted by name; a stable sort keeps that for ties.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const ServerFailures& a, const ServerFailures& b) { return a.failed > b.failed; });
  if (limit != 0 && rows.size() > limit) rows.resize(limit);
  return rows;
}

int Summary::exit_code() const {
  if (!input_errors_.empty()) return 2;
  if (failed_ > 0) return 1;
  return 0;
}

}  // namespace tlsdiag::report
