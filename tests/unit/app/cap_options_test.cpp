// The per-flow cap flags (cap_options.h): parsed as analyze and live parse them, turned into the
// stage limits, and each cap, made small, taking effect on a real capture and counted in the
// input's caps_hit.
#include "cap_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app_fixtures.h"
#include "live_pipeline.h"
#include "pipeline.h"
#include "support/paths.h"
#include "support/pcap_file_writer.h"

namespace tlsdiag::app {
namespace {

namespace po = boost::program_options;
using analysis::Cap;

// The caps from command-line words (without the program name); nullopt with |error| as
// analyze would print it, after the program_options' own error if any.
std::optional<Caps> caps_from(std::vector<std::string> words, std::string& error) {
  CapOptions o;
  po::options_description desc;
  add_cap_options(desc, o);
  std::vector<const char*> argv = {"analyze"};
  for (const std::string& w : words) argv.push_back(w.c_str());
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(static_cast<int>(argv.size()), argv.data()).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    error = e.what();
    return std::nullopt;
  }
  return parse_caps(o, error);
}

TEST(CapOptions, DefaultsAreTheStagesOwn) {
  std::string error;
  const std::optional<Caps> caps = caps_from({}, error);
  ASSERT_TRUE(caps) << error;
  const reassembly::ReassemblyLimits reassembly;
  const tls::TlsLimits tls;
  EXPECT_EQ(caps->reassembly.max_buffered_bytes_per_direction, reassembly.max_buffered_bytes_per_direction);
  EXPECT_EQ(caps->reassembly.max_out_of_order_segments, reassembly.max_out_of_order_segments);
  EXPECT_EQ(caps->tls.max_handshake_message, tls.max_handshake_message);
  EXPECT_EQ(caps->tls.max_certificates, tls.max_certificates);
  EXPECT_EQ(caps->tls.max_extensions, tls.max_extensions);
  EXPECT_EQ(caps->tls.max_handshake_message, 256u * 1024);
}

TEST(CapOptions, FlagsSetTheLimits) {
  std::string error;
  const std::optional<Caps> caps =
      caps_from({"--max-reassembly-buffer", "64K", "--max-out-of-order-segments", "10", "--max-handshake-message=1K",
                 "--max-certificates", "2", "--max-extensions", "5"},
                error);
  ASSERT_TRUE(caps) << error;
  EXPECT_EQ(caps->reassembly.max_buffered_bytes_per_direction, 64u * 1024);
  EXPECT_EQ(caps->reassembly.max_out_of_order_segments, 10u);
  EXPECT_EQ(caps->tls.max_handshake_message, 1024u);
  EXPECT_EQ(caps->tls.max_certificates, 2u);
  EXPECT_EQ(caps->tls.max_extensions, 5u);
  // The flow table's settings are not theirs.
  EXPECT_EQ(caps->reassembly.max_flows, reassembly::ReassemblyLimits{}.max_flows);
}

TEST(CapOptions, BadValuesAreRejectedWithTheFlagNamed) {
  struct Case {
    std::vector<std::string> words;
    const char* error;
  };
  const Case cases[] = {
      {{"--max-handshake-message", "1x"}, "--max-handshake-message: not a size: '1x'"},
      {{"--max-reassembly-buffer", "-1"}, "--max-reassembly-buffer: not a size: '-1'"},
      {{"--max-handshake-message", "17M"}, "--max-handshake-message: at most 16M"},
      {{"--max-reassembly-buffer", "0"}, "must be at least 1"},
      {{"--max-out-of-order-segments", "0"}, "must be at least 1"},
      {{"--max-certificates", "0"}, "must be at least 1"},
      {{"--max-extensions", "0"}, "must be at least 1"},
      {{"--max-certificates", "ten"}, "max-certificates"},  // program_options' own message
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.words[0] + " " + c.words[1]);
    std::string error;
    EXPECT_FALSE(caps_from(c.words, error));
    EXPECT_NE(error.find(c.error), std::string::npos) << error;
  }
  std::string error;
  EXPECT_TRUE(caps_from({"--max-handshake-message", "16M"}, error)) << error;
}

// ---- each cap taking effect on a capture, counted in caps_hit ------------------------------------

std::string sample(const std::string& name) { return (test::source_dir() / "samples" / name).string(); }

std::uint64_t hits(const analysis::InputStats& s, Cap cap) { return s.caps_hit[static_cast<std::size_t>(cap)]; }

std::uint64_t malformed(const analysis::InputStats& s, tls::MalformedKind kind) {
  return s.malformed_by_kind[analysis::kind_index(kind)];
}

// |path| analysed with the caps the command-line |words| give.
analysis::InputStats analyse(const std::string& path, std::vector<std::string> words, bool event_thread = false) {
  std::string error;
  const std::optional<Caps> caps = caps_from(std::move(words), error);
  EXPECT_TRUE(caps) << error;
  PipelineOptions options;
  options.event_thread = event_thread;
  if (caps) {
    options.reassembly = caps->reassembly;
    options.tls = caps->tls;
  }
  test::RecordingFlowSink sink;
  const analysis::InputResult result = analyze_file(path, options, sink);
  EXPECT_FALSE(result.error) << *result.error;
  return result.stats;
}

