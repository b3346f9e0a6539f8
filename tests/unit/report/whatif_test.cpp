#include "tlsdiag/report/whatif.h"

#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "report_fixtures.h"

namespace tlsdiag::report {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace)

tls::ClientHello hello(std::vector<std::uint16_t> supported_versions, std::uint16_t legacy_version,
                       std::vector<std::uint16_t> suites) {
  tls::ClientHello ch;
  ch.legacy_version = legacy_version;
  ch.supported_versions = std::move(supported_versions);
  ch.cipher_suites = std::move(suites);
  return ch;
}

TEST(WhatIf, Judge) {
  struct Case {
    const char* name;
    tls::ClientHello hello;
    WhatIfPolicy policy;
    WhatIfOutcome want;
  };
  const std::vector<std::uint16_t> tls12_list = {0xc02f, 0xc030};
  const Case cases[] = {
      {"TLS 1.1-only client at min TLS 1.2", hello({}, 0x0302, {0x002f}), {0x0303, {}, {}},
       WhatIfOutcome::VersionTooLow},
      {"TLS 1.2 client at min TLS 1.2", hello({}, 0x0303, {0x002f}), {0x0303, {}, {}}, WhatIfOutcome::Unaffected},
      {"TLS 1.2 client at min TLS 1.3", hello({}, 0x0303, {0x002f}), {0x0304, {}, {}},
       WhatIfOutcome::VersionTooLow},
      {"TLS 1.3 via supported_versions", hello({0x2a2a, 0x0304, 0x0303}, 0x0303, {0x1301}), {0x0304, {}, {}},
       WhatIfOutcome::Unaffected},
      {"GREASE is not a version", hello({0x2a2a, 0x0303}, 0x0303, {0x1301}), {0x0304, {}, {}},
       WhatIfOutcome::VersionTooLow},
      {"TLS 1.3 draft counts as 1.3", hello({0x7f17}, 0x0303, {0x1301}), {0x0304, {}, {}},
       WhatIfOutcome::Unaffected},
      {"no suite in the list", hello({}, 0x0303, {0x002f, 0x0035}), {0x0303, tls12_list, {}},
       WhatIfOutcome::NoAcceptableCipher},
      {"one suite in the list", hello({}, 0x0303, {0x002f, 0xc030}), {0x0303, tls12_list, {}},
       WhatIfOutcome::Unaffected},
      {"version first", hello({}, 0x0301, {0x002f}), {0x0303, tls12_list, {}}, WhatIfOutcome::VersionTooLow},
      {"ciphers only", hello({}, 0x0301, {0x002f}), {0, tls12_list, {}}, WhatIfOutcome::NoAcceptableCipher},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(judge(c.hello, c.policy), c.want);
  }
}

TEST(WhatIf, ParseCipherList) {
  std::string bad;
  EXPECT_EQ(parse_cipher_list("TLS_AES_128_GCM_SHA256, 0xc02f,TLS_AES_128_GCM_SHA256", bad),
            (std::vector<std::uint16_t>{0x1301, 0xc02f}));
  EXPECT_FALSE(parse_cipher_list("TLS_AES_128_GCM_SHA256,NOT_A_SUITE", bad));
  EXPECT_EQ(bad, "NOT_A_SUITE");
  EXPECT_FALSE(parse_cipher_list("0x12345", bad));
}

TEST(WhatIf, ServerSelection) {
  const FlowRecord f = version_rejected();  // to 192.0.2.1:443, SNI example.com
  const auto selected = [&](std::vector<std::string> servers) {
    return server_selected(f, WhatIfPolicy{0x0303, {}, std::move(servers)});
  };
  EXPECT_TRUE(selected({}));
  EXPECT_TRUE(selected({"192.0.2.1:443"}));
  EXPECT_TRUE(selected({"192.0.2.1"}));
  EXPECT_TRUE(selected({"other.example", "EXAMPLE.com"}));
  EXPECT_FALSE(selected({"192.0.2.1:8443"}));
  EXPECT_FALSE(selected({"192.0.2.2"}));
}

TEST(WhatIf, TallyCountsClientsAndConnections) {
  WhatIfTally tally(WhatIfPolicy{0x0303, {}, {}});
  tally.on_flow(version_rejected());  // 192.0.2.10, TLS 1.0 only
  tally.on_flow(version_rejected());
  tally.on_flow(tls13_success());     // 192.0.2.10 with another JA4: another client
  tally.on_flow(non_tls());           // no ClientHello
  const auto& counts = tally.counts();
  EXPECT_EQ(counts[static_cast<std::size_t>(WhatIfOutcome::VersionTooLow)].clients, 1u);
  EXPECT_EQ(counts[static_cast<std::size_t>(WhatIfOutcome::VersionTooLow)].connections, 2u);
  EXPECT_EQ(counts[static_cast<std::size_t>(WhatIfOutcome::Unaffected)].clients, 1u);
  EXPECT_EQ(tally.would_break().clients, 1u);
  EXPECT_EQ(tally.connections_without_hello(), 1u);
  EXPECT_EQ(tally.exit_code(), 1);
  const std::vector<WhatIfClient> broken = tally.clients(WhatIfOutcome::VersionTooLow, 0);
  ASSERT_EQ(broken.size(), 1u);
  EXPECT_EQ(broken[0].highest_offered, 0x0301);
  EXPECT_EQ(broken[0].sni, "example.com");
  EXPECT_EQ(broken[0].connections, 2u);

  std::ostringstream text;
  write_whatif_text(text, tally, 10);
  EXPECT_NE(text.str().find("Would break: 1 client, 2 connections\n"
                            "  version_too_low (no offered version is TLS 1.2 or newer): 1 client, 2 connections\n"
                            "    192.0.2.10  best TLS 1.0  -> 192.0.2.1:443 (example.com)  2 connections  t10"),
            std::string::npos)
      << text.str();
  const nlohmann::json j = nlohmann::json::parse(whatif_to_json(tally));
  EXPECT_EQ(j["policy"]["min_version"], "TLS 1.2");
  EXPECT_EQ(j["would_break"]["clients"], 1);
  EXPECT_EQ(j["would_break"]["by_reason"]["version_too_low"]["examples"][0]["highest_version_offered"], "TLS 1.0");
  EXPECT_EQ(j["unaffected"]["connections"], 1);
}

// A client is an address and a JA4, and the JA4 covers the suites and the highest version, so
// the same address with other offers is another client.
TEST(WhatIf, OtherOffersAreAnotherClient) {
  WhatIfTally tally(WhatIfPolicy{0, {0x1301}, {}});
  FlowRecord ok = tls13_success();
  ok.client_hello->cipher_suites = {0xc02f, 0x1301};
  FlowRecord bad = tls13_success();
  bad.client_hello->cipher_suites = {0xc02f};
  tally.on_flow(ok);
  EXPECT_EQ(tally.would_break().clients, 0u);
  EXPECT_EQ(tally.exit_code(), 0);
  tally.on_flow(bad);
  tally.on_flow(bad);
  EXPECT_EQ(tally.would_break().clients, 1u);
  EXPECT_EQ(tally.would_break().connections, 2u);
  EXPECT_EQ(tally.counts()[static_cast<std::size_t>(WhatIfOutcome::NoAcceptableCipher)].clients, 1u);
  EXPECT_EQ(tally.counts()[static_cast<std::size_t>(WhatIfOutcome::Unaffected)].clients, 1u);
}

}  // namespace
}  // namespace tlsdiag::report
