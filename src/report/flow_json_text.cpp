#include "tlsdiag/report/flow_json_text.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <unordered_map>

#include "json_writer.h"
#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/analysis/flow_facts.h"
#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/tls/fingerprint.h"
#include "tlsdiag/tls/registry.h"
#include "tlsdiag/util/hex.h"
#include "tlsdiag/util/timestamp.h"
#include "json_names.h"

// Each function writes what the function of the same name in flow_json.cpp builds, with the keys
// in nlohmann::json's (sorted) order.

namespace tlsdiag::report {

using reassembly::Direction;
using W = JsonTextWriter;

using namespace output_names;  // NOLINT(google-build-using-namespace): the shared output names

namespace {


template <std::size_t N, typename E>
void enum_value(W& w, const std::array<std::string_view, N>& names, E value) {
  const auto i = static_cast<std::size_t>(value);
  if (i < N) w.value(names[i]);
  else w.value(std::to_string(i));
}


void nullable_field(W& w, std::string_view k, const std::string& s) {
  w.key(k);
  if (s.empty()) w.null();
  else w.value(s);
}

template <typename T, typename NameFn>
void names_field(W& w, std::string_view k, const std::vector<T>& codes, NameFn name_of) {
  w.key(k);
  w.begin_array();
  for (T code : codes) w.value(name_of(code));
  w.end_array();
}

// tls::cipher_suite_name(code) as a value: the registry's own string when it has a row, so the
// common case builds no string.
void cipher_suite_value(W& w, std::uint16_t code) {
  if (tls::is_grease(code)) return w.value("GREASE");
  if (const tls::CipherSuiteInfo* row = tls::find_cipher_suite(code)) return w.value(row->name);
  w.value(tls::cipher_suite_name(code));
}

// The same for the registries with a find_*() (extension, group, signature scheme names).
using FindRow = const tls::RegistryEntry* (*)(std::uint16_t);
using NameOf = std::string (*)(std::uint16_t);
void registry_value(W& w, std::uint16_t code, FindRow find, NameOf name_of) {
  if (tls::is_grease(code)) return w.value("GREASE");
  if (const tls::RegistryEntry* row = find(code)) return w.value(row->name);
  w.value(name_of(code));
}

void registry_names_field(W& w, std::string_view k, const std::vector<std::uint16_t>& codes,
                          FindRow find, NameOf name_of) {
  w.key(k);
  w.begin_array();
  for (std::uint16_t code : codes) registry_value(w, code, find, name_of);
  w.end_array();
}

void cipher_suites_field(W& w, std::string_view k, const std::vector<std::uint16_t>& codes) {
  w.key(k);
  w.begin_array();
  for (std::uint16_t code : codes) cipher_suite_value(w, code);
  w.end_array();
}


void endpoint_json(W& w, std::string_view k, const net::Endpoint& ep) {
  object_field(w, k, [&] {
    field(w, "ip", net::to_string(ep.ip));
    field(w, "port", ep.port);
  });
}

void parse_error_field(W& w, std::string_view k, const std::optional<ParseError>& error) {
  w.key(k);
  if (!error) return w.null();
  w.value(std::string(errc_message(error->code)) + " at byte " + std::to_string(error->offset));
}

// A fingerprint's hash and raw string under |hash_key| and |raw_key|; nulls when there is none.
void fingerprint_fields(W& w, std::string_view hash_key, std::string_view raw_key,
                        const std::optional<tls::Fingerprint>& fp) {
  if (!fp) {
    null_field(w, hash_key);
    return null_field(w, raw_key);
  }
  field(w, hash_key, fp->hash);
  field(w, raw_key, fp->raw);
}

// A hello's text in three pieces around the values of message_length and sni, the two fields
// that differ between one client's connections to different servers.
struct HelloText {
  std::string head, middle, tail;
};

HelloText render_client_hello(const tls::ClientHello& hello) {
  std::string text;
  std::array<std::size_t, 4> cut{};
  {
    W w(text);
    object(w, [&] {
      array_field(w, "alpn", hello.alpn);
      cipher_suites_field(w, "cipher_suites", hello.cipher_suites);
      array_field(w, "compression_methods", hello.compression_methods);
      field(w, "early_data", hello.early_data);
      names_field(w, "ec_point_formats", hello.ec_point_formats, tls::ec_point_format_name);
      field(w, "encrypted_client_hello", hello.encrypted_client_hello);
      field(w, "extended_master_secret", hello.extended_master_secret);
      registry_names_field(w, "extensions", hello.extensions, tls::find_extension, tls::extension_name);
      parse_error_field(w, "extensions_error", hello.extensions_error);
      field(w, "fallback_scsv", hello.fallback_scsv);
      registry_names_field(w, "groups", hello.groups, tls::find_group, tls::group_name);
      fingerprint_fields(w, "ja3", "ja3_full", tls::ja3(hello));
      fingerprint_fields(w, "ja4", "ja4_r", tls::ja4(hello));
      registry_names_field(w, "key_share_groups", hello.key_share_groups, tls::find_group, tls::group_name);
      field(w, "legacy_version", tls::version_name(hello.legacy_version));
      w.key("message_length");
      cut[0] = w.size();
      w.value(hello.message_length);
      cut[1] = w.size();
      field(w, "pre_shared_key", hello.pre_shared_key);
      names_field(w, "psk_key_exchange_modes", hello.psk_key_exchange_modes, psk_mode_name);
      field(w, "record_version", tls::version_name(hello.record_version));
      field(w, "renegotiation_info", hello.renegotiation_info);
      field(w, "session_id_length", hello.session_id_length);
      field(w, "session_ticket", hello.session_ticket);
      registry_names_field(w, "signature_algorithms", hello.signature_algorithms,
                           tls::find_signature_scheme, tls::signature_scheme_name);
      w.key("sni");
      cut[2] = w.size();
      w.null();  // the value is written per connection
      cut[3] = w.size();
      field(w, "sslv2_format", hello.sslv2_format);
      field(w, "version", tls::version_name(hello.highest_version()));
      names_field(w, "versions", hello.offered_versions(), tls::version_name);
    });
  }
  return {text.substr(0, cut[0]), text.substr(cut[1], cut[2] - cut[1]), text.substr(cut[3])};
}

// Equal lists of codes, all GREASE values alike: they all print as "GREASE", and JA3 and JA4
// leave them out.
bool same_codes(const std::vector<std::uint16_t>& a, const std::vector<std::uint16_t>& b) {
  return std::ranges::equal(a, b, [](std::uint16_t x, std::uint16_t y) {
    return x == y || (tls::is_grease(x) && tls::is_grease(y));
  });
}

bool same_error(const std::optional<ParseError>& a, const std::optional<ParseError>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return a->code == b->code && a->offset == b->offset;
}

// Whether two hellos print the same HelloText: every field client_hello_json writes, but for
// message_length and sni (JA4 looks for the SNI extension, not at the name).
bool same_text(const tls::ClientHello& a, const tls::ClientHello& b) {
  return a.record_version == b.record_version && a.legacy_version == b.legacy_version &&
         a.sslv2_format == b.sslv2_format && a.session_id_length == b.session_id_length &&
         same_codes(a.cipher_suites, b.cipher_suites) && a.compression_methods == b.compression_methods &&
         same_codes(a.extensions, b.extensions) && same_codes(a.supported_versions, b.supported_versions) &&
         a.alpn == b.alpn && same_codes(a.groups, b.groups) &&
         a.ec_point_formats == b.ec_point_formats && same_codes(a.signature_algorithms, b.signature_algorithms) &&
         same_codes(a.key_share_groups, b.key_share_groups) && a.psk_key_exchange_modes == b.psk_key_exchange_modes &&
         a.pre_shared_key == b.pre_shared_key && a.early_data == b.early_data &&
         a.renegotiation_info == b.renegotiation_info && a.extended_master_secret == b.extended_master_secret &&
         a.session_ticket == b.session_ticket && a.encrypted_client_hello == b.encrypted_client_hello &&
         a.fallback_scsv == b.fallback_scsv && same_error(a.extensions_error, b.extensions_error);
}

void mix(std::uint64_t& h, std::uint64_t v) { h = (h ^ v) * 0x100000001b3ULL; }

void mix_codes(std::uint64_t& h, const std::vector<std::uint16_t>& codes) {
  for (std::uint16_t code : codes) mix(h, tls::is_grease(code) ? 0x0a0a : code);
  mix(h, codes.size());
}

// A hash of what same_text compares (the lists that tell clients apart).
std::uint64_t text_hash(const tls::ClientHello& hello) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  mix(h, hello.legacy_version);
  mix_codes(h, hello.cipher_suites);
  mix_codes(h, hello.extensions);
  mix_codes(h, hello.groups);
  mix_codes(h, hello.signature_algorithms);
  return h;
}

// The text of the last kHelloTexts distinct hellos per thread, emptied when full: a client sends
// the same hello on every connection, and writing it was a tenth of the JSON Lines report's thread.
constexpr std::size_t kHelloTexts = 256;
struct RememberedHello {
  tls::ClientHello hello;
  HelloText text;
};

const HelloText& hello_text(const tls::ClientHello& hello) {
  thread_local std::unordered_map<std::uint64_t, RememberedHello> memo;
  const std::uint64_t key = text_hash(hello);
  if (auto it = memo.find(key); it != memo.end() && same_text(it->second.hello, hello)) return it->second.text;
  if (memo.size() >= kHelloTexts) memo.clear();
  return memo.insert_or_assign(key, RememberedHello{hello, render_client_hello(hello)}).first->second.text;
}

void client_hello_json(W& w, const tls::ClientHello& hello) {
  const HelloText& text = hello_text(hello);
  thread_local std::string whole;
  whole = text.head;
  whole += std::to_string(hello.message_length);
  whole += text.middle;
  {
    W sni(whole);  // escaped as every other string
    if (hello.sni.empty()) sni.null();
    else sni.value(hello.sni);
  }
  whole += text.tail;
  w.raw_value(whole);
}

// flow_to_json's server_hello: server_hello_to_json with hello_retry_request from the flow.
void server_hello_json(W& w, const tls::ServerHello& hello, std::optional<std::uint16_t> ske_group,
                       bool hello_retry_request) {
  const std::optional<std::uint16_t> group = hello.key_share_group ? hello.key_share_group : ske_group;
  object(w, [&] {
    nullable_field(w, "alpn", hello.alpn);
    w.key("cipher_suite");
    cipher_suite_value(w, hello.cipher_suite);
    field(w, "compression_method", hello.compression_method);
    field(w, "downgrade_sentinel", hello.downgrade_sentinel);
    field(w, "extended_master_secret", hello.extended_master_secret);
    registry_names_field(w, "extensions", hello.extensions, tls::find_extension, tls::extension_name);
    parse_error_field(w, "extensions_error", hello.extensions_error);
    w.key("group");
    if (group) registry_value(w, *group, tls::find_group, tls::group_name);
    else w.null();
    field(w, "hello_retry_request", hello_retry_request);
    fingerprint_fields(w, "ja3s", "ja3s_full", tls::ja3s(hello));
    field(w, "legacy_version", tls::version_name(hello.legacy_version));
    field(w, "pre_shared_key", hello.pre_shared_key);
    field(w, "record_version", tls::version_name(hello.record_version));
    field(w, "renegotiation_info", hello.renegotiation_info);
    field(w, "session_id_length", hello.session_id_length);
    field(w, "version", tls::version_name(hello.selected_version));
  });
}

void hello_retry_json(W& w, const tls::ServerHello& hrr) {
  object(w, [&] {
    field(w, "cipher_suite", tls::cipher_suite_name(hrr.cipher_suite));
    w.key("group");
    if (hrr.key_share_group) w.value(tls::group_name(*hrr.key_share_group));
    else w.null();
    field(w, "version", tls::version_name(hrr.selected_version));
  });
}

void certificate_json(W& w, const analysis::FlowRecord& flow, std::size_t i) {
  const std::uint32_t size = flow.certificates[i].size;
  if (!flow.certificate_findings || i >= flow.certificate_findings->chain.size()) {
    return object(w, [&] {
      field(w, "index", i);
      field(w, "size", size);
    });
  }
  const analysis::CertificateInfo& c = *flow.certificate_findings->chain[i];
  if (c.parse_error) {
    return object(w, [&] {
      field(w, "index", i);
      field(w, "parse_error", c.error);
      field(w, "size", size);
    });
  }
  object(w, [&] {
    array_field(w, "dns_names", c.dns_names);
    field(w, "index", i);
    array_field(w, "ip_addresses", c.ip_addresses);
    field(w, "is_ca", c.is_ca);
    field(w, "issuer", c.issuer);
    field(w, "key", c.key_type + (c.key_bits > 0 ? " " + std::to_string(c.key_bits) : std::string()));
    field(w, "not_after", rfc3339_text(c.not_after).view());
    field(w, "not_before", rfc3339_text(c.not_before).view());
    field(w, "self_signed", c.self_signed);
    field(w, "serial", c.serial_hex);
    field(w, "sha256", c.sha256_fingerprint);
    field(w, "signature_algorithm", c.signature_algorithm);
    field(w, "size", size);
    field(w, "subject", c.subject);
  });
}

void alert_json(W& w, const analysis::AlertRecord& alert) {
  object(w, [&] {
    w.key("code");
    if (!alert.visible()) w.null();
    else w.value(alert.description);
    field(w, "decrypted", alert.decrypted);
    w.key("description");
    if (!alert.visible()) w.null();
    else w.value(tls::alert_name(alert.description));
    field(w, "encrypted", alert.encrypted);
    w.key("level");
    if (!alert.visible()) w.null();
    else w.value(alert_level_name(alert.level));
    field(w, "packet", alert.packet_number);
    field(w, "sender", sender_name(alert.sender));
    field(w, "time", rfc3339_text(alert.ts).view());
  });
}

void encrypted_json(W& w, const analysis::EncryptedCounts& e) {
  object(w, [&] {
    field(w, "application_records", e.application_records);
    field(w, "bytes", e.bytes);
    array_field(w, "first_sizes", e.first_sizes);
    field(w, "handshake_records", e.handshake_records);
  });
}

void non_tls_json(W& w, const std::vector<std::uint8_t>& prefix) {
  if (prefix.empty()) return w.null();
  object(w, [&] {
    field(w, "hex", hex_bytes(prefix));
    field(w, "text", printable_prefix(prefix, prefix.size()));
  });
}

// {"client": body(per_dir[0]), "server": body(per_dir[1])}
template <typename T, typename Body>
void per_direction(W& w, std::string_view k, const T (&per_dir)[2], Body body) {
  object_field(w, k, [&] {
    w.key("client");
    body(w, per_dir[index(Direction::ClientToServer)]);
    w.key("server");
    body(w, per_dir[index(Direction::ServerToClient)]);
  });
}

void tcp_json(W& w, const analysis::FlowRecord& flow) {
  const reassembly::DirectionStats& c = flow.stats.dir[index(Direction::ClientToServer)];
  const reassembly::DirectionStats& s = flow.stats.dir[index(Direction::ServerToClient)];
  object(w, [&] {
    field(w, "buffer_cap_hit", c.buffer_cap_hit || s.buffer_cap_hit);
    field(w, "client_bytes", c.payload_bytes);
    if (c.overlap_conflicts > 0) field(w, "client_first_conflict", c.first_conflict);
    field(w, "client_packets", c.packets);
    w.key("close_reason");
    enum_value(w, kCloseReasonNames, flow.close_reason);
    w.key("events");
    w.begin_array();
    for (const analysis::TcpControl& e : flow.tcp_events) {
      object(w, [&] {
        w.key("kind");
        enum_value(w, kTcpEventNames, e.kind);
        field(w, "packet", e.packet_number);
        field(w, "prior_ttl", e.prior_ttl);
        field(w, "sender", sender_name(e.sender));
        field(w, "time", rfc3339_text(e.ts).view());
        field(w, "ttl", e.ttl);
      });
    }
    w.end_array();
    if (flow.tcp_events_omitted > 0) field(w, "events_omitted", flow.tcp_events_omitted);
    field(w, "gap_bytes", c.gap_bytes + s.gap_bytes);
    field(w, "gaps", c.gaps + s.gaps);
    field(w, "given_up_bytes", c.given_up_bytes + s.given_up_bytes);
    field(w, "out_of_order_segments", c.out_of_order_segments + s.out_of_order_segments);
    field(w, "overlap_conflicts", c.overlap_conflicts + s.overlap_conflicts);
    field(w, "retransmitted_bytes", c.retransmitted_bytes + s.retransmitted_bytes);
    field(w, "roles_from_client_hello", flow.roles_from_client_hello);
    field(w, "server_bytes", s.payload_bytes);
    if (s.overlap_conflicts > 0) field(w, "server_first_conflict", s.first_conflict);
    field(w, "server_packets", s.packets);
    field(w, "syn_seen", flow.syn_seen);
    field(w, "truncated_packets", c.truncated_packets + s.truncated_packets);
  });
}

void verdict_json(W& w, const analysis::Verdict& v) {
  object(w, [&] {
    field(w, "confidence", analysis::name(v.confidence));
    array_field(w, "evidence", v.evidence);
    field(w, "explanation", v.explanation);
    field(w, "reason", analysis::name(v.reason));
    field(w, "rejected_by", analysis::name(v.rejected_by));
    field(w, "remediation", v.remediation);
    field(w, "status", analysis::name(v.status));
  });
}

template <typename Optional, typename Body>  // std::optional or Boxed
void optional_field(W& w, std::string_view k, const Optional& value, Body body) {
  w.key(k);
  if (value) body(*value);
  else w.null();
}

}  // namespace