// A ClientHello in three segments sent last first, after the SYN: two are held out of order.
std::string reversed_hello(const test::TempDir& dir) {
  const test::Bytes hello = test::tls12_client_hello_record();
  const auto third = static_cast<std::uint32_t>(hello.size() / 3);
  std::vector<test::PcapRecord> records;
  auto segment = [&](std::uint32_t seq, std::uint8_t flags, std::span<const std::uint8_t> payload) {
    const Timestamp ts{static_cast<std::int64_t>(records.size() + 1) * 1'000'000};
    records.push_back({ts, test::eth_ipv4_tcp({.seq = seq, .flags = flags}, payload)});
  };
  const std::span<const std::uint8_t> bytes(hello);
  segment(999, net::tcp_flags::kSyn, {});
  segment(1000 + 2 * third, net::tcp_flags::kAck, bytes.subspan(2 * third));
  segment(1000 + third, net::tcp_flags::kAck, bytes.subspan(third, third));
  segment(1000, net::tcp_flags::kAck, bytes.first(third));
  const std::string path = dir.file("reversed.pcap").string();
  test::write_file(path, test::pcap_bytes({}, records));
  return path;
}

TEST(CapOptions, DefaultsHitNoCapOnTheSamples) {
  test::TempDir dir;
  for (const std::string& path : {sample("tls12-client-cert-required.pcap"), reversed_hello(dir)}) {
    SCOPED_TRACE(path);
    const analysis::InputStats s = analyse(path, {});
    for (std::size_t i = 0; i < analysis::kCapCount; ++i) EXPECT_EQ(s.caps_hit[i], 0u) << analysis::kCapNames[i];
  }
}

// The server's Certificate (two certificates, over 1 KiB) is skipped: one oversized_message,
// counted as the cap.
TEST(CapOptions, SmallerHandshakeMessageCapIsCounted) {
  const analysis::InputStats s = analyse(sample("tls12-client-cert-required.pcap"), {"--max-handshake-message", "1K"});
  EXPECT_EQ(hits(s, Cap::HandshakeMessage), 1u);
  EXPECT_EQ(malformed(s, tls::MalformedKind::OversizedMessage), 1u);
  EXPECT_EQ(s.malformed, 0u);  // the packets were fine
}

// Both hellos carry more than two extensions. With an event thread the ClientHello is parsed, and
// counted, there (Dissector::defer_client_hellos).
TEST(CapOptions, SmallerExtensionCapIsCounted) {
  for (const bool event_thread : {false, true}) {
    SCOPED_TRACE(event_thread);
    const analysis::InputStats s = analyse(sample("tls12-ok-openssl.pcap"), {"--max-extensions", "2"}, event_thread);
    EXPECT_EQ(hits(s, Cap::Extensions), 2u);
  }
}

// The server's chain has two certificates: a cap of one is hit, a cap of two is not.
TEST(CapOptions, SmallerCertificateCapIsCountedOnlyPastIt) {
  const std::string path = sample("tls12-client-cert-required.pcap");
  EXPECT_EQ(hits(analyse(path, {"--max-certificates", "1"}), Cap::Certificates), 1u);
  EXPECT_EQ(hits(analyse(path, {"--max-certificates", "2"}), Cap::Certificates), 0u);
}

// Each reassembly cap counted on its own: the direction that hit it, once.
TEST(CapOptions, SmallerReassemblyCapsAreCounted) {
  test::TempDir dir;
  const std::string path = reversed_hello(dir);
  const analysis::InputStats segments = analyse(path, {"--max-out-of-order-segments", "1"});
  EXPECT_EQ(hits(segments, Cap::OutOfOrderSegments), 1u);
  EXPECT_EQ(hits(segments, Cap::ReassemblyBuffer), 0u);
  const analysis::InputStats bytes = analyse(path, {"--max-reassembly-buffer", "16"});
  EXPECT_EQ(hits(bytes, Cap::ReassemblyBuffer), 1u);
  EXPECT_EQ(hits(bytes, Cap::OutOfOrderSegments), 0u);
}

// live builds its pipeline from the same limits: a chain past --max-certificates is counted.
TEST(CapOptions, LivePipelineTakesTheLimits) {
  std::string error;
  const std::optional<Caps> caps = caps_from({"--max-certificates", "1"}, error);
  ASSERT_TRUE(caps) << error;
  LivePipelineOptions options;
  options.reassembly = caps->reassembly;
  options.tls = caps->tls;
  test::RecordingFlowSink sink;
  LivePipeline pipeline(sink, options);
  test::Conversation talk;
  talk.handshake(pipeline);
  talk.c2s(pipeline, test::tls12_client_hello_record());
  test::ServerHelloSpec hello;
  const test::Bytes chain =
      test::handshake(11, test::certificate_body_tls12({test::filled(40, 0x30), test::filled(40, 0x31)}));
  talk.s2c(pipeline, test::record(22, 0x0303, test::concat({test::server_hello(hello), chain})));
  EXPECT_EQ(hits(pipeline.stats(), Cap::Certificates), 1u);
}

}  // namespace
}  // namespace tlsdiag::app
