// Record layer: header reading, plausibility (RFC 5246 §6.2, RFC 8446 §5.1), resynchronisation
// and SSLv2 CLIENT-HELLO recognition (RFC 5246 §E.2).
#include "tlsdiag/tls/record.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/tls_builder.h"

namespace tlsdiag::tls {
namespace {

using test::Bytes;

TEST(RecordHeader, ReadsTheFiveHeaderFields) {
  const Bytes wire = {
      0x16,        // ContentType: handshake (22)
      0x03, 0x01,  // ProtocolVersion: TLS 1.0 (record layer of a ClientHello)
      0x01, 0x36,  // length: 310
  };
  RecordHeader h;
  ASSERT_TRUE(read_record_header(wire, h));
  EXPECT_EQ(h.content_type, 22);
  EXPECT_EQ(h.version, 0x0301);
  EXPECT_EQ(h.length, 310);
}

TEST(RecordHeader, NeedsFiveBytes) {
  const Bytes wire = {0x16, 0x03, 0x03, 0x00};
  RecordHeader h;
  EXPECT_FALSE(read_record_header(wire, h));
  EXPECT_FALSE(read_record_header({}, h));
}

TEST(RecordHeader, Plausibility) {
  struct Case {
    const char* what;
    Bytes header;
    bool plausible;
  };
  const Case cases[] = {
      {"handshake, TLS 1.0", {0x16, 0x03, 0x01, 0x00, 0x05}, true},
      {"change_cipher_spec (20), TLS 1.2", {0x14, 0x03, 0x03, 0x00, 0x01}, true},
      {"alert (21), SSL 3.0", {0x15, 0x03, 0x00, 0x00, 0x02}, true},
      {"application_data (23), TLS 1.2", {0x17, 0x03, 0x03, 0x40, 0x00}, true},
      {"heartbeat (24, RFC 6520), TLS 1.1", {0x18, 0x03, 0x02, 0x00, 0x13}, true},
      {"record version 0x0304", {0x17, 0x03, 0x04, 0x00, 0x20}, true},
      // RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048 = 18432 (0x4800).
      {"length 2^14 + 2048", {0x17, 0x03, 0x03, 0x48, 0x00}, true},
      {"length 2^14 + 2049", {0x17, 0x03, 0x03, 0x48, 0x01}, false},
      {"content type 19 (unassigned)", {0x13, 0x03, 0x03, 0x00, 0x05}, false},
      {"content type 25 (tls12_cid, not TLS)", {0x19, 0x03, 0x03, 0x00, 0x05}, false},
      {"content type 0", {0x00, 0x03, 0x03, 0x00, 0x05}, false},
      {"version 2.0", {0x16, 0x02, 0x00, 0x00, 0x05}, false},
      {"version 0x0305", {0x16, 0x03, 0x05, 0x00, 0x05}, false},
      {"DTLS 1.2 version 0xfefd", {0x16, 0xfe, 0xfd, 0x00, 0x05}, false},
      {"HTTP request 'GET /'", test::text_bytes("GET /"), false},
      {"SSH banner 'SSH-2'", test::text_bytes("SSH-2"), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    RecordHeader h;
    ASSERT_TRUE(read_record_header(c.header, h));
    EXPECT_EQ(plausible_record_header(h), c.plausible);
  }
}

TEST(FindPlausibleRecord, AtTheStart) {
  const Bytes wire = test::alert_record(2, 40);
  EXPECT_EQ(find_plausible_record(wire), 0u);
}

TEST(FindPlausibleRecord, SkipsGarbageBeforeARecord) {
  const Bytes garbage = {0xde, 0xad, 0xbe, 0xef, 0x99, 0x42, 0x00};
  const Bytes wire = test::concat({garbage, test::alert_record(2, 40)});
  EXPECT_EQ(find_plausible_record(wire), garbage.size());
}

TEST(FindPlausibleRecord, RejectsACandidateWhoseSuccessorIsImplausible) {
  const Bytes wire = {
      // A header-shaped accident in ciphertext: plausible on its own ...
      0x17,        // application_data
      0x03, 0x03,  // TLS 1.2
      0x00, 0x02,  // length 2
      0xaa, 0xbb,  // 2 bytes of "payload"
      // ... but the 5 bytes after it are no record header.
      0xc4, 0x11, 0x22, 0x33, 0x44,
      // The real record.
      0x15,        // alert
      0x03, 0x03,  // TLS 1.2
      0x00, 0x02,  // length 2
      0x02, 0x28,  // fatal handshake_failure
  };
  EXPECT_EQ(find_plausible_record(wire), 12u);
}

TEST(FindPlausibleRecord, AcceptsACandidateWhoseSuccessorIsNotYetComplete) {
  const Bytes wire = test::concat({Bytes{0x01, 0x02}, test::alert_record(2, 40), Bytes{0x16, 0x03}});
  EXPECT_EQ(find_plausible_record(wire), 2u);
}

TEST(FindPlausibleRecord, StartsAtFrom) {
  const Bytes wire = test::concat({test::alert_record(2, 40), test::alert_record(2, 70)});
  EXPECT_EQ(find_plausible_record(wire, 1), 7u);
  EXPECT_EQ(find_plausible_record(wire, 7), 7u);
}

TEST(FindPlausibleRecord, NoneGivesTheSize) {
  const Bytes wire = test::text_bytes("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
  EXPECT_EQ(find_plausible_record(wire), wire.size());
  const Bytes short_wire = {0x16, 0x03, 0x03, 0x00};  // a header cut short is no candidate
  EXPECT_EQ(find_plausible_record(short_wire), short_wire.size());
  EXPECT_EQ(find_plausible_record({}), 0u);
}

// The first 5 bytes of SSLv2 CLIENT-HELLOs from Zeek's traces (ssl-v2.pcap, ssl.v3.pcap).
TEST(Sslv2ClientHello, Recognised) {
  const Bytes sslv2 = {
      0x80, 0x2e,  // SSLv2 record header: high bit set, length 46
      0x01,        // msg_type: CLIENT-HELLO
      0x00, 0x02,  // version: SSL 2.0
  };
  const Bytes compat = {
      0x80, 0x55,  // SSLv2 record header: length 85
      0x01,        // msg_type: CLIENT-HELLO
      0x03, 0x01,  // version: TLS 1.0 (SSLv2-compatible hello of a TLS client)
  };
  EXPECT_TRUE(looks_like_sslv2_client_hello(sslv2));
  EXPECT_TRUE(looks_like_sslv2_client_hello(compat));
}

TEST(Sslv2ClientHello, NotRecognised) {
  struct Case {
    const char* what;
    Bytes bytes;
  };
  const Case cases[] = {
      {"a TLS record", {0x16, 0x03, 0x01, 0x00, 0x2e}},
      {"high bit clear", {0x00, 0x2e, 0x01, 0x03, 0x01}},
      {"SERVER-HELLO (msg_type 4)", {0x83, 0xb4, 0x04, 0x00, 0x01}},
      {"version 0x0100", {0x80, 0x2e, 0x01, 0x01, 0x00}},
      {"body too short for the fixed fields and a 16-byte challenge", {0x80, 0x18, 0x01, 0x03, 0x01}},
      {"fewer than 5 bytes", {0x80, 0x2e, 0x01, 0x03}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_FALSE(looks_like_sslv2_client_hello(c.bytes));
  }
}

// Frame 6 of Zeek's ssl-v2.pcap starts a SERVER-HELLO (tshark: length 948, SSL 2.0).
TEST(Sslv2ServerHello, Recognised) {
  const Bytes wire = {
      0x83, 0xb4,  // record header: 2-byte form, length 948
      0x04,        // msg_type: SERVER-HELLO
      0x00,        // session_id_hit: false
      0x01,        // certificate_type: X.509
      0x00, 0x02,  // server_version: SSL 2.0
  };
  EXPECT_TRUE(looks_like_sslv2_server_hello(wire));
  EXPECT_FALSE(looks_like_sslv2_server_hello(std::span<const std::uint8_t>(wire).first(6)));
  Bytes hit_two = wire;
  hit_two[3] = 0x02;  // session_id_hit is a boolean
  EXPECT_FALSE(looks_like_sslv2_server_hello(hit_two));
  const Bytes client_hello = {0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15};
  EXPECT_FALSE(looks_like_sslv2_server_hello(client_hello));
  const Bytes tls = {0x16, 0x03, 0x01, 0x00, 0x2e, 0x04, 0x00};
  EXPECT_FALSE(looks_like_sslv2_server_hello(tls));
}

// draft-hickman-netscape-ssl-00: a header with the high bit set is 2 bytes (15-bit length), else
// 3 bytes (14-bit length, then the padding length).
TEST(Sslv2Header, TwoAndThreeByteForms) {
  std::size_t length = 0;
  const Bytes two = {0x83, 0xb4, 0x04};  // ssl-v2.pcap frame 6
  EXPECT_EQ(read_sslv2_header(two, length), 2u);
  EXPECT_EQ(length, 948u);
  const Bytes three = {0x00, 0x28, 0x07};  // ssl-v2.pcap frame 9: length 40, 7 bytes of padding
  EXPECT_EQ(read_sslv2_header(three, length), 3u);
  EXPECT_EQ(length, 40u);
  const Bytes escape = {0x40, 0x28, 0x07};  // is-escape bit: not part of the length
  EXPECT_EQ(read_sslv2_header(escape, length), 3u);
  EXPECT_EQ(length, 40u);
  const Bytes short_header = {0x80, 0x10};
  EXPECT_EQ(read_sslv2_header(short_header, length), 0u);
}

}  // namespace
}  // namespace tlsdiag::tls