void append_flow_json(std::string& out, const analysis::FlowRecord& flow, std::string_view leading) {
  W w(out);
  w.begin_object();
  if (!leading.empty()) w.raw_member(leading);
  w.key("alerts");
  w.begin_array();
  for (const analysis::AlertRecord& a : flow.alerts) alert_json(w, a);
  w.end_array();
  if (flow.alerts_omitted > 0) field(w, "alerts_omitted", flow.alerts_omitted);
  field(w, "certificate_count", flow.certificate_count);
  field(w, "certificate_request", flow.certificate_request);
  w.key("certificates");
  w.begin_array();
  for (std::size_t i = 0; i < flow.certificates.size(); ++i) certificate_json(w, flow, i);
  w.end_array();
  endpoint_json(w, "client", flow.client);
  field(w, "client_certificate_empty", flow.client_certificate_empty);
  optional_field(w, "client_hello", flow.client_hello, [&](const tls::ClientHello& h) { client_hello_json(w, h); });
  field(w, "decrypted", analysis::handshake_decrypted(flow));
  per_direction(w, "decryption", flow.decryption, [](W& writer, analysis::Decryption d) { writer.value(decryption_name(d)); });
  per_direction(w, "encrypted", flow.encrypted, encrypted_json);
  field(w, "established", flow.established);
  field(w, "first_seen", rfc3339_text(flow.first_seen).view());
  optional_field(w, "hello_retry_request", flow.hello_retry_request,
                 [&](const tls::ServerHello& h) { hello_retry_json(w, h); });
  field(w, "history", flow.history);
  if (flow.history_omitted > 0) field(w, "history_omitted", flow.history_omitted);
  field(w, "last_seen", rfc3339_text(flow.last_seen).view());
  per_direction(w, "non_tls_prefix", flow.non_tls_prefix, non_tls_json);
  array_field(w, "notes", flow.notes);
  field(w, "resumed", flow.resumed);
  optional_field(w, "second_client_hello", flow.second_client_hello,
                 [&](const tls::ClientHello& h) { client_hello_json(w, h); });
  endpoint_json(w, "server", flow.server);
  optional_field(w, "server_hello", flow.server_hello, [&](const tls::ServerHello& h) {
    server_hello_json(w, h, flow.server_key_exchange_group, flow.hello_retry_request.has_value());
  });
  object_field(w, "source", [&] {
    field(w, "file", flow.source_file);
    field(w, "packet", flow.first_packet);
  });
  w.key("tcp");
  tcp_json(w, flow);
  w.key("verdict");
  verdict_json(w, flow.verdict);
  array_field(w, "warnings", flow.warnings);
  w.end_object();
}

}  // namespace tlsdiag::report
