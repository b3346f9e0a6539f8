// append_server_row_json / append_client_row_json must give exactly the dump of server_row_json /
// client_row_json: on the rows of the fixtures' summary and on rows that fill every field
// (failures out of name order, unknown suites, several certificates, strings needing escapes,
// UTF-8 and invalid UTF-8). A failure means fleet_json.cpp and fleet_json_text.cpp no longer
// match: make the same change in both.
#include "tlsdiag/report/fleet_json_text.h"

#include <gtest/gtest.h>

#include <string>

#include "report_fixtures.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/summary.h"

namespace tlsdiag::report {
namespace {

using analysis::Reason;
using fixtures::endpoint;

std::string server_text(const ServerView& row) {
  std::string out = "[";  // appended to what is there
  append_server_row_json(out, row);
  return out.substr(1);
}

std::string client_text(const ClientView& row) {
  std::string out;
  append_client_row_json(out, row);
  return out;
}

const std::string kOdd[] = {"quote \" backslash \\", "\b\f\n\r\t\x01\x1f", "caf\xc3\xa9", "bad \xff\xfe end", ""};

ServerView full_server() {
  ServerView v;
  v.server = endpoint("2001:db8::1", 8443);
  v.names = {kOdd[0], kOdd[2], kOdd[3]};
  v.flows = 18446744073709551615ULL;
  v.failed = 7;
  v.failures = {{Reason::NoSharedCipher, 3}, {Reason::ProtocolVersionMismatch, 2}, {Reason::CertificateUntrusted, 2}};
  v.negotiated_versions = version_bit(0x0303) | version_bit(0x0304);
  v.negotiated_suites = {0x1301, 0xc02f, 0x0a0a, 0xfeff};
  v.rejected_versions = version_bit(0x0301) | version_bit(0x0300);
  v.version_rejected.clients = {endpoint("192.0.2.1", 1).ip, endpoint("192.0.2.2", 1).ip};
  v.version_rejected.more = true;
  v.rejected_suites = {0x0005, 0x000a};
  v.cipher_rejected.clients = {endpoint("192.0.2.3", 1).ip};
  v.certificates = {{kOdd[1], Timestamp::from_sec_nsec(1767225600, 0)}, {"CN=b", Timestamp::from_sec_nsec(0, 1)}};
  return v;
}

ClientView full_client() {
  ClientView v;
  v.client = endpoint("198.51.100.7", 1).ip;
  v.ja4s = {"t13d1516h2_8daaf6152771_b0da82dd1658", kOdd[3]};
  v.flows = 3;
  v.failed = 2;
  v.highest_offered = 0x0304;
  v.failures = {{Reason::TcpReset, 1}, {Reason::AlpnMismatch, 1}};
  return v;
}

TEST(FleetJsonText, FullRowsMatchTheNlohmannRows) {
  EXPECT_EQ(server_text(full_server()), dump_json(server_row_json(full_server())));
  EXPECT_EQ(client_text(full_client()), dump_json(client_row_json(full_client())));
}

TEST(FleetJsonText, EmptyRowsMatchTheNlohmannRows) {
  EXPECT_EQ(server_text(ServerView{}), dump_json(server_row_json(ServerView{})));
  EXPECT_EQ(client_text(ClientView{}), dump_json(client_row_json(ClientView{})));
}

TEST(FleetJsonText, EveryStringMatches) {
  for (const std::string& s : kOdd) {
    SCOPED_TRACE(s);
    ServerView server = full_server();
    server.names = {s};
    server.certificates = {{s, Timestamp{}}};
    EXPECT_EQ(server_text(server), dump_json(server_row_json(server)));
    ClientView client = full_client();
    client.ja4s = {s, s};
    EXPECT_EQ(client_text(client), dump_json(client_row_json(client)));
  }
}

TEST(FleetJsonText, FixtureRowsMatch) {
  Summary s;
  for (const auto& f : fixtures::all_flows()) s.add_flow(f);
  const auto servers = s.fleet().server_rows(0);
  const auto clients = s.fleet().client_rows(0);
  ASSERT_GE(servers.size(), 2u);
  ASSERT_GE(clients.size(), 2u);
  for (const ServerView* v : servers) EXPECT_EQ(server_text(*v), dump_json(server_row_json(*v)));
  for (const ClientView* v : clients) EXPECT_EQ(client_text(*v), dump_json(client_row_json(*v)));
}

}  // namespace
}  // namespace tlsdiag::report
