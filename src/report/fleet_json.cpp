// The fleet views of the JSON summary: by_server, by_client, by_reason_detail and the window.
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/fleet.h"
#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/tls/registry.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::report {

using nlohmann::json;

namespace {

json version_names(VersionSet set) {
  json out = json::array();
  for (std::uint16_t v : versions_in(set)) out.push_back(tls::version_name(v));
  return out;
}

json suite_names(const std::vector<std::uint16_t>& suites) {
  json out = json::array();
  for (std::uint16_t s : suites) out.push_back(tls::cipher_suite_name(s));
  return out;
}

json reason_counts_json(const ReasonCounts& counts) {
  json out = json::object();
  for (const auto& [reason, n] : counts) out[std::string(analysis::name(reason))] = n;
  return out;
}

json client_count_json(const ClientCount& count) {
  return {{"clients", count.clients.size()}, {"more", count.more}};
}

}  // namespace

json server_row_json(const ServerView& v) {
  json certificates = json::array();
  for (const ServerCertificate& c : v.certificates)
    certificates.push_back({{"subject", c.subject}, {"not_after", format_rfc3339(c.not_after)}});
  return {{"server", net::to_string(v.server)},
          {"names", v.names},
          {"flows", v.flows},
          {"failed", v.failed},
          {"failures", reason_counts_json(v.failures)},
          {"negotiated_versions", version_names(v.negotiated_versions)},
          {"negotiated_suites", suite_names(v.negotiated_suites)},
          {"rejected_versions", version_names(v.rejected_versions)},
          {"version_rejected", client_count_json(v.version_rejected)},
          {"rejected_suites", suite_names(v.rejected_suites)},
          {"cipher_rejected", client_count_json(v.cipher_rejected)},
          {"certificates", std::move(certificates)},
          {"policy", inferred_policy(v)}};
}

json client_row_json(const ClientView& v) {
  return {{"client", net::to_string(v.client)},
          {"ja4", v.ja4s},
          {"flows", v.flows},
          {"failed", v.failed},
          {"highest_version_offered", v.highest_offered ? json(tls::version_name(v.highest_offered)) : json(nullptr)},
          {"failures", reason_counts_json(v.failures)}};
}

namespace {

json reason_detail_json(const FleetViews& fleet) {
  json out = json::object();
  for (std::size_t i = 0; i < kReasonCount; ++i) {
    const auto reason = static_cast<analysis::Reason>(i);
    const ReasonDetail& d = fleet.reason(reason);
    if (d.flows == 0) continue;
    json pairs = json::array();
    for (const PairCount& p : fleet.top_pairs(reason, kTopPairs))
      pairs.push_back({{"client", net::to_string(p.client)}, {"server", net::to_string(p.server)}, {"flows", p.flows}});
    out[std::string(analysis::name(reason))] = {{"flows", d.flows},
                                                {"first_seen", format_rfc3339(d.first_seen)},
                                                {"last_seen", format_rfc3339(d.last_seen)},
                                                {"top_pairs", std::move(pairs)}};
  }
  return out;
}

json untracked_json(const Untracked& u) { return {{"flows", u.flows}, {"failed", u.failed}}; }

json window_json(const Summary& summary) {
  const TimeWindow& w = summary.window();
  return {{"since", w.since ? json(format_rfc3339(*w.since)) : json(nullptr)},
          {"until", w.until ? json(format_rfc3339(*w.until)) : json(nullptr)},
          {"flows_outside", summary.totals().flows_outside_window}};
}

}  // namespace

void add_fleet_json(json& out, const Summary& summary) {
  out["by_server"] = json::array();  // rows: server_row_json
  out["by_server_other"] = untracked_json(summary.fleet().untracked_servers());
  out["by_client"] = json::array();  // rows: client_row_json
  out["by_client_other"] = untracked_json(summary.fleet().untracked_clients());
  out["by_reason_detail"] = reason_detail_json(summary.fleet());
  if (!summary.window().empty()) out["window"] = window_json(summary);
}

}  // namespace tlsdiag::report
