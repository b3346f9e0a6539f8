// The merge state (summary_state.h): a Summary and its FleetViews as JSON, and back. Nothing is
// left out or rounded: versions and cipher suites are wire codes, times nanoseconds since the
// epoch, lists keep their order (the first few names, JA4s and certificates seen; failures by
// reason in the order first seen), so a state read back writes the same JSON.
#include "tlsdiag/report/summary_state.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/json_indent.h"

namespace tlsdiag::report {

using analysis::Reason;
using nlohmann::json;

namespace {

// --- reading: every value is checked, and a bad one named ------------------------------------

// A state that breaks the format; summary_from_state turns it into the error message.
struct BadState : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void bad(const std::string& what) { throw BadState(what); }

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

const json& member(const json& object, const char* key) {
  if (!object.is_object()) bad("not an object where " + in_quotes(key) + " belongs");
  auto it = object.find(key);
  if (it == object.end()) bad("no " + in_quotes(key));
  return *it;
}

// |as(value, what)| of member |key| of |object|: at(o, "flows", as_count). A reference stays one.
template <class As>
decltype(auto) at(const json& object, const char* key, As as) {
  return as(member(object, key), in_quotes(key));
}

const json& as_object(const json& v, const std::string& what) {
  if (!v.is_object()) bad(what + " is not an object");
  return v;
}

const json& as_array(const json& v, const std::string& what) {
  if (!v.is_array()) bad(what + " is not an array");
  return v;
}

std::uint64_t as_count(const json& v, const std::string& what) {
  // Parsed non-negative numbers are unsigned; built ones may be signed.
  const bool count = v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
  if (!count) bad(what + " is not a count");
  return v.get<std::uint64_t>();
}

bool as_bool(const json& v, const std::string& what) {
  if (!v.is_boolean()) bad(what + " is not a boolean");
  return v.get<bool>();
}

std::string as_string(const json& v, const std::string& what) {
  if (!v.is_string()) bad(what + " is not a string");
  return v.get<std::string>();
}

std::uint16_t as_code(const json& v, const std::string& what) {
  const std::uint64_t code = as_count(v, what);
  if (code > 0xffff) bad(what + " is not a 16-bit code");
  return static_cast<std::uint16_t>(code);
}

Timestamp as_time(const json& v, const std::string& what) {
  const bool fits = v.is_number_integer() &&
                    !(v.is_number_unsigned() && v.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max());
  if (!fits) bad(what + " is not a time in nanoseconds");
  return Timestamp{v.get<std::int64_t>()};
}

std::optional<Timestamp> as_optional_time(const json& v, const std::string& what) {
  if (v.is_null()) return std::nullopt;
  return as_time(v, what);
}

// An array of at most |cap| items (the cap add_flow keeps to).
const json& as_capped_array(const json& v, const std::string& what, std::size_t cap) {
  if (as_array(v, what).size() > cap) bad(what + " holds more than " + std::to_string(cap) + " items");
  return v;
}

const json& capped_at(const json& object, const char* key, std::size_t cap) {
  return as_capped_array(member(object, key), in_quotes(key), cap);
}

// Only in the notation net::to_string writes, so that an address read back writes back the same.
std::optional<net::IpAddress> parse_ip(const std::string& text) {
  for (const auto& [af, family] : {std::pair{AF_INET, 4}, std::pair{AF_INET6, 6}}) {
    net::IpAddress ip;
    ip.family = static_cast<std::uint8_t>(family);
    if (inet_pton(af, text.c_str(), ip.bytes.data()) == 1 && net::to_string(ip) == text) return ip;
  }
  return std::nullopt;
}

net::IpAddress as_ip(const json& v, const std::string& what) {
  const std::string text = as_string(v, what);
  const std::optional<net::IpAddress> ip = parse_ip(text);
  if (!ip) bad(what + ": not an IP address: " + in_quotes(text));
  return *ip;
}

// "192.0.2.1:443", "[2001:db8::1]:443": as net::to_string writes them.
net::Endpoint as_endpoint(const json& v, const std::string& what) {
  const std::string text = as_string(v, what);
  const std::size_t colon = text.rfind(':');
  if (colon != std::string::npos) {
    const bool bracketed = text.front() == '[' && colon >= 2 && text[colon - 1] == ']';
    const std::optional<net::IpAddress> ip =
        parse_ip(bracketed ? text.substr(1, colon - 2) : text.substr(0, colon));
    net::Endpoint ep;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data() + colon + 1, end, ep.port);
    if (ip && ec == std::errc() && ptr == end) {
      ep.ip = *ip;
      if (net::to_string(ep) == text) return ep;
    }
  }
  bad(what + ": not an endpoint: " + in_quotes(text));
}

// The index of the output name |v| in |names| (analysis::kReasonNames, kRejectedByNames).
template <std::size_t N>
std::size_t as_index(const std::array<std::string_view, N>& names, const json& v, const std::string& what) {
  const std::string text = as_string(v, what);
  const auto it = std::find(names.begin(), names.end(), text);
  if (it == names.end()) bad(what + ": unknown name " + in_quotes(text));
  return static_cast<std::size_t>(it - names.begin());
}

Reason as_reason(const json& v, const std::string& what) {
  return static_cast<Reason>(as_index(analysis::kReasonNames, v, what));
}

// --- the public types of fleet.h and summary.h, both ways ------------------------------------

// [["protocol_version_mismatch", 3], ...]: in the order first seen.
json reason_counts_json(const ReasonCounts& counts) {
  json out = json::array();
  for (const auto& [reason, n] : counts) out.push_back({analysis::name(reason), n});
  return out;
}

ReasonCounts as_reason_counts(const json& v, const std::string& what) {
  ReasonCounts counts;
  for (const json& entry : as_capped_array(v, what, static_cast<std::size_t>(Reason::kCount))) {
    if (!entry.is_array() || entry.size() != 2) bad(what + " holds something else than [reason, count]");
    count_reason(counts, as_reason(entry[0], what), as_count(entry[1], what));
  }
  return counts;
}

json ips_json(const std::vector<net::IpAddress>& ips) {
  json out = json::array();
  for (const net::IpAddress& ip : ips) out.push_back(net::to_string(ip));
  return out;
}

json client_count_json(const ClientCount& count) {
  return {{"clients", ips_json(count.clients)}, {"more", count.more}};
}

ClientCount as_client_count(const json& v, const std::string&) {
  ClientCount count;
  for (const json& ip : capped_at(v, "clients", FleetViews::kMaxClientsCounted))
    count.add(as_ip(ip, "\"clients\""), FleetViews::kMaxClientsCounted);  // kept sorted and distinct
  count.more = at(v, "more", as_bool);
  return count;
}

// A sorted set of codes (add_flow keeps suites so), at most |cap| of them.
std::vector<std::uint16_t> code_set_at(const json& object, const char* key, std::size_t cap) {
  std::vector<std::uint16_t> codes;
  for (const json& code : capped_at(object, key, cap)) codes.push_back(as_code(code, in_quotes(key)));
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

VersionSet as_versions(const json& v, const std::string& what) {
  VersionSet set = 0;
  for (const json& code : as_array(v, what)) {
    const VersionSet bit = version_bit(as_code(code, what));
    if (bit == 0) bad(what + ": not a protocol version: " + code.dump());
    set |= bit;
  }
  return set;
}

// A list of at most |cap| strings, in order.
std::vector<std::string> strings_at(const json& object, const char* key, std::size_t cap) {
  std::vector<std::string> out;
  for (const json& s : capped_at(object, key, cap)) out.push_back(as_string(s, in_quotes(key)));
  return out;
}

json server_json(const ServerView& v) {
  json certificates = json::array();
  for (const ServerCertificate& c : v.certificates)
    certificates.push_back({{"subject", c.subject}, {"not_after_ns", c.not_after.ns}});
  return {{"server", net::to_string(v.server)},
          {"names", v.names},
          {"flows", v.flows},
          {"failed", v.failed},
          {"failures", reason_counts_json(v.failures)},
          {"negotiated_versions", versions_in(v.negotiated_versions)},
          {"negotiated_suites", v.negotiated_suites},
          {"rejected_versions", versions_in(v.rejected_versions)},
          {"version_rejected", client_count_json(v.version_rejected)},
          {"rejected_suites", v.rejected_suites},
          {"cipher_rejected", client_count_json(v.cipher_rejected)},
          {"certificates", std::move(certificates)}};
}

ServerView as_server(const json& v) {
  ServerView s;
  s.server = at(v, "server", as_endpoint);
  s.names = strings_at(v, "names", FleetViews::kMaxNames);
  s.flows = at(v, "flows", as_count);
  s.failed = at(v, "failed", as_count);
  s.failures = at(v, "failures", as_reason_counts);
  s.negotiated_versions = at(v, "negotiated_versions", as_versions);
  s.negotiated_suites = code_set_at(v, "negotiated_suites", FleetViews::kMaxSuites);
  s.rejected_versions = at(v, "rejected_versions", as_versions);
  s.version_rejected = at(v, "version_rejected", as_client_count);
  s.rejected_suites = code_set_at(v, "rejected_suites", FleetViews::kMaxSuites);
  s.cipher_rejected = at(v, "cipher_rejected", as_client_count);
  for (const json& c : capped_at(v, "certificates", FleetViews::kMaxCertificates))
    s.certificates.push_back({at(c, "subject", as_string), at(c, "not_after_ns", as_time)});
  return s;
}

json client_json(const ClientView& v) {
  return {{"client", net::to_string(v.client)},
          {"ja4s", v.ja4s},
          {"flows", v.flows},
          {"failed", v.failed},
          {"highest_offered", v.highest_offered},
          {"failures", reason_counts_json(v.failures)}};
}

ClientView as_client(const json& v) {
  ClientView c;
  c.client = at(v, "client", as_ip);
  c.ja4s = strings_at(v, "ja4s", FleetViews::kMaxJa4s);
  c.flows = at(v, "flows", as_count);
  c.failed = at(v, "failed", as_count);
  c.highest_offered = at(v, "highest_offered", as_code);
  c.failures = at(v, "failures", as_reason_counts);
  return c;
}

// A row of ReasonDetail::pairs.
template <class Row>
json pair_json(const Row& row) {
  const auto& [pair, n] = row;
  return {{"client", net::to_string(pair.first)}, {"server", net::to_string(pair.second)}, {"flows", n}};
}

// ReasonDetail without its pairs.
json reason_head_json(const ReasonDetail& d) {
  return {{"flows", d.flows},
          {"first_seen_ns", d.first_seen.ns},
          {"last_seen_ns", d.last_seen.ns},
          {"untracked_pairs", d.untracked_pairs}};
}

json reason_detail_json(const ReasonDetail& d) {
  json pairs = json::array();
  for (const auto* row : in_key_order(d.pairs)) pairs.push_back(pair_json(*row));
  json out = reason_head_json(d);
  out["pairs"] = std::move(pairs);
  return out;
}

ReasonDetail as_reason_detail(const json& v) {
  ReasonDetail d;
  d.flows = at(v, "flows", as_count);
  d.first_seen = at(v, "first_seen_ns", as_time);
  d.last_seen = at(v, "last_seen_ns", as_time);
  for (const json& p : capped_at(v, "pairs", FleetViews::kMaxPairs)) {
    const auto key = std::make_pair(at(p, "client", as_ip), at(p, "server", as_endpoint));
    if (!d.pairs.emplace(key, at(p, "flows", as_count)).second) bad("\"pairs\": a pair is listed twice");
  }
  d.untracked_pairs = at(v, "untracked_pairs", as_count);
  return d;
}

// Untracked and UntrackedFingerprints: {"flows", "failed"}.
template <class Other>
json untracked_json(const Other& u) {
  return {{"flows", u.flows}, {"failed", u.failed}};
}

template <class Other>
Other as_untracked(const json& v) {
  Other u;
  u.flows = at(v, "flows", as_count);
  u.failed = at(v, "failed", as_count);
  return u;
}

// {name: count} for the nonzero counts of an array indexed by an enum with output names |names|.
template <std::size_t N>
json named_counts_json(const std::array<std::string_view, N>& names, const std::array<std::uint64_t, N>& counts) {
  json out = json::object();
  for (std::size_t i = 0; i < N; ++i)
    if (counts[i] != 0) out[std::string(names[i])] = counts[i];
  return out;
}

template <std::size_t N>
std::array<std::uint64_t, N> as_named_counts(const std::array<std::string_view, N>& names, const json& v,
                                             const std::string& what) {
  std::array<std::uint64_t, N> counts{};
  for (const auto& [name, n] : as_object(v, what).items())
    counts[as_index(names, json(name), what)] = as_count(n, what);
  return counts;
}

// {name: count} for every count, zero or not: caps_hit, a fixed set of counters.
template <std::size_t N>
json all_counts_json(const std::array<std::string_view, N>& names, const std::array<std::uint64_t, N>& counts) {
  json out = json::object();
  for (std::size_t i = 0; i < N; ++i) out[std::string(names[i])] = counts[i];
  return out;
}

template <std::size_t N>
std::array<std::uint64_t, N> as_all_counts(const std::array<std::string_view, N>& names, const json& v,
                                           const std::string& what) {
  const std::array<std::uint64_t, N> counts = as_named_counts(names, v, what);
  if (v.size() != N) bad(what + " does not hold all of its " + std::to_string(N) + " counts");
  return counts;
}

// Every plain counter of InputStats, by its output name (input_to_json's, and flows_outside_window).
struct StatsField {
  const char* name;
  std::uint64_t analysis::InputStats::*member;
};
constexpr StatsField kStatsFields[] = {
    {"packets", &analysis::InputStats::packets},
    {"bytes", &analysis::InputStats::bytes},
    {"wire_bytes", &analysis::InputStats::wire_bytes},
    {"tcp_packets", &analysis::InputStats::tcp_packets},
    {"non_ip", &analysis::InputStats::non_ip},
    {"non_tcp", &analysis::InputStats::non_tcp},
    {"truncated_packets", &analysis::InputStats::truncated_packets},
    {"ip_fragments", &analysis::InputStats::ip_fragments},
    {"malformed", &analysis::InputStats::malformed},
    {"unsupported_link", &analysis::InputStats::unsupported_link},
    {"flows_seen", &analysis::InputStats::flows_seen},
    {"flows_evicted", &analysis::InputStats::flows_evicted},
    {"flows_reported", &analysis::InputStats::flows_reported},
    {"flows_not_tls", &analysis::InputStats::flows_not_tls},
    {"flows_without_payload", &analysis::InputStats::flows_without_payload},
    {"flows_outside_window", &analysis::InputStats::flows_outside_window},
};

// The counters, then their breakdowns as input_to_json writes them.
json stats_json(const analysis::InputStats& stats) {
  json out = json::object();
  for (const StatsField& f : kStatsFields) out[f.name] = stats.*f.member;
  out["malformed_by_kind"] = named_counts_json(analysis::kMalformedKindNames, stats.malformed_by_kind);
  out["caps_hit"] = all_counts_json(analysis::kCapNames, stats.caps_hit);
  return out;
}

analysis::InputStats as_stats(const json& v) {
  analysis::InputStats stats;
  for (const StatsField& f : kStatsFields) stats.*f.member = at(v, f.name, as_count);
  stats.malformed_by_kind =
      as_named_counts(analysis::kMalformedKindNames, member(v, "malformed_by_kind"), "\"malformed_by_kind\"");
  stats.caps_hit = as_all_counts(analysis::kCapNames, member(v, "caps_hit"), "\"caps_hit\"");
  return stats;
}

json time_or_null(const std::optional<Timestamp>& ts) { return ts ? json(ts->ns) : json(nullptr); }

}  // namespace

// Summary's and FleetViews' friend: their private members, both ways, one group at a time.
class StateCodec {
 public:
  static json to_json(const Summary& s);
  static void write(std::ostream& out, const Summary& s, int depth);
  static Summary from_json(const json& state);

