// The cap flags end to end: `tlsdiag analyze` run as a user runs it, a smaller cap given on the
// command line taking effect on a real capture and counted in the input's and the summary's
// caps_hit and malformed_by_kind (JSON and text); a bad value is a usage error.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/paths.h"
#include "support/run_command.h"

namespace {

using nlohmann::json;

using CliRun = tlsdiag::test::CommandResult;

// tlsdiag ARGS, standard error dropped.
CliRun tlsdiag(const std::string& args) {
  return tlsdiag::test::run_command(tlsdiag::test::shell_quote(tlsdiag::test::tlsdiag_binary().string()) + " " + args);
}

// tlsdiag analyze ARGS SAMPLE.
CliRun analyze(const std::string& args, const std::string& sample) {
  return tlsdiag("analyze " + args + " '" + (tlsdiag::test::source_dir() / "samples" / sample).string() + "'");
}

json analyze_json(const std::string& args, const std::string& sample) {
  const CliRun r = analyze("--format json " + args, sample);
  EXPECT_LE(r.exit_code, 1);
  return json::parse(r.out, nullptr, /*allow_exceptions=*/false);
}

TEST(CapsCli, HandshakeMessageCapMakesOversizedMessage) {
  const json normal = analyze_json("", "tls12-client-cert-required.pcap");
  ASSERT_TRUE(normal.is_object());
  EXPECT_EQ(normal["inputs"][0]["caps_hit"]["handshake_message"], 0);
  EXPECT_FALSE(normal["inputs"][0]["malformed_by_kind"].contains("oversized_message"));

  // The server's Certificate (two certificates) is over 1 KiB.
  const json capped = analyze_json("--max-handshake-message 1K", "tls12-client-cert-required.pcap");
  ASSERT_TRUE(capped.is_object());
  const json& input = capped["inputs"][0];
  EXPECT_EQ(input["caps_hit"]["handshake_message"], 1);
  EXPECT_EQ(input["malformed_by_kind"], json({{"oversized_message", 1}}));
  EXPECT_EQ(capped["flows"][0]["notes"][0], "server handshake: oversized message at stream byte 70");
  EXPECT_EQ(capped["summary"]["caps_hit"], input["caps_hit"]);
  EXPECT_EQ(capped["summary"]["malformed_by_kind"], input["malformed_by_kind"]);
  EXPECT_EQ(capped["merge_state"]["totals"]["caps_hit"], input["caps_hit"]);
  EXPECT_EQ(input["malformed"], 0);  // the packets were fine
}

TEST(CapsCli, CertificateAndExtensionCapsAreCounted) {
  const json capped = analyze_json("--max-certificates 1 --max-extensions 1", "tls12-client-cert-required.pcap");
  ASSERT_TRUE(capped.is_object());
  EXPECT_EQ(capped["inputs"][0]["caps_hit"]["certificates"], 1);
  EXPECT_EQ(capped["inputs"][0]["caps_hit"]["extensions"], 2);  // ClientHello and ServerHello
  EXPECT_EQ(capped["flows"][0]["certificate_count"], 2);       // still says how many were sent
}

TEST(CapsCli, TextSummaryShowsTheCapsHit) {
  const CliRun r = analyze("--max-handshake-message 1K --color never", "tls12-client-cert-required.pcap");
  EXPECT_LE(r.exit_code, 1);
  const std::string lines = "\n  malformed   TLS oversized_message 1\n  caps hit    handshake_message 1\n";
  EXPECT_NE(r.out.find(lines), std::string::npos) << r.out;
  EXPECT_EQ(analyze("--color never", "tls12-ok-openssl.pcap").out.find("caps hit"), std::string::npos);
}

TEST(CapsCli, BadCapIsAUsageError) {
  for (const char* args : {"--max-handshake-message 1x", "--max-certificates 0", "--max-out-of-order-segments x"}) {
    SCOPED_TRACE(args);
    EXPECT_EQ(analyze(args, "tls12-ok-openssl.pcap").exit_code, 2);
  }
}

// live takes the same flags; a bad one is refused before the interface is opened.
TEST(CapsCli, LiveTakesTheSameFlags) {
  const CliRun help = tlsdiag("live --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--max-reassembly-buffer", "--max-out-of-order-segments", "--max-handshake-message",
                           "--max-certificates", "--max-extensions"})
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  // --duration bounds the run should the flag ever be accepted.
  EXPECT_EQ(tlsdiag("live -i lo --duration 1s --max-handshake-message 0").exit_code, 2);
}

}  // namespace
