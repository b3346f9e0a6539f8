#include "tlsdiag/report/text_report.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <span>

#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/tls/fingerprint.h"
#include "tlsdiag/tls/registry.h"
#include "tlsdiag/util/hex.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::report {

using analysis::FlowRecord;
using analysis::Reason;
using analysis::Status;
using reassembly::Direction;

namespace {

constexpr const char* kRed = "\x1b[31m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kReset = "\x1b[0m";
constexpr std::size_t kPayloadShown = 60;    // bytes of a non-TLS payload quoted
constexpr std::size_t kServersShown = 10;    // rows of the top failing servers table
constexpr std::size_t kFingerprintsShown = 10;  // rows of the failing client fingerprints table

std::size_t status_index(Status s) { return std::min<std::size_t>(static_cast<std::size_t>(s), 2); }

const char* sender_name(Direction d) { return d == Direction::ClientToServer ? "client" : "server"; }

std::string escape_byte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", b);
  return buf;
}

// Length of the valid UTF-8 sequence at |s[i]| that is not a control character, or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (b0 == 0xc2) { len = 2; lo = 0xa0; }  // U+0080..U+009F are C1 controls: escaped
  else if (b0 >= 0xc3 && b0 <= 0xdf) len = 2;
  else if (b0 == 0xe0) { len = 3; lo = 0xa0; }  // no overlong forms
  else if (b0 == 0xed) { len = 3; hi = 0x9f; }  // no surrogates
  else if (b0 >= 0xe1 && b0 <= 0xef) len = 3;
  else if (b0 == 0xf0) { len = 4; lo = 0x90; }
  else if (b0 >= 0xf1 && b0 <= 0xf3) len = 4;
  else if (b0 == 0xf4) { len = 4; hi = 0x8f; }
  if (len == 0 || i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf)) return 0;
  }
  return len;
}

}  // namespace

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x20 && b < 0x7f) {
      out.push_back(static_cast<char>(b));
      ++i;
    } else if (const std::size_t len = b >= 0x80 ? utf8_sequence(text, i) : 0; len != 0) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += escape_byte(b);
      ++i;
    }
  }
  return out;
}

namespace {

class Painter {
 public:
  explicit Painter(bool on) : on_(on) {}
  std::string operator()(std::string_view text, const char* code) const {
    if (!on_) return std::string(text);
    return std::string(code) + std::string(text) + kReset;
  }