 private:
  static json counts_json(const Summary& s);
  static json inputs_json(const Summary& s);
  static json tallies_json(const Summary& s);
  static json failing_server_json(const std::string& server, const Summary::ServerTally& t);
  static json fingerprint_json(const Summary::Ja4& ja4, const Summary::FingerprintTally& t);
  static json fleet_json(const FleetViews& fleet);
  static void read_counts(const json& state, Summary& s);
  static void read_inputs(const json& state, Summary& s);
  static void read_tallies(const json& state, Summary& s);
  static void read_fleet(const json& state, FleetViews& fleet);
};

json StateCodec::to_json(const Summary& s) {
  json out = counts_json(s);
  out.update(inputs_json(s));
  out.update(tallies_json(s));
  out.update(fleet_json(s.fleet_));
  return out;
}

json StateCodec::counts_json(const Summary& s) {
  json by_cause = json::object();
  for (std::size_t r = 0; r < kReasonCount; ++r) {
    if (s.by_reason_[r] != 0)
      by_cause[std::string(analysis::kReasonNames[r])] =
          named_counts_json(analysis::kRejectedByNames, s.by_cause_[r]);
  }
  return {{"format", kMergeStateFormat},
          {"window", {{"since_ns", time_or_null(s.window_.since)}, {"until_ns", time_or_null(s.window_.until)}}},
          {"flows", s.flows_},
          {"ok", s.ok_},
          {"established", s.established_},
          {"failed", s.failed_},
          {"incomplete", s.incomplete_},
          {"resumed", s.resumed_},
          {"client_hellos", s.client_hellos_},
          {"server_hellos", s.server_hellos_},
          {"inputs", s.inputs_},
          {"by_reason", named_counts_json(analysis::kReasonNames, s.by_reason_)},
          {"by_rejected_by", named_counts_json(analysis::kRejectedByNames, s.by_rejected_by_)},
          {"by_cause", std::move(by_cause)},
          {"totals", stats_json(s.totals_)}};
}

json StateCodec::inputs_json(const Summary& s) {
  json errors = json::array();
  for (const InputError& e : s.input_errors_) {
    errors.push_back(
        {{"path", e.path}, {"message", e.message}, {"offset", e.offset ? json(*e.offset) : json(nullptr)}});
  }
  json notes = json::array();
  for (const auto& [path, note] : s.input_notes_) notes.push_back({{"path", path}, {"note", note}});
  return {{"input_errors", std::move(errors)}, {"input_notes", std::move(notes)}};
}

// The failing servers and the client fingerprints.
json StateCodec::tallies_json(const Summary& s) {
  json failing = json::array();
  for (const auto& [server, t] : s.failing_servers_)
    failing.push_back(failing_server_json(server, t));
  json fingerprints = json::array();
  for (const auto& [ja4, t] : s.client_fingerprints_) fingerprints.push_back(fingerprint_json(ja4, t));
  json out = {{"failing_servers", std::move(failing)},
              {"client_fingerprints", std::move(fingerprints)},
              {"client_fingerprints_other", untracked_json(s.untracked_fingerprints_)}};
  if (s.failing_servers_other_ > 0) out["failing_servers_other"] = s.failing_servers_other_;  // past the cap only
  return out;
}

json StateCodec::failing_server_json(const std::string& server, const Summary::ServerTally& t) {
  return {{"server", server}, {"failed", t.failed}, {"by_reason", reason_counts_json(t.by_reason)}};
}

json StateCodec::fingerprint_json(const Summary::Ja4& ja4, const Summary::FingerprintTally& t) {
  return {{"ja4", std::string(ja4.begin(), std::find(ja4.begin(), ja4.end(), '\0'))},
          {"flows", t.flows},
          {"failed", t.failed},
          {"by_reason", reason_counts_json(t.by_reason)},
          {"example_client", net::to_string(t.example_client)},
          {"example_failed", t.example_failed},
          {"example_sni", t.example_sni}};
}

json StateCodec::fleet_json(const FleetViews& fleet) {
  json servers = json::array();
  for (const auto* row : in_key_order(fleet.servers_)) servers.push_back(server_json(row->second));
  json clients = json::array();
  for (const auto* row : in_key_order(fleet.clients_)) clients.push_back(client_json(row->second));
  json reasons = json::object();
  for (std::size_t r = 0; r < fleet.reasons_.size(); ++r) {
    if (fleet.reasons_[r].flows != 0)
      reasons[std::string(analysis::kReasonNames[r])] = reason_detail_json(fleet.reasons_[r]);
  }
  return {{"servers", std::move(servers)},
          {"servers_other", untracked_json(fleet.untracked_servers_)},
          {"clients", std::move(clients)},
          {"clients_other", untracked_json(fleet.untracked_clients_)},
          {"reasons", std::move(reasons)}};
}

Summary StateCodec::from_json(const json& state) {
  const std::uint64_t format = at(state, "format", as_count);
  if (format != kMergeStateFormat)
    bad("format " + std::to_string(format) + "; this tlsdiag reads format " + std::to_string(kMergeStateFormat));
  Summary s;
  read_counts(state, s);
  read_inputs(state, s);
  read_tallies(state, s);
  read_fleet(state, s.fleet_);
  return s;
}

void StateCodec::read_counts(const json& state, Summary& s) {
  const json& window = member(state, "window");
  s.window_.since = at(window, "since_ns", as_optional_time);
  s.window_.until = at(window, "until_ns", as_optional_time);
  s.flows_ = at(state, "flows", as_count);
  s.ok_ = at(state, "ok", as_count);
  s.established_ = at(state, "established", as_count);
  s.failed_ = at(state, "failed", as_count);
  s.incomplete_ = at(state, "incomplete", as_count);
  s.resumed_ = at(state, "resumed", as_count);
  s.client_hellos_ = at(state, "client_hellos", as_count);
  s.server_hellos_ = at(state, "server_hellos", as_count);
  s.inputs_ = at(state, "inputs", as_count);
  s.by_reason_ = as_named_counts(analysis::kReasonNames, member(state, "by_reason"), "\"by_reason\"");
  s.by_rejected_by_ =
      as_named_counts(analysis::kRejectedByNames, member(state, "by_rejected_by"), "\"by_rejected_by\"");
  for (const auto& [name, sides] : at(state, "by_cause", as_object).items()) {
    const auto r = static_cast<std::size_t>(as_reason(json(name), "\"by_cause\""));
    s.by_cause_[r] = as_named_counts(analysis::kRejectedByNames, sides, "\"by_cause\"");
  }
  s.totals_ = as_stats(member(state, "totals"));
}

void StateCodec::read_inputs(const json& state, Summary& s) {
  for (const json& e : at(state, "input_errors", as_array)) {
    const json& offset = member(e, "offset");
    s.input_errors_.push_back({at(e, "path", as_string), at(e, "message", as_string),
                               offset.is_null() ? std::nullopt : std::optional(as_count(offset, "\"offset\""))});
  }
  for (const json& n : at(state, "input_notes", as_array))
    s.input_notes_.emplace_back(at(n, "path", as_string), at(n, "note", as_string));
}

void StateCodec::read_tallies(const json& state, Summary& s) {
  for (const json& f : capped_at(state, "failing_servers", Summary::kMaxFailingServers)) {
    Summary::ServerTally t{at(f, "failed", as_count), at(f, "by_reason", as_reason_counts)};
    if (!s.failing_servers_.emplace(at(f, "server", as_string), std::move(t)).second)
      bad("\"failing_servers\": a server is listed twice");
  }
  for (const json& f : capped_at(state, "client_fingerprints", Summary::kMaxClientFingerprints)) {
    const std::string ja4 = at(f, "ja4", as_string);
    Summary::Ja4 key{};
    if (ja4.size() > key.size()) bad("\"ja4\": longer than a JA4: " + in_quotes(ja4));
    std::copy(ja4.begin(), ja4.end(), key.begin());
    Summary::FingerprintTally t;
    t.flows = at(f, "flows", as_count);
    t.failed = at(f, "failed", as_count);
    t.by_reason = at(f, "by_reason", as_reason_counts);
    t.example_client = at(f, "example_client", as_ip);
    t.example_failed = at(f, "example_failed", as_bool);
    t.example_sni = at(f, "example_sni", as_string);
    if (!s.client_fingerprints_.emplace(key, std::move(t)).second)
      bad("\"client_fingerprints\": " + in_quotes(ja4) + " is listed twice");
  }
  s.untracked_fingerprints_ = as_untracked<UntrackedFingerprints>(member(state, "client_fingerprints_other"));
  if (state.contains("failing_servers_other")) s.failing_servers_other_ = at(state, "failing_servers_other", as_count);
}

// --- writing as a stream: what dump_json(to_json(s), 2) nested |depth| levels deep gives, with one
// element of the long lists (servers, clients, pairs of a reason, failing servers, fingerprints)
// built at a time instead of the whole tree (tens of MB of nodes at the views' caps).

namespace {

using MemberWriter = std::function<void(std::ostream&, int depth)>;

void write_value(std::ostream& out, const json& value, int depth) {
  std::string text;
  append_indented_json(text, dump_json(value), depth);
  out << text;
}

std::string indent(int depth) { return std::string(static_cast<std::size_t>(2 * depth), ' '); }

// {"key": value, ...} or [value, ...] laid out at |depth|, next(out, depth + 1) writing each
// item after its key (objects) or in its place (arrays); "{}" / "[]" when there is none.
template <class Items, class WriteItem>
void write_container(std::ostream& out, int depth, char open, char close, const Items& items, WriteItem write_item) {
  bool first = true;
  for (const auto& item : items) {
    out << (first ? std::string(1, open) + "\n" : std::string(",\n")) << indent(depth + 1);
    write_item(out, item, depth + 1);
    first = false;
  }
  if (first) out << open << close;
  else out << "\n" << indent(depth) << close;
}

template <class Rows, class ToJson>
MemberWriter streamed_array(const Rows& rows, ToJson to_json) {
  return [&rows, to_json](std::ostream& out, int depth) {
    write_container(out, depth, '[', ']', rows,
                    [&](std::ostream& o, const auto& row, int d) { write_value(o, to_json(row), d); });
  };
}

// The members of an object, written in key order as nlohmann sorts them.
using Members = std::map<std::string, MemberWriter>;

// Each member of |small|, which must outlive |members|' writing, as a member written whole.
void add_members(Members& members, const json& small) {
  for (const auto& item : small.items()) {  // (clang cannot capture a structured binding)
    const json* value = &item.value();
    members[item.key()] = [value](std::ostream& o, int d) { write_value(o, *value, d); };
  }
}

void write_members(std::ostream& out, const Members& members, int depth) {
  write_container(out, depth, '{', '}', members, [](std::ostream& o, const auto& member, int d) {
    o << dump_json(json(member.first)) << ": ";
    member.second(o, d);
  });
}

// reason_detail_json(d), its pairs a row at a time: the ok flows' pairs alone are up to
// kMaxPairs rows, whose tree and its text were the largest allocation of the document's end.
void write_reason_detail(std::ostream& out, const ReasonDetail& d, int depth) {
  const json head = reason_head_json(d);
  const auto pairs = in_key_order(d.pairs);
  Members members;
  add_members(members, head);
  members["pairs"] = streamed_array(pairs, [](const auto* row) { return pair_json(*row); });
  write_members(out, members, depth);
}

}  // namespace

void StateCodec::write(std::ostream& out, const Summary& s, int depth) {
  Members members;
  // The short members, built whole.
  json small = counts_json(s);
  small.update(inputs_json(s));
  small["client_fingerprints_other"] = untracked_json(s.untracked_fingerprints_);
  if (s.failing_servers_other_ > 0) small["failing_servers_other"] = s.failing_servers_other_;
  const FleetViews& fleet = s.fleet_;
  small["servers_other"] = untracked_json(fleet.untracked_servers_);
  small["clients_other"] = untracked_json(fleet.untracked_clients_);
  add_members(members, small);
  // The long ones, an element at a time.
  members["failing_servers"] =
      streamed_array(s.failing_servers_, [](const auto& row) { return failing_server_json(row.first, row.second); });
  members["client_fingerprints"] =
      streamed_array(s.client_fingerprints_, [](const auto& row) { return fingerprint_json(row.first, row.second); });
  const auto servers = in_key_order(fleet.servers_);
  const auto clients = in_key_order(fleet.clients_);
  members["servers"] = streamed_array(servers, [](const auto* row) { return server_json(row->second); });
  members["clients"] = streamed_array(clients, [](const auto* row) { return client_json(row->second); });
  std::vector<std::size_t> reasons;  // reason names are in the order of the enum, not sorted
  for (std::size_t r = 0; r < fleet.reasons_.size(); ++r)
    if (fleet.reasons_[r].flows != 0) reasons.push_back(r);
  std::ranges::sort(reasons, {}, [](std::size_t r) { return analysis::kReasonNames[r]; });
  members["reasons"] = [&](std::ostream& o, int d) {
    write_container(o, d, '{', '}', reasons, [&](std::ostream& o2, std::size_t r, int d2) {
      o2 << dump_json(json(std::string(analysis::kReasonNames[r]))) << ": ";
      write_reason_detail(o2, fleet.reasons_[r], d2);
    });
  };
  write_members(out, members, depth);
}

void StateCodec::read_fleet(const json& state, FleetViews& fleet) {
  for (const json& v : capped_at(state, "servers", FleetViews::kMaxServers)) {
    ServerView view = as_server(v);
    const net::Endpoint key = view.server;
    if (!fleet.servers_.emplace(key, std::move(view)).second)
      bad("\"servers\": " + net::to_string(key) + " is listed twice");
  }
  for (const json& v : capped_at(state, "clients", FleetViews::kMaxClients)) {
    ClientView view = as_client(v);
    const net::IpAddress key = view.client;
    if (!fleet.clients_.emplace(key, std::move(view)).second)
      bad("\"clients\": " + net::to_string(key) + " is listed twice");
  }
  fleet.untracked_servers_ = as_untracked<Untracked>(member(state, "servers_other"));
  fleet.untracked_clients_ = as_untracked<Untracked>(member(state, "clients_other"));
  for (const auto& [name, detail] : at(state, "reasons", as_object).items())
    fleet.reasons_[static_cast<std::size_t>(as_reason(json(name), "\"reasons\""))] = as_reason_detail(detail);
}

json state_to_json(const Summary& summary) { return StateCodec::to_json(summary); }

void write_state_json(std::ostream& out, const Summary& summary, int depth) { StateCodec::write(out, summary, depth); }

std::optional<Summary> summary_from_state(const json& state, std::string& error) {
  try {
    return StateCodec::from_json(state);
  } catch (const BadState& e) {
    error = e.what();
  } catch (const json::exception& e) {  // a check missed above; still an error, not a crash
    error = e.what();
  }
  return std::nullopt;
}

}  // namespace tlsdiag::report
