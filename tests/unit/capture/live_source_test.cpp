// LiveSource: listing interfaces, errors that say what to do, and (as root) a packet captured on
// loopback with its timestamp, link type and number. Live traffic of whole handshakes is the
// live_loopback test (tests/live/live_loopback.sh).
#include "tlsdiag/capture/live_source.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tlsdiag/capture/link_types.h"

namespace tlsdiag::capture {
namespace {

::testing::AssertionResult HasSubstr(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

LiveSourceOptions on(std::string iface, std::string filter = "") {
  LiveSourceOptions o;
  o.interface = std::move(iface);
  o.bpf_filter = std::move(filter);
  return o;
}

struct Recording : PacketSink {
  void on_packet(const Packet& p) override { packets.push_back(p); }  // spans dangle: metadata only
  void on_end(Timestamp) override {}
  std::vector<Packet> packets;
};

TEST(ListInterfaces, ListsTheLoopbackWithItsFlags) {
  std::string error;
  const auto interfaces = list_interfaces(error);
  ASSERT_EQ(error, "");
  bool found = false;
  for (const InterfaceInfo& i : interfaces) {
    if (i.name != "lo") continue;
    found = true;
    EXPECT_NE(std::find(i.flags.begin(), i.flags.end(), "Loopback"), i.flags.end());
  }
  EXPECT_TRUE(found);
}

TEST(LiveSource, AMissingInterfaceIsNamedInTheError) {
  LiveSource source(on("tlsdiag-none0"));
  const auto error = source.open();
  ASSERT_TRUE(error);
  EXPECT_TRUE(HasSubstr(error->message, "tlsdiag-none0"));
  // Without privileges libpcap cannot even look: then the error says how to get them.
  EXPECT_TRUE(HasSubstr(error->message, geteuid() == 0 ? "no such interface" : "setcap"));
}

TEST(LiveSource, DispatchBeforeOpenIsAnError) {
  LiveSource source(on("lo"));
  Recording sink;
  EXPECT_TRUE(source.dispatch(sink).error);
  EXPECT_EQ(source.selectable_fd(), -1);
}

class LoopbackCapture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "capturing needs root";
  }
};

TEST_F(LoopbackCapture, ABadFilterIsReported) {
  LiveSource source(on("lo", "tcp port nonsense"));
  const auto error = source.open();
  ASSERT_TRUE(error);
  EXPECT_TRUE(HasSubstr(error->message, "bad BPF filter"));
}

TEST_F(LoopbackCapture, DeliversAPacketSentToLoopback) {
  // A UDP datagram to a port nothing listens on, caught by a filter naming that port.
  const int sock = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);

  LiveSource source(on("lo", "udp dst port " + std::to_string(port)));
  if (auto error = source.open()) GTEST_SKIP() << error->message;
  EXPECT_EQ(source.info().format, "live");
  EXPECT_EQ(source.info().snaplen, static_cast<std::uint32_t>(kLiveSnaplen));
  const auto before = std::chrono::system_clock::now();
  ASSERT_EQ(sendto(sock, "ping", 4, 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 4);
  Recording sink;
  for (int tries = 0; tries < 50 && sink.packets.empty(); ++tries) {
    pollfd pfd{source.selectable_fd(), POLLIN, 0};
    poll(&pfd, 1, 100);
    ASSERT_FALSE(source.dispatch(sink).error);
  }
  close(sock);
  ASSERT_EQ(sink.packets.size(), 1U);
  const Packet& p = sink.packets[0];
  EXPECT_EQ(p.number, 1U);
  EXPECT_EQ(p.link_type, link_type::kEthernet);  // Linux loopback
  EXPECT_EQ(p.wire_len, 14U + 20U + 8U + 4U);
  const auto sent_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(before.time_since_epoch()).count();
  EXPECT_GT(p.ts.ns, sent_ns - 1'000'000'000);  // a kernel timestamp near now, in nanoseconds
  EXPECT_EQ(source.packets_delivered(), 1U);
  EXPECT_GE(source.stats().received, 1U);
}

}  // namespace
}  // namespace tlsdiag::capture
