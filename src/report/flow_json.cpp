#include "tlsdiag/report/flow_json.h"

#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/analysis/flow_facts.h"

#include <array>
#include <cstdio>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/tls/fingerprint.h"
#include "tlsdiag/tls/registry.h"
#include "tlsdiag/util/hex.h"
#include "tlsdiag/util/timestamp.h"
#include "json_names.h"

namespace tlsdiag::report {

using nlohmann::json;
using reassembly::Direction;

using namespace output_names;  // NOLINT(google-build-using-namespace): the shared output names

namespace {


template <std::size_t N, typename E>
std::string enum_name(const std::array<std::string_view, N>& names, E value) {
  const auto i = static_cast<std::size_t>(value);
  return i < N ? std::string(names[i]) : std::to_string(i);
}


json endpoint_json(const net::Endpoint& ep) { return {{"ip", net::to_string(ep.ip)}, {"port", ep.port}}; }

json nullable(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

template <typename Optional, typename ToJson>  // std::optional or Boxed
json or_null(const Optional& value, ToJson to_json) {
  return value ? json(to_json(*value)) : json(nullptr);
}

// {"client": to_json(per_dir[0]), "server": to_json(per_dir[1])}
template <typename T, typename ToJson>
json per_direction(const T (&per_dir)[2], ToJson to_json) {
  return {{"client", to_json(per_dir[index(Direction::ClientToServer)])},
          {"server", to_json(per_dir[index(Direction::ServerToClient)])}};
}

template <typename T, typename NameFn>
json names(const std::vector<T>& codes, NameFn name_of) {
  json out = json::array();
  for (T code : codes) out.push_back(name_of(code));
  return out;
}


json tcp_json(const analysis::FlowRecord& flow) {
  json events = json::array();
  for (const analysis::TcpControl& e : flow.tcp_events) {
    events.push_back({{"kind", enum_name(kTcpEventNames, e.kind)},
                      {"sender", sender_name(e.sender)},
                      {"time", format_rfc3339(e.ts)},
                      {"ttl", e.ttl},
                      {"prior_ttl", e.prior_ttl},
                      {"packet", e.packet_number}});
  }
  const reassembly::DirectionStats& c = flow.stats.dir[index(Direction::ClientToServer)];
  const reassembly::DirectionStats& s = flow.stats.dir[index(Direction::ServerToClient)];
  json tcp = {{"syn_seen", flow.syn_seen},
             {"roles_from_client_hello", flow.roles_from_client_hello},
             {"close_reason", enum_name(kCloseReasonNames, flow.close_reason)},
             {"events", std::move(events)},
             {"client_packets", c.packets},
             {"server_packets", s.packets},
             {"client_bytes", c.payload_bytes},
             {"server_bytes", s.payload_bytes},
             {"gaps", c.gaps + s.gaps},
             {"gap_bytes", c.gap_bytes + s.gap_bytes},
             {"given_up_bytes", c.given_up_bytes + s.given_up_bytes},
             {"retransmitted_bytes", c.retransmitted_bytes + s.retransmitted_bytes},
             {"overlap_conflicts", c.overlap_conflicts + s.overlap_conflicts},
             {"out_of_order_segments", c.out_of_order_segments + s.out_of_order_segments},
             {"truncated_packets", c.truncated_packets + s.truncated_packets},
             {"buffer_cap_hit", c.buffer_cap_hit || s.buffer_cap_hit}};
  // A stream offset is per direction, and only says something where bytes conflicted: the
  // offsets are not summed like the counters, and are left out when there is nothing to point at.
  if (c.overlap_conflicts > 0) tcp["client_first_conflict"] = c.first_conflict;
  if (s.overlap_conflicts > 0) tcp["server_first_conflict"] = s.first_conflict;
  if (flow.tcp_events_omitted > 0) tcp["events_omitted"] = flow.tcp_events_omitted;  // past a cap only
  return tcp;
}

json encrypted_json(const analysis::EncryptedCounts& e) {
  return {{"handshake_records", e.handshake_records},
          {"application_records", e.application_records},
          {"bytes", e.bytes},
          {"first_sizes", e.first_sizes}};
}

json non_tls_json(const std::vector<std::uint8_t>& prefix) {
  if (prefix.empty()) return nullptr;
  return {{"text", printable_prefix(prefix, prefix.size())}, {"hex", hex_bytes(prefix)}};
}

json parse_error_json(const std::optional<ParseError>& error) {
  if (!error) return nullptr;
  return std::string(errc_message(error->code)) + " at byte " + std::to_string(error->offset);
}

json hello_retry_json(const tls::ServerHello& hrr) {
  return {{"version", tls::version_name(hrr.selected_version)},
          {"cipher_suite", tls::cipher_suite_name(hrr.cipher_suite)},
          {"group", hrr.key_share_group ? json(tls::group_name(*hrr.key_share_group)) : json(nullptr)}};
}

}  // namespace

json client_hello_to_json(const tls::ClientHello& hello) {
  // Fingerprints are computed here, for printed flows only, not on the packet path.
  const std::optional<tls::Fingerprint> ja3 = tls::ja3(hello);
  tls::Fingerprint ja4 = tls::ja4(hello);
  return {{"version", tls::version_name(hello.highest_version())},
          {"versions", names(hello.offered_versions(), tls::version_name)},  // highest first
          {"legacy_version", tls::version_name(hello.legacy_version)},
          {"record_version", tls::version_name(hello.record_version)},
          {"sslv2_format", hello.sslv2_format},
          {"session_id_length", hello.session_id_length},
          {"cipher_suites", names(hello.cipher_suites, tls::cipher_suite_name)},
          {"compression_methods", hello.compression_methods},
          {"sni", nullable(hello.sni)},
          {"alpn", hello.alpn},
          {"groups", names(hello.groups, tls::group_name)},
          {"ec_point_formats", names(hello.ec_point_formats, tls::ec_point_format_name)},
          {"signature_algorithms", names(hello.signature_algorithms, tls::signature_scheme_name)},
          {"key_share_groups", names(hello.key_share_groups, tls::group_name)},
          {"psk_key_exchange_modes", names(hello.psk_key_exchange_modes, psk_mode_name)},
          {"extensions", names(hello.extensions, tls::extension_name)},
          {"pre_shared_key", hello.pre_shared_key},
          {"early_data", hello.early_data},
          {"renegotiation_info", hello.renegotiation_info},
          {"extended_master_secret", hello.extended_master_secret},
          {"session_ticket", hello.session_ticket},
          {"encrypted_client_hello", hello.encrypted_client_hello},
          {"fallback_scsv", hello.fallback_scsv},
          {"message_length", hello.message_length},
          {"extensions_error", parse_error_json(hello.extensions_error)},
          {"ja3", ja3 ? json(ja3->hash) : json(nullptr)},
          {"ja3_full", ja3 ? json(ja3->raw) : json(nullptr)},
          {"ja4", std::move(ja4.hash)},
          {"ja4_r", std::move(ja4.raw)}};
}

json server_hello_to_json(const tls::ServerHello& hello,
                          std::optional<std::uint16_t> server_key_exchange_group) {
  // TLS 1.3 names the group in key_share; TLS <= 1.2 ECDHE in ServerKeyExchange.
  const std::optional<std::uint16_t> group =
      hello.key_share_group ? hello.key_share_group : server_key_exchange_group;
  const std::optional<tls::Fingerprint> ja3s = tls::ja3s(hello);
  return {{"version", tls::version_name(hello.selected_version)},
          {"legacy_version", tls::version_name(hello.legacy_version)},
          {"record_version", tls::version_name(hello.record_version)},
          {"cipher_suite", tls::cipher_suite_name(hello.cipher_suite)},
          {"compression_method", hello.compression_method},
          {"session_id_length", hello.session_id_length},
          {"alpn", nullable(hello.alpn)},
          {"hello_retry_request", hello.hello_retry_request},
          {"group", group ? json(tls::group_name(*group)) : json(nullptr)},
          {"extensions", names(hello.extensions, tls::extension_name)},
          {"downgrade_sentinel", hello.downgrade_sentinel},
          {"pre_shared_key", hello.pre_shared_key},
          {"extended_master_secret", hello.extended_master_secret},
          {"renegotiation_info", hello.renegotiation_info},
          {"extensions_error", parse_error_json(hello.extensions_error)},
          {"ja3s", ja3s ? json(ja3s->hash) : json(nullptr)},
          {"ja3s_full", ja3s ? json(ja3s->raw) : json(nullptr)}};
}

json certificate_to_json(const analysis::CertificateRecord& cert, std::size_t index) {
  return {{"index", index}, {"size", cert.size}};
}

// A parsed certificate (issue #4): what a user checks first, with capture-time validity.
json certificate_info_json(const analysis::CertificateInfo& c, std::size_t index, std::uint32_t size) {
  if (c.parse_error) return {{"index", index}, {"size", size}, {"parse_error", c.error}};
  return {{"index", index},
          {"size", size},
          {"subject", c.subject},
          {"issuer", c.issuer},
          {"serial", c.serial_hex},
          {"sha256", c.sha256_fingerprint},
          {"dns_names", c.dns_names},
          {"ip_addresses", c.ip_addresses},
          {"not_before", format_rfc3339(c.not_before)},
          {"not_after", format_rfc3339(c.not_after)},
          {"key", c.key_type + (c.key_bits > 0 ? " " + std::to_string(c.key_bits) : std::string())},
          {"signature_algorithm", c.signature_algorithm},
          {"is_ca", c.is_ca},
          {"self_signed", c.self_signed}};
}

json alert_to_json(const analysis::AlertRecord& alert) {
  json out = {{"sender", sender_name(alert.sender)},
              {"encrypted", alert.encrypted},
              {"decrypted", alert.decrypted},
              {"time", format_rfc3339(alert.ts)},
              {"packet", alert.packet_number}};
  if (!alert.visible()) {
    out["level"] = nullptr;
    out["description"] = nullptr;
    out["code"] = nullptr;
  } else {
    out["level"] = alert_level_name(alert.level);
    out["description"] = tls::alert_name(alert.description);
    out["code"] = alert.description;
  }
  return out;
}

json verdict_to_json(const analysis::Verdict& v) {
  return {{"status", analysis::name(v.status)},
          {"rejected_by", analysis::name(v.rejected_by)},
          {"reason", analysis::name(v.reason)},
          {"confidence", analysis::name(v.confidence)},
          {"explanation", v.explanation},
          {"remediation", v.remediation},
          {"evidence", v.evidence}};
}

json flow_to_json(const analysis::FlowRecord& flow) {
  json certificates = json::array();
  for (std::size_t i = 0; i < flow.certificates.size(); ++i)
    certificates.push_back(flow.certificate_findings && i < flow.certificate_findings->chain.size()
                               ? certificate_info_json(*flow.certificate_findings->chain[i], i, flow.certificates[i].size)
                               : certificate_to_json(flow.certificates[i], i));
  json alerts = json::array();
  for (const analysis::AlertRecord& a : flow.alerts) alerts.push_back(alert_to_json(a));
  const auto server_hello = [&](const tls::ServerHello& sh) {
    json j = server_hello_to_json(sh, flow.server_key_exchange_group);
    // Whether this ServerHello came after a HelloRetryRequest (issue #2's server_hello field).
    j["hello_retry_request"] = flow.hello_retry_request.has_value();
    return j;
  };
  json out = {
      {"client", endpoint_json(flow.client)},
      {"server", endpoint_json(flow.server)},
      {"first_seen", format_rfc3339(flow.first_seen)},
      {"last_seen", format_rfc3339(flow.last_seen)},
      {"source", {{"file", flow.source_file}, {"packet", flow.first_packet}}},
      {"client_hello", or_null(flow.client_hello, client_hello_to_json)},
      {"hello_retry_request", or_null(flow.hello_retry_request, hello_retry_json)},
      {"second_client_hello", or_null(flow.second_client_hello, client_hello_to_json)},
      {"server_hello", or_null(flow.server_hello, server_hello)},
      {"certificates", std::move(certificates)},
      {"certificate_count", flow.certificate_count},
      {"certificate_request", flow.certificate_request},
      {"client_certificate_empty", flow.client_certificate_empty},
      {"alerts", std::move(alerts)},
      {"tcp", tcp_json(flow)},
      {"encrypted", per_direction(flow.encrypted, encrypted_json)},
      {"decrypted", analysis::handshake_decrypted(flow)},
      {"decryption", per_direction(flow.decryption, [](analysis::Decryption d) { return decryption_name(d); })},
      {"non_tls_prefix", per_direction(flow.non_tls_prefix, non_tls_json)},
      {"history", flow.history},
      {"established", flow.established},
      {"resumed", flow.resumed},
      {"notes", flow.notes},
      {"warnings", flow.warnings},
      {"verdict", verdict_to_json(flow.verdict)},
  };
  // Past a cap only (flow_record.h): a normal flow's JSON does not change.
  if (flow.alerts_omitted > 0) out["alerts_omitted"] = flow.alerts_omitted;
  if (flow.history_omitted > 0) out["history_omitted"] = flow.history_omitted;
  return out;
}

json malformed_by_kind_json(const analysis::InputStats& stats) {
  // Only the kinds that occurred, like by_reason: most inputs have none.
  json out = json::object();
  for (std::size_t i = 0; i < analysis::kMalformedKindCount; ++i) {
    const std::uint64_t n = stats.malformed_by_kind[i];
    if (n != 0) out[std::string(analysis::kMalformedKindNames[i])] = n;
  }
  return out;
}

json caps_hit_json(const analysis::InputStats& stats) {
  // Every cap, zero or not: a fixed set of counters, so a consumer can read any of them.
  json out = json::object();
  for (std::size_t i = 0; i < analysis::kCapCount; ++i) out[std::string(analysis::kCapNames[i])] = stats.caps_hit[i];
  return out;
}

json input_to_json(const analysis::InputResult& input) {
  const analysis::InputStats& s = input.stats;
  return {{"path", input.info.path},
          {"format", input.info.format},
          {"link_type", input.info.link_type},
          {"link_name", nullable(input.info.link_name)},
          {"snaplen", input.info.snaplen},
          {"nanosecond", input.info.nanosecond},
          {"error", input.error ? json(*input.error) : json(nullptr)},
          {"error_offset", input.error_offset ? json(*input.error_offset) : json(nullptr)},
          {"packets", s.packets},
          {"bytes", s.bytes},
          {"wire_bytes", s.wire_bytes},
          {"tcp_packets", s.tcp_packets},
          {"non_ip", s.non_ip},
          {"non_tcp", s.non_tcp},
          {"truncated_packets", s.truncated_packets},
          {"ip_fragments", s.ip_fragments},
          {"malformed", s.malformed},
          {"malformed_by_kind", malformed_by_kind_json(s)},
          {"caps_hit", caps_hit_json(s)},
          {"unsupported_link", s.unsupported_link},
          {"flows_seen", s.flows_seen},
          {"flows_evicted", s.flows_evicted},
          {"flows_reported", s.flows_reported},
          {"flows_not_tls", s.flows_not_tls},
          {"flows_without_payload", s.flows_without_payload},
          {"compression", nullable(input.info.compression)},
          {"parts", input.info.parts},
          {"notes", input.info.notes}};
}

json fingerprint_row_json(const ClientFingerprintFailures& f) {
  return {{"ja4", f.ja4},
          {"flows", f.flows},
          {"failed", f.failed},
          {"top_reason", f.top_reason ? json(analysis::name(*f.top_reason)) : json(nullptr)},
          {"example_client", net::to_string(f.example_client)},
          {"example_sni", nullable(f.example_sni)}};
}

json summary_to_json(const Summary& summary) {
  json out = summary_head_json(summary);
  for (const ClientFingerprintFailures& f : summary.client_fingerprints(0))
    out["by_client_fingerprint"].push_back(fingerprint_row_json(f));
  for (const ServerView* v : summary.fleet().server_rows(0)) out["by_server"].push_back(server_row_json(*v));
  for (const ClientView* v : summary.fleet().client_rows(0)) out["by_client"].push_back(client_row_json(*v));
  return out;
}

json summary_head_json(const Summary& summary) {
  // Only the reasons and sides that occurred, so the summary stays short.
  json by_reason = json::object();
  for (std::size_t i = 0; i < kReasonCount; ++i) {
    if (summary.by_reason()[i] != 0)
      by_reason[std::string(analysis::name(static_cast<analysis::Reason>(i)))] = summary.by_reason()[i];
  }
  json by_rejected_by = json::object();
  for (std::size_t i = 0; i < kRejectedByCount; ++i) {
    if (summary.by_rejected_by()[i] != 0)
      by_rejected_by[std::string(analysis::name(static_cast<analysis::RejectedBy>(i)))] =
          summary.by_rejected_by()[i];
  }
  const analysis::InputStats& t = summary.totals();
  json out = {{"flows", summary.flows()},
          {"ok", summary.ok()},
          {"established", summary.established()},
          {"failed", summary.failed()},
          {"incomplete", summary.incomplete()},
          {"resumed", summary.resumed()},
          {"client_hellos", summary.client_hellos()},
          {"server_hellos", summary.server_hellos()},
          {"by_reason", std::move(by_reason)},
          {"by_rejected_by", std::move(by_rejected_by)},
          {"by_client_fingerprint", json::array()},
          {"by_client_fingerprint_other",
           {{"flows", summary.untracked_fingerprints().flows},
            {"failed", summary.untracked_fingerprints().failed}}},
          {"inputs", summary.inputs()},
          {"input_errors", summary.input_errors().size()},
          {"packets", t.packets},
          {"bytes", t.bytes},
          {"wire_bytes", t.wire_bytes},
          {"tcp_packets", t.tcp_packets},
          {"non_ip", t.non_ip},
          {"non_tcp", t.non_tcp},
          {"truncated_packets", t.truncated_packets},
          {"ip_fragments", t.ip_fragments},
          {"malformed", t.malformed},
          {"malformed_by_kind", malformed_by_kind_json(t)},
          {"caps_hit", caps_hit_json(t)},
          {"unsupported_link", t.unsupported_link},
          {"flows_seen", t.flows_seen},
          {"flows_evicted", t.flows_evicted},
          {"flows_reported", t.flows_reported},
          {"flows_not_tls", t.flows_not_tls},
          {"flows_without_payload", t.flows_without_payload}};
  add_fleet_json(out, summary);
  return out;
}

std::string dump_json(const json& value, int indent) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace tlsdiag::report
