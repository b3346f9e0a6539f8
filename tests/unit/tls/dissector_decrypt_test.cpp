// Dissector with a key log: the RFC 8448 §3 connection (its secrets and protected records) goes
// through the dissector, which must decrypt both sides' handshake and report what was inside,
// whole, one byte at a time and record by record; and must leave the records as they were, and
// say why, when the key log has no or the wrong secrets.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rfc8448_trace.h"
#include "support/recording_tls_sink.h"
#include "support/tls_builder.h"
#include "tlsdiag/tls/dissector.h"
#include "tlsdiag/tls/keylog.h"

namespace tlsdiag::tls {
namespace {

using test::Bytes;
constexpr Direction kC2S = Direction::ClientToServer;
constexpr Direction kS2C = Direction::ServerToClient;
constexpr FlowId kFlow = 3;

std::string hex(const Bytes& b) {
  std::string out;
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::uint8_t byte : b) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

std::array<std::uint8_t, 32> random_of(const Bytes& b) {
  std::array<std::uint8_t, 32> r{};
  std::copy_n(b.begin(), std::min(b.size(), r.size()), r.begin());
  return r;
}

// The key log an SSLKEYLOGFILE-writing stack would have written for the RFC's connection.
std::string rfc8448_keylog(const Bytes& client_random) {
  const std::string cr = hex(client_random);
  return "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + cr + " " + hex(rfc8448::kClientHandshakeSecret) + "\n" +
         "SERVER_HANDSHAKE_TRAFFIC_SECRET " + cr + " " + hex(rfc8448::kServerHandshakeSecret) + "\n" +
         "CLIENT_TRAFFIC_SECRET_0 " + cr + " " + hex(rfc8448::kClientApplicationSecret) + "\n" +
         "SERVER_TRAFFIC_SECRET_0 " + cr + " " + hex(rfc8448::kServerApplicationSecret) + "\n";
}

// The hellos in clear (built: only the client random and the suite matter for the keys), then
// the RFC's protected records in the order sent.
struct Packet {
  Direction dir;
  Bytes bytes;
};
std::vector<Packet> rfc8448_connection() {
  test::ClientHelloSpec ch;
  ch.random = random_of(rfc8448::kClientRandom);
  ch.cipher_suites = {0x1301, 0x1303, 0x1302};
  ch.extensions = std::vector<Bytes>{test::ext_supported_versions({0x0304}), test::ext_key_share_client({0x001d})};
  test::ServerHelloSpec sh;
  sh.cipher_suite = 0x1301;
  sh.extensions = std::vector<Bytes>{test::ext_selected_version(0x0304), test::ext_key_share_server(0x001d)};
  return {{kC2S, test::record(22, 0x0301, test::client_hello(ch))},
          {kS2C, test::record(22, 0x0303, test::server_hello(sh))},
          {kS2C, rfc8448::kServerFlightRecord},
          {kC2S, rfc8448::kClientFinishedRecord},
          {kS2C, rfc8448::kNewSessionTicketRecord},
          {kC2S, rfc8448::kClientDataRecord},
          {kS2C, rfc8448::kServerDataRecord}};
}

enum class Chunking { Whole, OneByte };

std::vector<std::string> dissect(const KeyLog* keys, Chunking how) {
  test::RecordingTlsSink sink;
  Dissector dissector(sink, keys);
  reassembly::FlowInfo info;
  info.id = kFlow;
  info.syn_seen = true;
  dissector.on_open(info);
  std::int64_t n = 0;
  for (const Packet& p : rfc8448_connection()) {
    if (how == Chunking::Whole) {
      ++n;
      dissector.on_data(kFlow, p.dir, p.bytes, Timestamp{n}, static_cast<std::uint64_t>(n));
      continue;
    }
    for (std::size_t i = 0; i < p.bytes.size(); ++i, ++n)
      dissector.on_data(kFlow, p.dir, std::span(p.bytes).subspan(i, 1), Timestamp{n}, static_cast<std::uint64_t>(n));
  }
  dissector.on_close(kFlow, reassembly::CloseReason::Fin, Timestamp{n}, {});
  std::vector<std::string> lines;
  for (const std::string& line : sink.tls_lines())
    if (!line.starts_with("c2s ClientHello") && !line.starts_with("s2c ServerHello")) lines.push_back(line);
  return lines;
}

const std::vector<std::string> kEncryptedOnly = {
    "s2c EncryptedRecord type=23 len=674", "c2s EncryptedRecord type=23 len=53",
    "s2c EncryptedRecord type=23 len=222", "c2s EncryptedRecord type=23 len=67",
    "s2c EncryptedRecord type=23 len=67"};

TEST(DissectorDecrypt, Rfc8448ConnectionDecryptsBothSides) {
  const KeyLog keys = KeyLog::parse(rfc8448_keylog(rfc8448::kClientRandom));
  ASSERT_TRUE(keys.warnings().empty());
  const std::vector<std::string> expected = {
      "s2c Decryption decrypted",
      "s2c EncryptedRecord type=23 len=674",
      "s2c Handshake type=8 len=36",  // EncryptedExtensions
      "s2c Certificate count=1 len=441 der=[432]",
      "s2c Handshake type=15 len=132",  // CertificateVerify
      "s2c Handshake type=20 len=32",   // Finished
      "c2s Decryption decrypted",
      "c2s EncryptedRecord type=23 len=53",
      "c2s Handshake type=20 len=32",
      // Under the application traffic secrets, found by trying the next key.
      "s2c EncryptedRecord type=23 len=222",
      "s2c Handshake type=4 len=201",  // NewSessionTicket
      "c2s EncryptedRecord type=23 len=67",
      "s2c EncryptedRecord type=23 len=67",
  };
  EXPECT_EQ(dissect(&keys, Chunking::Whole), expected);
  EXPECT_EQ(dissect(&keys, Chunking::OneByte), expected);
}

TEST(DissectorDecrypt, WithoutAKeyLogNothingChanges) {
  EXPECT_EQ(dissect(nullptr, Chunking::Whole), kEncryptedOnly);
}

TEST(DissectorDecrypt, KeyLogWithoutThisConnectionSaysSo) {
  Bytes other = rfc8448::kClientRandom;
  other[0] ^= 1;
  const KeyLog keys = KeyLog::parse(rfc8448_keylog(other));
  std::vector<std::string> expected = kEncryptedOnly;
  expected.insert(expected.begin(), "s2c Decryption no_keys");
  EXPECT_EQ(dissect(&keys, Chunking::Whole), expected);
}

TEST(DissectorDecrypt, WrongSecretsLeaveTheRecordsAndSayDecryptionFailed) {
  std::string log = rfc8448_keylog(rfc8448::kClientRandom);
  // Flip one hex digit of every secret (the last digit of each line).
  std::string broken;
  std::size_t start = 0;
  for (std::size_t nl; (nl = log.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = log.substr(start, nl - start);
    line.back() = line.back() == '0' ? '1' : '0';
    broken += line + "\n";
  }
  const KeyLog keys = KeyLog::parse(broken);
  const std::vector<std::string> lines = dissect(&keys, Chunking::Whole);
  std::vector<std::string> records;
  std::ranges::copy_if(lines, std::back_inserter(records),
                       [](const std::string& l) { return l.find("Decryption") == std::string::npos; });
  EXPECT_EQ(records, kEncryptedOnly);
  // Each side is reported as failed once (at the close: fewer records than it takes to give up).
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "s2c Decryption failed"), 1);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "c2s Decryption failed"), 1);
}

}  // namespace
}  // namespace tlsdiag::tls
