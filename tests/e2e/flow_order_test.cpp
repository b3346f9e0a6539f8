// --order end to end over a real capture: samples/many-flows-mixed.pcap, twenty connections that
// overlap (clients start 0.5 s apart and hold their connection about 2 s), so the order in which
// they start and the order in which they end differ. The expected orders come from the capture
// itself, read here with libpcap directly (an oracle apart from tlsdiag's capture stage): each
// connection's first packet, and the packet that closes it, its first RST or the FIN that gives
// it a FIN each way (tshark shows the same frames: tcp.flags.fin, tcp.flags.reset per
// tcp.stream). A flow is named by its first packet's number, the report's `source.packet`.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/paths.h"
#include "support/run_command.h"

namespace {

using nlohmann::json;
using tlsdiag::test::shell_quote;

std::string sample() { return (tlsdiag::test::source_dir() / "samples/many-flows-mixed.pcap").string(); }

struct Connection {
  std::uint64_t first = 0;   // packet numbers, from 1
  std::uint64_t closed = 0;  // the first RST, or the FIN that makes one each way; 0: open
  std::array<bool, 2> fin{};  // by direction: from the lower endpoint, from the higher
};

// Ethernet, IPv4 without options or with, TCP: the connection's endpoints, lower one first.
using Endpoints = std::array<std::uint8_t, 12>;

struct Segment {
  Endpoints key{};
  int direction = 0;  // 0: sent by the lower endpoint
  std::uint8_t flags = 0;
};

bool segment_of(const std::uint8_t* p, std::uint32_t len, Segment& seg) {
  if (len < 14 + 20 + 4 || p[12] != 0x08 || p[13] != 0x00) return false;
  const std::uint8_t* ip = p + 14;
  const std::uint32_t ihl = (ip[0] & 0x0f) * 4u;
  if ((ip[0] >> 4) != 4 || ip[9] != 6 || len < 14 + ihl + 4) return false;
  const std::uint8_t* tcp = ip + ihl;
  if (len < 14 + ihl + 14) return false;
  std::array<std::uint8_t, 6> a{ip[12], ip[13], ip[14], ip[15], tcp[0], tcp[1]};
  std::array<std::uint8_t, 6> b{ip[16], ip[17], ip[18], ip[19], tcp[2], tcp[3]};
  seg.direction = b < a ? 1 : 0;
  if (b < a) std::swap(a, b);
  std::copy(a.begin(), a.end(), seg.key.begin());
  std::copy(b.begin(), b.end(), seg.key.begin() + 6);
  seg.flags = tcp[13];
  return true;
}

constexpr std::uint8_t kFin = 0x01, kRst = 0x04;

std::vector<Connection> connections() {
  char error[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pcap = pcap_open_offline(sample().c_str(), error);
  EXPECT_NE(pcap, nullptr) << error;
  std::map<Endpoints, Connection> by_endpoints;
  if (pcap == nullptr) return {};
  pcap_pkthdr* header = nullptr;
  const std::uint8_t* data = nullptr;
  for (std::uint64_t number = 1; pcap_next_ex(pcap, &header, &data) == 1; ++number) {
    Segment seg;
    if (!segment_of(data, header->caplen, seg)) continue;
    Connection& c = by_endpoints[seg.key];
    if (c.first == 0) c.first = number;
    if (c.closed != 0) continue;
    if ((seg.flags & kFin) != 0) c.fin[seg.direction] = true;
    if ((seg.flags & kRst) != 0 || (c.fin[0] && c.fin[1])) c.closed = number;
  }
  pcap_close(pcap);
  std::vector<Connection> out;
  for (const auto& [key, c] : by_endpoints) out.push_back(c);
  return out;
}

// The connections' first packets, ordered by |by|.
std::vector<std::uint64_t> named_in_order(std::vector<Connection> list, std::uint64_t Connection::*by) {
  std::ranges::sort(list, {}, by);
  std::vector<std::uint64_t> names;
  for (const Connection& c : list) names.push_back(c.first);
  return names;
}

std::string analyze(const std::string& args) {
  const std::string cmd =
      shell_quote(tlsdiag::test::tlsdiag_binary().string()) + " analyze -q " + args + " " + shell_quote(sample());
  const tlsdiag::test::CommandResult run = tlsdiag::test::run_command(cmd);
  EXPECT_EQ(run.exit_code, 1) << cmd;  // the sample has failed handshakes
  return run.out;
}

std::vector<std::uint64_t> jsonl_order(const std::string& args) {
  std::vector<std::uint64_t> names;
  std::istringstream lines(analyze("-f jsonl " + args));
  for (std::string line; std::getline(lines, line);) {
    const json j = json::parse(line);
    if (j.at("type") == "flow") names.push_back(j.at("source").at("packet").get<std::uint64_t>());
  }
  return names;
}

std::vector<std::uint64_t> json_order(const std::string& args) {
  std::vector<std::uint64_t> names;
  const json report = json::parse(analyze("-f json " + args));
  for (const json& flow : report.at("flows"))
    names.push_back(flow.at("source").at("packet").get<std::uint64_t>());
  return names;
}

class FlowOrder : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::vector<Connection> all = connections();
    ASSERT_EQ(all.size(), 20u);
    by_start = named_in_order(all, &Connection::first);
    for (const Connection& c : all) ASSERT_NE(c.closed, 0u) << "connection from packet " << c.first << " never closes";
    by_end = named_in_order(all, &Connection::closed);
    ASSERT_NE(by_start, by_end) << "the sample no longer tells the two orders apart";
  }
  std::vector<std::uint64_t> by_start;
  std::vector<std::uint64_t> by_end;
};

// -j 1: one thread; -j 2: the flows correlated, judged and reported on a second thread.
TEST_F(FlowOrder, JsonLinesStreamFlowsAsTheyEnd) {
  EXPECT_EQ(jsonl_order("-j 1"), by_end);
  EXPECT_EQ(jsonl_order("-j 2"), by_end);
  EXPECT_EQ(jsonl_order("-j 1 --order end"), by_end);
}

TEST_F(FlowOrder, JsonLinesInStartOrderOnRequest) {
  EXPECT_EQ(jsonl_order("-j 1 --order start"), by_start);
  EXPECT_EQ(jsonl_order("-j 2 --order start"), by_start);
}

TEST_F(FlowOrder, JsonDocumentListsFlowsAsTheyStartUnlessAsked) {
  EXPECT_EQ(json_order("-j 1"), by_start);
  EXPECT_EQ(json_order("-j 2 --order end"), by_end);
}

TEST(FlowOrderOption, AnUnknownOrderIsAUsageError) {
  const tlsdiag::test::CommandResult run = tlsdiag::test::run_command(
      shell_quote(tlsdiag::test::tlsdiag_binary().string()) + " analyze --order random " + shell_quote(sample()),
      /*keep_stderr=*/true);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("unknown order 'random'"), std::string::npos) << run.err;
}

}  // namespace