 private:
  bool on_;
};

const char* status_color(Status s) {
  switch (s) {
    case Status::Ok: return kGreen;
    case Status::Failed: return kRed;
    default: return kYellow;
  }
}

// "192.0.2.10:51234 -> 192.0.2.1:443  SNI example.com  2024-01-02T03:04:05.123456Z"
std::string flow_heading(const FlowRecord& flow) {
  std::string line = net::to_string(flow.client) + " -> " + net::to_string(flow.server);
  if (flow.client_hello && !flow.client_hello->sni.empty())
    line += "  SNI " + terminal_safe(flow.client_hello->sni);
  else
    line += "  no SNI";
  return line + "  " + format_rfc3339(flow.first_seen);
}

void field(std::string& out, std::string_view label, const std::string& value) {
  out += "    ";
  out += label;
  out.append(label.size() < 10 ? 10 - label.size() : 1, ' ');
  out += value;
  out += '\n';
}

// "  <heading>\n": the first line of a flow's block.
std::string block_start(const FlowRecord& flow) {
  std::string out = "  " + flow_heading(flow);
  out += '\n';
  return out;
}

std::string offered_line(const FlowRecord& flow) {
  if (!flow.client_hello) return "no ClientHello";
  const tls::ClientHello& ch = *flow.client_hello;
  std::string line = "up to " + tls::version_name(ch.highest_version()) + ", " +
                     std::to_string(ch.cipher_suites.size()) + " cipher suites";
  if (!ch.alpn.empty()) {
    line += ", ALPN";
    for (const std::string& p : ch.alpn) line += " " + terminal_safe(p);
  }
  return line;
}

// The client's fingerprints, under the ClientHello they describe. Plain ASCII by construction.
void fingerprint_fields(std::string& out, const FlowRecord& flow) {
  if (!flow.client_hello) return;
  field(out, "ja4", tls::ja4(*flow.client_hello).hash);
  if (const std::optional<tls::Fingerprint> ja3 = tls::ja3(*flow.client_hello))
    field(out, "ja3", ja3->hash);
}

std::string chosen_line(const FlowRecord& flow) {
  std::string line;
  if (flow.hello_retry_request) {
    const tls::ServerHello& hrr = *flow.hello_retry_request;
    line = "HelloRetryRequest";
    if (hrr.key_share_group) line += " (group " + tls::group_name(*hrr.key_share_group) + ")";
    line += "; ";
  }
  if (!flow.server_hello) return line + "no ServerHello";
  const tls::ServerHello& sh = *flow.server_hello;
  line += tls::version_name(sh.selected_version) + ", " + tls::cipher_suite_name(sh.cipher_suite);
  if (!sh.alpn.empty()) line += ", ALPN " + terminal_safe(sh.alpn);
  return line;
}

std::string alert_line(const analysis::AlertRecord& a) {
  std::string line = sender_name(a.sender);
  if (!a.visible()) {
    line += " encrypted alert (contents not visible)";
  } else {
    line += a.level == 1 ? " warning " : a.level == 2 ? " fatal " : " level " + std::to_string(a.level) + " ";
    line += tls::alert_name(a.description) + " (" + std::to_string(a.description) + ")";
    if (a.decrypted) line += ", decrypted";
  }
  return line + " at #" + std::to_string(a.packet_number);
}

bool same_alert(const analysis::AlertRecord& a, const analysis::AlertRecord& b) {
  return a.sender == b.sender && a.level == b.level && a.description == b.description && a.encrypted == b.encrypted &&
         a.decrypted == b.decrypted;
}

// One line per run of equal alerts (a peer repeating a warning would fill the screen), then what
// the flow's cap left out.
void alert_fields(std::string& out, const FlowRecord& flow) {
  const std::vector<analysis::AlertRecord>& alerts = flow.alerts;
  for (std::size_t i = 0, run = 1; i < alerts.size(); i += run) {
    for (run = 1; i + run < alerts.size() && same_alert(alerts[i], alerts[i + run]);) ++run;
    std::string line = alert_line(alerts[i]);
    if (run > 1) line += " and " + std::to_string(run - 1) + " more like it";
    field(out, "alert", line);
  }
  if (flow.alerts_omitted > 0) field(out, "alert", std::to_string(flow.alerts_omitted) + " more omitted (cap)");
}

// "protocol_version_mismatch (certain), rejected by the server"
std::string verdict_line(const analysis::Verdict& v) {
  std::string line =
      std::string(analysis::name(v.reason)) + " (" + std::string(analysis::name(v.confidence)) + ")";
  switch (v.rejected_by) {
    case analysis::RejectedBy::Client: return line + ", rejected by the client";
    case analysis::RejectedBy::Server: return line + ", rejected by the server";
    case analysis::RejectedBy::Network: return line + ", rejected by the network (injected reset?)";
    case analysis::RejectedBy::None: return line;
    default: return line + ", rejecting side unknown";
  }
}

// The server's leaf certificate in one line: "CN=a.example (DNS a.example, *.a.example), issued by
// CN=CA, valid 2024-01-01 .. 2025-01-01, self-signed"; then each chain warning on its own line.
void certificate_fields(std::string& out, const FlowRecord& flow) {
  if (!flow.certificate_findings || flow.certificate_findings->chain.empty()) return;
  const analysis::CertificateInfo& leaf = *flow.certificate_findings->chain.front();
  if (leaf.parse_error) return field(out, "cert", "unparsable leaf certificate: " + terminal_safe(leaf.error));
  std::string names;
  for (const std::string& n : leaf.dns_names) names += (names.empty() ? "DNS " : ", ") + n;
  for (const std::string& ip : leaf.ip_addresses) names += (names.empty() ? "IP " : ", IP ") + ip;
  std::string line = leaf.subject.empty() ? std::string("(empty subject)") : leaf.subject;
  if (!names.empty()) line += " (" + names + ")";
  line += ", issued by " + (leaf.self_signed ? std::string("itself") : leaf.issuer);
  line += ", valid " + format_rfc3339(leaf.not_before).substr(0, 10) + " .. " + format_rfc3339(leaf.not_after).substr(0, 10);
  const std::uint32_t count = flow.certificate_count;
  line += ", " + std::to_string(count) + (count == 1 ? " certificate" : " certificates") + " in the chain";
  field(out, "cert", terminal_safe(line));
}

// "client 49 bytes, server 3 bytes": per direction, retransmitted bytes that differed from the
// first copy (kept), or "" when none did. Rare, and it can change what the handshake looks like.
std::string conflict_counts(const FlowRecord& flow) {
  std::string line;
  for (Direction d : {Direction::ClientToServer, Direction::ServerToClient}) {
    const std::uint64_t n = flow.stats.dir[index(d)].overlap_conflicts;
    if (n == 0) continue;
    if (!line.empty()) line += ", ";
    line += std::string(sender_name(d)) + " " + std::to_string(n) + (n == 1 ? " byte" : " bytes");
  }
  return line;
}

void conflict_field(std::string& out, const FlowRecord& flow) {
  if (const std::string counts = conflict_counts(flow); !counts.empty())
    field(out, "conflicts", counts + " retransmitted with different bytes (first copy kept)");
}

void history_field(std::string& out, const FlowRecord& flow) {
  std::string history = flow.history.empty() ? "-" : terminal_safe(flow.history);
  if (flow.history_omitted > 0) history += " (" + std::to_string(flow.history_omitted) + " more letters omitted)";
  field(out, "history", history);
}

std::string failure_block(const FlowRecord& flow) {
  std::string out = block_start(flow);
  field(out, "offered", offered_line(flow));
  fingerprint_fields(out, flow);
  field(out, "chosen", chosen_line(flow));
  certificate_fields(out, flow);
  alert_fields(out, flow);
  for (Direction d : {Direction::ClientToServer, Direction::ServerToClient}) {
    const std::vector<std::uint8_t>& prefix = flow.non_tls_prefix[index(d)];
    if (!prefix.empty())
      field(out, std::string(sender_name(d)) + " sent", '"' + printable_prefix(prefix, kPayloadShown) + '"');
  }
  field(out, "verdict", verdict_line(flow.verdict));
  if (!flow.verdict.explanation.empty()) field(out, "why", terminal_safe(flow.verdict.explanation));
  if (!flow.verdict.remediation.empty()) field(out, "fix", terminal_safe(flow.verdict.remediation));
  for (const std::string& e : flow.verdict.evidence) field(out, "evidence", terminal_safe(e));
  conflict_field(out, flow);
  for (const std::string& n : flow.notes) field(out, "note", terminal_safe(n));
  history_field(out, flow);
  field(out, "source", terminal_safe(flow.source_file) + " #" + std::to_string(flow.first_packet));
  return out;
}

std::string incomplete_block(const FlowRecord& flow) {
  std::string out = block_start(flow);
  std::string why = flow.verdict.explanation.empty() ? "-" : terminal_safe(flow.verdict.explanation);
  field(out, "why", why + " (confidence " + std::string(analysis::name(flow.verdict.confidence)) + ")");
  conflict_field(out, flow);
  history_field(out, flow);
  field(out, "source", terminal_safe(flow.source_file) + " #" + std::to_string(flow.first_packet));
  return out;
}

std::string success_line(const FlowRecord& flow) {
  std::string line = "  " + flow_heading(flow);
  if (flow.server_hello) {
    line += "  " + tls::version_name(flow.server_hello->selected_version) + "  " +
            tls::cipher_suite_name(flow.server_hello->cipher_suite);
  }
  if (flow.resumed) line += "  resumed";
  if (const std::string counts = conflict_counts(flow); !counts.empty())
    line += "  retransmissions differ: " + counts;
  return line + '\n';
}

std::string plural(std::uint64_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

// "bad_tcp_header 2, bad_ip_length 1": the nonzero counts of a breakdown (names[i] counts[i]), or "".
std::string nonzero_counts(std::span<const std::string_view> names, std::span<const std::uint64_t> counts) {
  std::string out;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    if (!out.empty()) out += ", ";
    out += std::string(names[i]) + " " + std::to_string(counts[i]);
  }
  return out;
}

// "packets bad_tcp_header 2; TLS truncated_record 8": only the packet kinds are in the packets
// line's "malformed" count, so the two layers are told apart.
std::string malformed_text(const analysis::InputStats& t) {
  const std::span<const std::string_view> names(analysis::kMalformedKindNames);
  const std::span<const std::uint64_t> counts(t.malformed_by_kind);
  const std::size_t tls_from = analysis::kFirstTlsKind;
  const std::string packets = nonzero_counts(names.first(tls_from), counts.first(tls_from));
  const std::string tls = nonzero_counts(names.subspan(tls_from), counts.subspan(tls_from));
  if (packets.empty()) return tls.empty() ? "" : "TLS " + tls;
  return "packets " + packets + (tls.empty() ? "" : "; TLS " + tls);
}

}  // namespace

