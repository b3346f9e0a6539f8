// The minimized captures of the fixed hostile-input findings (docs/hostile-input.md, "Findings";
// tests/adversarial/findings/, made by make_findings.py): `tlsdiag analyze` on each, checking the
// figures that were wrong.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "support/paths.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path findings_dir() { return tlsdiag::test::source_dir() / "tests" / "adversarial" / "findings"; }

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// stdout of `tlsdiag analyze [--format json] CAPTURE`, which must exit 0 or 1.
std::string analyze(const std::string& capture, bool as_json) {
  const std::string cmd = shell_quote(tlsdiag::test::tlsdiag_binary().string()) + " analyze " +
                          (as_json ? "--format json " : "") + shell_quote((findings_dir() / capture).string()) +
                          " 2>/dev/null";
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 65536> buf{};
  for (std::size_t n = 0; (n = fread(buf.data(), 1, buf.size(), pipe)) > 0;) out.append(buf.data(), n);
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) <= 1) << cmd;
  return out;
}

json report_of(const std::string& capture) { return json::parse(analyze(capture, true)); }

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
  const std::string text = analyze("conflicting-retransmission.pcap", false);
  EXPECT_NE(text.find("    conflicts client 206 bytes retransmitted with different bytes (first copy kept)\n"),
            std::string::npos)
      << text;
}

}  // namespace
