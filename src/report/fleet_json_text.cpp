#include "tlsdiag/report/fleet_json_text.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "json_writer.h"
#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/tls/registry.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::report {

namespace {

void version_names(JsonTextWriter& w, VersionSet set) {
  w.begin_array();
  for (std::uint16_t v : versions_in(set)) w.value(tls::version_name(v));
  w.end_array();
}

void suite_names(JsonTextWriter& w, const std::vector<std::uint16_t>& suites) {
  w.begin_array();
  for (std::uint16_t s : suites) w.value(tls::cipher_suite_name(s));
  w.end_array();
}

// An object keyed by reason name: in name order, as nlohmann keeps its keys.
void reason_counts(JsonTextWriter& w, const ReasonCounts& counts) {
  std::vector<std::pair<std::string_view, std::uint64_t>> named;
  named.reserve(counts.size());
  for (const auto& [reason, n] : counts) named.emplace_back(analysis::name(reason), n);
  std::sort(named.begin(), named.end());
  w.begin_object();
  for (const auto& [name, n] : named) {
    w.key(name);
    w.value(n);
  }
  w.end_object();
}

// "failed", "failures", "flows": the members a server row and a client row share, in key order.
void tally(JsonTextWriter& w, std::uint64_t failed, const ReasonCounts& failures, std::uint64_t flows) {
  w.key("failed");
  w.value(failed);
  w.key("failures");
  reason_counts(w, failures);
  w.key("flows");
  w.value(flows);
}

void client_count(JsonTextWriter& w, const ClientCount& count) {
  w.begin_object();
  w.key("clients");
  w.value(count.clients.size());
  w.key("more");
  w.value(count.more);
  w.end_object();
}

void strings(JsonTextWriter& w, const std::vector<std::string>& values) {
  w.begin_array();
  for (const std::string& s : values) w.value(s);
  w.end_array();
}

}  // namespace

void append_server_row_json(std::string& out, const ServerView& v) {
  JsonTextWriter w(out);
  w.begin_object();
  w.key("certificates");
  w.begin_array();
  for (const ServerCertificate& c : v.certificates) {
    w.begin_object();
    w.key("not_after");
    w.value(rfc3339_text(c.not_after).view());
    w.key("subject");
    w.value(c.subject);
    w.end_object();
  }
  w.end_array();
  w.key("cipher_rejected");
  client_count(w, v.cipher_rejected);
  tally(w, v.failed, v.failures, v.flows);
  w.key("names");
  strings(w, v.names);
  w.key("negotiated_suites");
  suite_names(w, v.negotiated_suites);
  w.key("negotiated_versions");
  version_names(w, v.negotiated_versions);
  w.key("policy");
  w.value(inferred_policy(v));
  w.key("rejected_suites");
  suite_names(w, v.rejected_suites);
  w.key("rejected_versions");
  version_names(w, v.rejected_versions);
  w.key("server");
  w.value(net::to_string(v.server));
  w.key("version_rejected");
  client_count(w, v.version_rejected);
  w.end_object();
}

void append_client_row_json(std::string& out, const ClientView& v) {
  JsonTextWriter w(out);
  w.begin_object();
  w.key("client");
  w.value(net::to_string(v.client));
  tally(w, v.failed, v.failures, v.flows);
  w.key("highest_version_offered");
  if (v.highest_offered != 0) w.value(tls::version_name(v.highest_offered));
  else w.null();
  w.key("ja4");
  strings(w, v.ja4s);
  w.end_object();
}

}  // namespace tlsdiag::report