std::optional<std::size_t> TextReport::render_flow(const FlowRecord& flow, std::string& text) {
  const Status status = flow.verdict.status;
  if (status == Status::Failed) text = failure_block(flow);
  else if (status == Status::Incomplete) text = incomplete_block(flow);
  else if (options().show_ok) text = success_line(flow);
  else return std::nullopt;  // successes are only counted
  const auto reason = std::min(static_cast<std::size_t>(flow.verdict.reason), kReasonCount - 1);
  return status_index(status) * kReasonCount + reason;
}

void TextReport::write_rendered(std::size_t group, std::string_view text) {
  blocks_[group / kReasonCount][group % kReasonCount].push_back(store(), store().append(text));
}

void TextReport::write_input(const analysis::InputResult&) {}

void TextReport::write_group(Status status, Reason reason) {
  RefList& blocks = blocks_[status_index(status)][static_cast<std::size_t>(reason)];
  if (blocks.empty()) return;
  const Painter paint(options().color);
  out_ << paint("[" + std::string(analysis::name(reason)) + "] " + plural(blocks.size(), "flow"),
                status_color(status))
       << '\n';
  const std::size_t limit = options().max_per_reason;
  const std::size_t shown = limit == 0 ? blocks.size() : std::min(limit, blocks.size());
  for (std::size_t i = 0; i < shown; ++i) {
    blocks.write_to(store(), i, out_);
    if (status == Status::Failed) out_ << '\n';
  }
  if (shown < blocks.size())
    out_ << "  ... " << plural(blocks.size() - shown, "more flow") << " not shown\n";
  if (status != Status::Failed) out_ << '\n';
}

