#include "live_format.h"

#include <cstdio>
#include <sstream>
#include <string_view>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/flow_json_text.h"
#include "tlsdiag/report/report.h"
#include "tlsdiag/report/summary_writer.h"
#include "tlsdiag/report/text_report.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::app {

using analysis::RejectedBy;
using analysis::Reason;
using nlohmann::json;

namespace {


std::string fixed1(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", seconds);
  return buf;
}

// "failed protocol_version_mismatch by server (certain)", "ok (certain)".
std::string verdict_words(const analysis::Verdict& v) {
  std::string out(analysis::name(v.status));
  if (v.reason != Reason::Ok) out += " " + std::string(analysis::name(v.reason));
  if (v.rejected_by == RejectedBy::Client || v.rejected_by == RejectedBy::Server || v.rejected_by == RejectedBy::Network)
    out += " by " + std::string(analysis::name(v.rejected_by));
  return out + " (" + std::string(analysis::name(v.confidence)) + ")";
}

// "; caps hit handshake_message 2, flows 1": the caps hit since the start, or "".
std::string caps_text(const analysis::InputStats& s) {
  std::string out;
  for (std::size_t i = 0; i < analysis::kCapCount; ++i) {
    if (s.caps_hit[i] == 0) continue;
    out += (out.empty() ? "; caps hit " : ", ") + std::string(analysis::kCapNames[i]) + " " + std::to_string(s.caps_hit[i]);
  }
  return out;
}

// "flows 12 (ok 9, failed 2, incomplete 1); reasons protocol_version_mismatch 2, ..."
std::string counts_text(const LiveCounts& c) {
  std::string out = "flows " + std::to_string(c.flows) + " (ok " + std::to_string(c.ok) + ", failed " +
                    std::to_string(c.failed) + ", incomplete " + std::to_string(c.incomplete) + ")";
  std::string reasons;
  for (std::size_t i = 0; i < c.by_reason.size(); ++i) {
    if (c.by_reason[i] == 0 || static_cast<Reason>(i) == Reason::Ok) continue;
    if (!reasons.empty()) reasons += ", ";
    reasons += std::string(analysis::name(static_cast<Reason>(i))) + " " + std::to_string(c.by_reason[i]);
  }
  if (!reasons.empty()) out += "; reasons " + reasons;
  return out;
}

std::string top_text(std::string_view title, const std::vector<TopEntry>& top) {
  if (top.empty()) return {};
  std::string out = "; " + std::string(title) + " ";
  for (std::size_t i = 0; i < top.size(); ++i) {
    if (i > 0) out += ", ";
    out += report::terminal_safe(top[i].key) + " " + std::to_string(top[i].count);
  }
  return out;
}

std::string kernel_text(const capture::LiveStats& k) {
  return "kernel received " + std::to_string(k.received) + ", dropped " + std::to_string(k.dropped) +
         ", interface dropped " + std::to_string(k.if_dropped);
}

// {"type":"<type>", ...the fields of |body|}: "type" first, as the JSONL report writes its lines.
std::string typed_line(std::string_view type, const json& body) {
  const std::string fields = report::dump_json(body);
  std::string line = "{\"type\":\"" + std::string(type) + "\"";
  if (fields.size() > 2) line += "," + fields.substr(1);
  else line += "}";
  return line;
}

// Only the reasons and sides that occurred, as in analyze's summary.
void add_counts(json& out, const LiveCounts& c) {
  json by_reason = json::object();
  for (std::size_t i = 0; i < c.by_reason.size(); ++i)
    if (c.by_reason[i] != 0) by_reason[std::string(analysis::name(static_cast<Reason>(i)))] = c.by_reason[i];
  json by_rejected_by = json::object();
  for (std::size_t i = 0; i < c.by_rejected_by.size(); ++i)
    if (c.by_rejected_by[i] != 0) by_rejected_by[std::string(analysis::name(static_cast<RejectedBy>(i)))] = c.by_rejected_by[i];
  out["flows"] = c.flows;
  out["ok"] = c.ok;
  out["established"] = c.established;
  out["failed"] = c.failed;
  out["incomplete"] = c.incomplete;
  out["resumed"] = c.resumed;
  out["client_hellos"] = c.client_hellos;
  out["server_hellos"] = c.server_hellos;
  out["by_reason"] = std::move(by_reason);
  out["by_rejected_by"] = std::move(by_rejected_by);
}

json top_json(const std::vector<TopEntry>& top, const char* key_name) {
  json rows = json::array();
  for (const TopEntry& e : top)
    rows.push_back({{key_name, e.key}, {"failed", e.count}, {"top_reason", std::string(analysis::name(e.top_reason))}});
  return rows;
}

}  // namespace

