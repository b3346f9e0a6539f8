// The minimized captures of the fixed hostile-input findings (docs/hostile-input.md, "Findings";
// tests/adversarial/findings/, made by make_findings.py): `tlsdiag analyze` on each, checking the
// figures that were wrong.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "support/paths.h"
#include "support/run_command.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path findings_dir() { return tlsdiag::test::source_dir() / "tests" / "adversarial" / "findings"; }

// stdout of `tlsdiag analyze --format FORMAT CAPTURE`, which must exit 0 or 1.
std::string analyze(const std::string& capture, std::string_view format) {
  using tlsdiag::test::shell_quote;
  const std::string cmd = shell_quote(tlsdiag::test::tlsdiag_binary().string()) + " analyze --format " +
                          std::string(format) + " " + shell_quote((findings_dir() / capture).string());
  tlsdiag::test::CommandResult run = tlsdiag::test::run_command(cmd);
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << cmd;
  return std::move(run.out);
}

json report_of(const std::string& capture) { return json::parse(analyze(capture, "json")); }

// The same run as JSON Lines (written by another writer): {"flows": [every flow line]}.
json jsonl_report_of(const std::string& capture) {
  json report = {{"flows", json::array()}};
  const std::string text = analyze(capture, "jsonl");
  for (std::size_t at = 0, end = 0; at < text.size(); at = end + 1) {
    end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    json line = json::parse(text.substr(at, end - at));
    if (line.at("type") == "flow") report["flows"].push_back(std::move(line));
  }
  return report;
}

// The reported flow whose client is |ip|:|port|, or null.
json flow_of(const json& report, std::string_view ip, int port) {
  for (const json& flow : report.at("flows"))
    if (flow.at("client").at("ip") == ip && flow.at("client").at("port") == port) return flow;
  ADD_FAILURE() << "no flow from " << ip << ":" << port;
  return json();
}