void TextReport::write_successes() {
  const Painter paint(options().color);
  const std::uint64_t ok = summary().ok();
  if (options().only_failures) return;
  if (!options().show_ok) {
    out_ << paint("Successful handshakes: " + std::to_string(ok), kBold) << " (not listed)\n\n";
    return;
  }
  out_ << paint("Successful handshakes: " + std::to_string(ok), kBold) << '\n';
  for (RefList& lines : blocks_[status_index(Status::Ok)])
    for (std::size_t i = 0; i < lines.size(); ++i)
      lines.write_to(store(), i, out_);
  out_ << '\n';
}

void TextReport::write_finish() {
  const Painter paint(options().color);
  const Summary& s = summary();
  out_ << paint("Failed handshakes: " + std::to_string(s.failed()), kBold) << "\n\n";
  for (std::size_t r = 0; r < kReasonCount; ++r) write_group(Status::Failed, static_cast<Reason>(r));
  if (!options().only_failures) {
    out_ << paint("Incomplete handshakes: " + std::to_string(s.incomplete()), kBold) << "\n\n";
    for (std::size_t r = 0; r < kReasonCount; ++r) write_group(Status::Incomplete, static_cast<Reason>(r));
  }
  write_successes();
  write_summary();
  out_.flush();
}

void TextReport::write_summary() {
  const Painter paint(options().color);
  const Summary& s = summary();
  const analysis::InputStats& t = s.totals();
  char row[160];
  out_ << paint("Summary", kBold) << '\n';
  out_ << "  inputs      " << s.inputs() << " (" << s.input_errors().size() << " with errors)\n";
  if (!s.window().empty()) {
    out_ << "  window      flows whose first packet is";
    if (s.window().since) out_ << " from " << format_rfc3339(*s.window().since);
    if (s.window().until) out_ << " before " << format_rfc3339(*s.window().until);
    out_ << " (" << t.flows_outside_window << " TLS flows outside, not counted)\n";
  }
  out_ << "  packets     " << t.packets << " (TCP " << t.tcp_packets << ", non-TCP " << t.non_tcp
       << ", non-IP " << t.non_ip << ", truncated " << t.truncated_packets << ", malformed "
       << t.malformed << ")\n";
  // Lines only when something was malformed or a cap was hit: what was not analysed in full.
  if (const std::string kinds = malformed_text(t); !kinds.empty()) out_ << "  malformed   " << kinds << '\n';
  if (const std::string caps = nonzero_counts(analysis::kCapNames, t.caps_hit); !caps.empty())
    out_ << "  caps hit    " << caps << '\n';
  out_ << "  flows       " << s.flows() << " (ok " << s.ok() << ", failed " << s.failed()
       << ", incomplete " << s.incomplete() << "; established " << s.established() << ", resumed "
       << s.resumed() << ")\n";
  // Every TCP connection is accounted for, so nothing is lost silently.
  out_ << "  connections " << t.flows_seen << " TCP (" << t.flows_reported << " TLS reported, " << t.flows_not_tls
       << " other protocols, " << t.flows_without_payload << " without payload";
  if (t.flows_outside_window != 0) out_ << ", " << t.flows_outside_window << " outside the window";
  out_ << ")\n";
  if (t.flows_evicted != 0) out_ << "  evicted     " << t.flows_evicted << " flows (flow table full; reported early)\n";
  out_ << "  hellos      " << s.client_hellos() << " ClientHello, " << s.server_hellos()
       << " ServerHello\n";

  if (s.flows() != 0) {
    std::snprintf(row, sizeof row, "\n  %-30s %7s  %s\n", "reason", "flows", "rejected by");
    out_ << row;
  }
  for (std::size_t r = 0; r < kReasonCount; ++r) {
    const auto reason = static_cast<Reason>(r);
    if (s.count(reason) == 0) continue;
    std::string sides;
    for (std::size_t w = 0; w < kRejectedByCount; ++w) {
      const auto who = static_cast<analysis::RejectedBy>(w);
      if (s.count(reason, who) == 0) continue;
      if (!sides.empty()) sides += ", ";
      sides += std::string(analysis::name(who)) + " " + std::to_string(s.count(reason, who));
    }
    std::snprintf(row, sizeof row, "  %-30s %7llu  %s\n", std::string(analysis::name(reason)).c_str(),
                  static_cast<unsigned long long>(s.count(reason)), sides.c_str());
    out_ << row;
  }

  const std::vector<ServerFailures> servers = s.top_failing_servers(kServersShown);
  if (!servers.empty()) {
    std::size_t width = 20;
    for (const ServerFailures& f : servers) width = std::max(width, terminal_safe(f.server).size());
    out_ << "\n  " << paint("top failing servers", kBold) << '\n';
    for (const ServerFailures& f : servers) {
      const std::string label = terminal_safe(f.server);
      out_ << "  " << label << std::string(width - label.size() + 2, ' ') << f.failed << "  "
           << analysis::name(f.top_reason) << '\n';
    }
    if (s.failing_servers_other() > 0)
      out_ << "  (and " << s.failing_servers_other() << " failed flows to servers past the first "
           << Summary::kMaxFailingServers << " tracked)\n";
  }

  write_failing_fingerprints();
  write_fleet_text(out_, s.fleet(), kServersShown, options().color);

  if (!s.input_errors().empty()) {
    out_ << '\n' << paint("Input errors", kRed) << '\n';
    for (const InputError& e : s.input_errors()) {
      // Capture errors usually start with the path already.
      out_ << "  ";
      if (e.message.rfind(e.path, 0) != 0) out_ << terminal_safe(e.path) << ": ";
      out_ << terminal_safe(e.message);
      // Most capture errors already name the offset in their message.
      if (e.offset && e.message.find(std::to_string(*e.offset)) == std::string::npos)
        out_ << " (at byte " << *e.offset << ")";
      out_ << '\n';
    }
  }
  if (!s.input_notes().empty()) {
    out_ << '\n' << paint("Input notes", kBold) << '\n';
    for (const auto& [path, note] : s.input_notes()) out_ << "  " << terminal_safe(path) << ": " << terminal_safe(note) << '\n';
  }
}