std::string flow_text_line(const analysis::FlowRecord& flow) {
  std::string line = format_rfc3339(flow.first_seen) + " " + verdict_words(flow.verdict) + "  " +
                     net::to_string(flow.client) + " -> " + net::to_string(flow.server);
  if (flow.client_hello && !flow.client_hello->sni.empty()) line += "  SNI " + report::terminal_safe(flow.client_hello->sni);
  else line += "  no SNI";
  if (!flow.verdict.explanation.empty()) line += "  " + report::terminal_safe(flow.verdict.explanation);
  return line;
}

std::string flow_jsonl_line(const analysis::FlowRecord& flow) {
  std::string line;
  line.reserve(4096);
  report::append_flow_json(line, flow, "\"type\":\"flow\"");
  return line;
}

std::string stats_text_line(const StatsView& s) {
  std::string line = format_rfc3339(s.time) + " stats " + fixed1(s.interval_s) + "s: " + counts_text(*s.counts);
  line += top_text("top failing servers", s.servers);
  line += top_text("top failing clients", s.clients);
  line += "; packets " + std::to_string(s.packets) + ", new flows " + std::to_string(s.flows_seen) + ", open flows " +
          std::to_string(s.open_flows) + ", evicted " + std::to_string(s.flows_evicted);
  line += "; since start: " + kernel_text(s.kernel);
  if (s.failures) {
    line += ", failures written " + std::to_string(s.failures->flows_written) + " (" +
            std::to_string(s.failures->packets_written) + " packets)";
  }
  return line;
}

std::string stats_jsonl_line(const StatsView& s) {
  json body = json::object();
  body["time"] = format_rfc3339(s.time);
  body["interval_s"] = s.interval_s;
  add_counts(body, *s.counts);
  body["top_failing_servers"] = top_json(s.servers, "server");
  body["top_failing_clients"] = top_json(s.clients, "client");
  body["packets"] = s.packets;
  body["flows_seen"] = s.flows_seen;
  body["flows_evicted"] = s.flows_evicted;
  body["open_flows"] = s.open_flows;
  body["kernel"] = {{"received", s.kernel.received}, {"dropped", s.kernel.dropped}, {"if_dropped", s.kernel.if_dropped}};
  if (s.failures) {
    body["failures_written"] = {{"flows", s.failures->flows_written},
                                {"packets", s.failures->packets_written},
                                {"flows_without_packets", s.failures->flows_without_packets},
                                {"write_errors", s.failures->write_errors}};
  }
  return typed_line("stats", body);
}

std::string summary_text_line(const SummaryView& s) {
  std::string line = format_rfc3339(s.time) + " summary " + s.interface + " " + fixed1(s.duration_s) + "s: " +
                     counts_text(*s.counts);
  line += top_text("top failing servers", s.servers);
  line += "; packets " + std::to_string(s.input.packets) + ", flows seen " + std::to_string(s.input.flows_seen) +
          ", evicted " + std::to_string(s.input.flows_evicted) + caps_text(s.input) + "; " + kernel_text(s.kernel);
  return line;
}

std::string summary_jsonl_line(const SummaryView& s) {
  // What JsonlReport::write_finish writes: the report's own summary object, tool and version.
  std::ostringstream line;
  const json extra = {{"tool", report::kToolName}, {"version", report::kToolVersion}};
  report::write_summary_json(line, *s.summary, extra, report::SummaryLayout{-1, 0, "\"type\":\"summary\""});
  return line.str();
}

}  // namespace tlsdiag::app
