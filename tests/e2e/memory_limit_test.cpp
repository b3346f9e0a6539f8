// --memory-limit end to end: `tlsdiag analyze` on generated floods, where what the limit allows
// follows from what it charges (docs/hostile-input.md): a sixteenth of the limit is set aside for
// tombstones (64 bytes each), and a flow holding out-of-order bytes is charged at least those
// bytes. The expected counts below are derived from that, not read off a run.
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/packet_builder.h"
#include "support/paths.h"
#include "support/run_command.h"
#include "support/pcap_file_writer.h"

namespace {

using nlohmann::json;
using tlsdiag::Timestamp;
using tlsdiag::test::Bytes;
using tlsdiag::test::PcapRecord;
namespace flags = tlsdiag::net::tcp_flags;

// tlsdiag analyze --format json -j 1 ARGS PCAP, standard error dropped.
json analyze_json(const std::string& args, const std::filesystem::path& pcap) {
  using tlsdiag::test::shell_quote;
  const std::string cmd = shell_quote(tlsdiag::test::tlsdiag_binary().string()) + " analyze --format json -j 1 " + args +
                          " " + shell_quote(pcap.string());
  const tlsdiag::test::CommandResult run = tlsdiag::test::run_command(cmd);
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << cmd;
  return json::parse(run.out, nullptr, /*allow_exceptions=*/false);
}

// Packets 1 ms apart, between the client 192.0.2.1 and the server 198.51.100.2.
class Capture {
 public:
  void client(const tlsdiag::test::TcpSpec& tcp, const Bytes& payload = {}) { add(tcp, payload, {}); }
  void server(const tlsdiag::test::TcpSpec& tcp) { add(tcp, {}, {.src = "198.51.100.2", .dst = "192.0.2.1"}); }
  std::filesystem::path write(const tlsdiag::test::TempDir& dir, const std::string& name) const {
    const auto path = dir.file(name);
    tlsdiag::test::write_file(path, tlsdiag::test::pcap_bytes({}, records_));
    return path;
  }

 private:
  void add(const tlsdiag::test::TcpSpec& tcp, const Bytes& payload, const tlsdiag::test::Ipv4Spec& ip) {
    ++n_;
    records_.push_back(PcapRecord{Timestamp{n_ * 1'000'000}, tlsdiag::test::eth_ipv4_tcp(tcp, payload, ip)});
  }
  std::int64_t n_ = 0;
  std::vector<PcapRecord> records_;
};

// 3,000 connections refused (SYN, RST), then a late RST for each, newest first. At 1 MiB the
// tombstones' room is 1 MiB / 16 / 64 = 1,024: the late RSTs of the 1,024 newest connections are
// absorbed by their tombstones, the other 1,976 open (and close) a connection each.
TEST(MemoryLimit, TombstonesAreBoundedByTheirShareOfTheLimit) {
  constexpr std::uint16_t kConnections = 3000;
  Capture c;
  for (std::uint16_t i = 0; i < kConnections; ++i) {
    const auto port = static_cast<std::uint16_t>(20000 + i);
    c.client({.src_port = port, .dst_port = 443, .seq = 1000, .flags = flags::kSyn});
    c.server({.src_port = 443, .dst_port = port, .seq = 0, .ack = 1001, .flags = flags::kRst | flags::kAck});
  }
  for (std::uint16_t i = kConnections; i-- > 0;) {
    const auto port = static_cast<std::uint16_t>(20000 + i);
    c.server({.src_port = 443, .dst_port = port, .seq = 0, .ack = 1001, .flags = flags::kRst | flags::kAck});
  }
  tlsdiag::test::TempDir dir;
  const json report = analyze_json("--memory-limit 1M", c.write(dir, "refused.pcap"));
  ASSERT_TRUE(report.is_object());
  const json& input = report["inputs"][0];
  EXPECT_EQ(input["flows_seen"], kConnections + (kConnections - 1024));
  EXPECT_EQ(input["flows_without_payload"], input["flows_seen"]);
  EXPECT_EQ(input["caps_hit"]["memory"], 0);  // never more than one flow open

  // Without a limit the tombstones are capped by --max-flows only: every late RST is absorbed.
  EXPECT_EQ(analyze_json("--memory-limit 0", c.write(dir, "refused.pcap"))["inputs"][0]["flows_seen"],
            kConnections);
}

// 80 connections, one after the other, each holding 256 KiB out of order (8 segments of 32 KiB
// after a missing first byte) until the end. At 16 MiB, 1 MiB is set aside for tombstones and
// 15 MiB = 60 x 256 KiB is left: 60 flows do not fit with their bookkeeping (a few KiB each, and
// the table's slots), 59 do, with about 130 KiB to spare. The least recently active flows are
// evicted as each new one fills: 80 - 59 = 21 evictions.
TEST(MemoryLimit, FlowsHoldingOutOfOrderBytesAreEvictedToStayUnderTheLimit) {
  constexpr std::uint16_t kFlows = 80;
  constexpr std::uint32_t kSegment = 32 * 1024;
  const Bytes payload(kSegment, 'x');
  Capture c;
  for (std::uint16_t i = 0; i < kFlows; ++i) {
    const auto port = static_cast<std::uint16_t>(30000 + i);
    c.client({.src_port = port, .dst_port = 443, .seq = 1000, .flags = flags::kSyn});
    for (std::uint32_t k = 0; k < 8; ++k)  // data starts at 1001; byte 1001 never comes
      c.client({.src_port = port, .dst_port = 443, .seq = 1002 + k * kSegment, .flags = flags::kAck}, payload);
  }
  tlsdiag::test::TempDir dir;
  const json report = analyze_json("--memory-limit 16M", c.write(dir, "held.pcap"));
  ASSERT_TRUE(report.is_object());
  const json& input = report["inputs"][0];
  EXPECT_EQ(input["flows_seen"], kFlows);
  EXPECT_EQ(input["caps_hit"]["memory"], kFlows - 59);
  EXPECT_EQ(input["caps_hit"]["flows"], 0);
  EXPECT_EQ(input["flows_evicted"], kFlows - 59);
}

}  // namespace