// Rows like "t13d1516h2_8daaf6152771_e5627efa2ab1  3/5 failed  certificate_rejected  e.g.
// 192.0.2.10 (example.com)": which client builds fail, whichever servers they met.
void TextReport::write_failing_fingerprints() {
  const Summary& s = summary();
  const std::vector<ClientFingerprintFailures> rows =
      s.client_fingerprints(kFingerprintsShown, /*failing_only=*/true);
  if (rows.empty()) return;
  const Painter paint(options().color);
  out_ << "\n  " << paint("failing client fingerprints (JA4)", kBold) << '\n';
  for (const ClientFingerprintFailures& f : rows) {
    out_ << "  " << f.ja4 << "  " << f.failed << '/' << f.flows << " failed  "
         << analysis::name(f.top_reason.value_or(Reason::Ok)) << "  e.g. "
         << net::to_string(f.example_client);
    if (!f.example_sni.empty()) out_ << " (" << terminal_safe(f.example_sni) << ')';
    out_ << '\n';
  }
  if (s.untracked_fingerprints().failed != 0)
    out_ << "  (other fingerprints, past the first " << Summary::kMaxClientFingerprints << ": "
         << s.untracked_fingerprints().failed << '/' << s.untracked_fingerprints().flows
         << " failed)\n";
}

}  // namespace tlsdiag::report