bool any_note_has(const json& flow, std::string_view text) {
  for (const json& note : flow.at("notes"))
    if (note.get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

// Finding 4: a reordered segment after the parser stopped was counted as retransmitted.
TEST(Findings, ReorderAfterParserStopsCountsEveryByte) {
  const json flow = flow_of(report_of("reorder-after-parser-stops.pcap"), "10.6.0.2", 40001);
  ASSERT_FALSE(flow.is_null());
  const json& tcp = flow.at("tcp");
  EXPECT_EQ(tcp.at("client_bytes"), 1035);  // was 935
  EXPECT_EQ(tcp.at("retransmitted_bytes"), 0);
  EXPECT_EQ(tcp.at("out_of_order_segments"), 1);
}

// Finding 5: the bytes the out-of-order cap gave up on were captured (later), so they are not
// "not captured", and they count as payload.
TEST(Findings, CapGapIsGivenUpNotMissingFromTheCapture) {
  const json report = report_of("cap-gap-labelled-not-captured.pcap");
  const json flow = flow_of(report, "10.1.1.1", 40000);
  ASSERT_FALSE(flow.is_null());
  const json& tcp = flow.at("tcp");
  EXPECT_EQ(tcp.at("gaps"), 0);             // was 1, of 103 bytes
  EXPECT_EQ(tcp.at("client_bytes"), 4200);  // was 4097
  EXPECT_EQ(tcp.at("retransmitted_bytes"), 0);
  EXPECT_EQ(tcp.at("buffer_cap_hit"), true);
  EXPECT_TRUE(any_note_has(flow, "103 bytes of the client stream not analysed (given up: reassembly buffer cap hit)"))
      << flow.at("notes");
  EXPECT_FALSE(any_note_has(flow, "not captured")) << flow.at("notes");
  const json& verdict = flow.at("verdict");
  EXPECT_NE(verdict.at("confidence"), "certain");  // was capture_truncated (certain): "missing from the capture"
  EXPECT_NE(verdict.at("explanation").get<std::string>().find("buffer cap"), std::string::npos) << verdict;
  // The real handshakes after it are untouched.
  EXPECT_EQ(flow_of(report, "192.0.2.1", 36860).at("verdict").at("status"), "ok");
  EXPECT_EQ(flow_of(report, "192.0.2.2", 40902).at("verdict").at("status"), "ok");
}

// Finding 7: a retransmission of delivered bytes with other bytes was a plain retransmission.
TEST(Findings, ConflictingRetransmissionIsCountedNotedAndShown) {
  const json flow = flow_of(report_of("conflicting-retransmission.pcap"), "10.7.0.2", 40002);
  ASSERT_FALSE(flow.is_null());
  EXPECT_EQ(flow.at("tcp").at("overlap_conflicts"), 206);  // was 0: the ClientHello, one piece
  EXPECT_TRUE(any_note_has(flow, "client retransmission with different bytes at stream byte 0 (first copy kept)"))
      << flow.at("notes");
  const std::string text = analyze("conflicting-retransmission.pcap", "text");
  EXPECT_NE(text.find("    conflicts client 206 bytes retransmitted with different bytes (first copy kept)\n"),
            std::string::npos)
      << text;
}

// The reassembly counters behind findings 5 and 7, in both JSON writers. Read from the capture
// (tshark, relative sequence numbers): the SYN is seq 0, so stream offset = seq - 1.
//  - cap-gap-labelled-not-captured.pcap: 4,200 one-byte client segments, frame k (4..4203) at
//    offset 4203 - k. The 4,096-segment cap holds frames 4..4099 (offsets 4199..104); frame 4100
//    (seq 104, offset 103) does not fit, so [0, 103) is given up on: 103 bytes. Frames 4101..4203
//    bring offsets 102..0 later: payload, not gaps, so all 103 stay given_up_bytes. The bytes
//    differ nowhere (each is sent once): no conflict, so no first_conflict field.
//  - conflicting-retransmission.pcap: frame 4 carries the 206-byte ClientHello at seq 1 (offset
//    0), frame 5 the same 206 bytes at seq 1 with bytes 103..205 changed. The repeat covers the
//    delivered piece [0, 206) whole, and a differing piece counts from its start: the first
//    conflicting byte counted is offset 0 (the first changed one is 103; docs/output.md). The
//    server sends no payload; nothing is held out of order, so nothing is given up on.
TEST(Findings, GivenUpBytesAndFirstConflictAreInTheFlowJson) {
  for (const bool lines : {false, true}) {
    SCOPED_TRACE(lines ? "jsonl" : "json");
    const auto report = [&](const std::string& capture) {
      return lines ? jsonl_report_of(capture) : report_of(capture);
    };
    const json cap = flow_of(report("cap-gap-labelled-not-captured.pcap"), "10.1.1.1", 40000);
    ASSERT_FALSE(cap.is_null());
    const json& cap_tcp = cap.at("tcp");
    EXPECT_EQ(cap_tcp.at("given_up_bytes"), 103);
    EXPECT_EQ(cap_tcp.at("gap_bytes"), 0);
    EXPECT_EQ(cap_tcp.at("overlap_conflicts"), 0);
    EXPECT_FALSE(cap_tcp.contains("client_first_conflict")) << cap_tcp;
    EXPECT_FALSE(cap_tcp.contains("server_first_conflict")) << cap_tcp;

    const json conflict = flow_of(report("conflicting-retransmission.pcap"), "10.7.0.2", 40002);
    ASSERT_FALSE(conflict.is_null());
    const json& tcp = conflict.at("tcp");
    EXPECT_EQ(tcp.at("overlap_conflicts"), 206);
    ASSERT_TRUE(tcp.contains("client_first_conflict")) << tcp;
    EXPECT_EQ(tcp.at("client_first_conflict"), 0);
    EXPECT_FALSE(tcp.contains("server_first_conflict")) << tcp;
    EXPECT_EQ(tcp.at("given_up_bytes"), 0);
  }
}

}  // namespace

// Finding 9: one flow's SYNs, alerts and history letters were all kept. The capture
// (make_findings.py event_flood) has 1,000 SYNs, a SYN-ACK, 1,000 warning alerts and a fatal one,
// and a RST: 1,002 TCP events, 1,001 alerts, 1,002 history letters (C and one l per alert).
TEST(Findings, EventFloodIsCappedAndCountedInBothWriters) {
  for (const json& report : {report_of("event-flood.pcap"), jsonl_report_of("event-flood.pcap")}) {
    const json flow = flow_of(report, "10.9.0.2", 40009);
    ASSERT_FALSE(flow.is_null());
    ASSERT_EQ(flow.at("alerts").size(), 65u);  // 64 warnings and the fatal one
    EXPECT_EQ(flow.at("alerts").back().at("description"), "handshake_failure");
    EXPECT_EQ(flow.at("alerts_omitted"), 936);
    EXPECT_EQ(flow.at("history").get<std::string>().size(), 100u);
    EXPECT_EQ(flow.at("history_omitted"), 902);
    const json& tcp = flow.at("tcp");
    ASSERT_EQ(tcp.at("events").size(), 34u);  // 32 SYNs, the SYN-ACK and the RST
    EXPECT_EQ(tcp.at("events").back().at("kind"), "rst");
    EXPECT_EQ(tcp.at("events_omitted"), 968);
    EXPECT_EQ(flow.at("verdict").at("reason"), "no_shared_cipher");
    EXPECT_EQ(flow.at("verdict").at("rejected_by"), "server");
  }
  // A flow under the caps has none of the *_omitted fields.
  const json other = flow_of(report_of("conflicting-retransmission.pcap"), "10.7.0.2", 40002);
  EXPECT_FALSE(other.contains("alerts_omitted"));
  EXPECT_FALSE(other.contains("history_omitted"));
  EXPECT_FALSE(other.at("tcp").contains("events_omitted"));
}

TEST(Findings, EventFloodTextReportFoldsRepeatedAlerts) {
  const std::string text = analyze("event-flood.pcap", "text");
  EXPECT_NE(text.find("server warning unrecognized_name (112) at #1004 and 63 more like it"), std::string::npos);
  EXPECT_NE(text.find("936 more omitted (cap)"), std::string::npos);
  EXPECT_NE(text.find("(902 more letters omitted)"), std::string::npos);
}
