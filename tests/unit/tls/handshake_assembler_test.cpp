// HandshakeAssembler: messages spanning records, several messages per record, the size cap and
// reset (RFC 8446 §5.1: handshake messages may be fragmented across records and coalesced).
#include "tlsdiag/tls/handshake_assembler.h"

#include <cstdint>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "support/tls_builder.h"

namespace tlsdiag::tls {
namespace {

using test::Bytes;

struct Collected {
  std::uint8_t type = 0;
  std::uint32_t length = 0;
  Bytes body;
  std::uint64_t stream_offset = 0;
  bool operator==(const Collected&) const = default;
};

class Collector {
 public:
  HandshakeAssembler::Status feed(HandshakeAssembler& a, std::span<const std::uint8_t> payload) {
    return a.feed(payload, [this](const HandshakeMessage& m) {
      // The body view must agree with the announced length.
      EXPECT_EQ(m.body.size(), m.length);
      messages.push_back(Collected{m.type, m.length, Bytes(m.body.begin(), m.body.end()), m.stream_offset});
    });
  }
  std::vector<Collected> messages;
};

// n body bytes counting up from |first|.
Bytes body_of(std::size_t n, std::uint8_t first = 0) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(first + i);
  return b;
}

TEST(HandshakeAssembler, OneMessageInOneRecord) {
  const Bytes payload = {
      0x0e,              // msg_type: server_hello_done (14)
      0x00, 0x00, 0x00,  // length: 0
  };
  HandshakeAssembler a;
  Collector c;
  EXPECT_EQ(c.feed(a, payload), HandshakeAssembler::Status::NeedMore);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0], (Collected{14, 0, {}, 0}));
  EXPECT_FALSE(a.has_partial());
}

TEST(HandshakeAssembler, MessageSpanningThreeRecords) {
  const Bytes body = body_of(26);
  const Bytes message = test::handshake(11, body);  // certificate
  ASSERT_EQ(message.size(), 30u);
  // Records of 7, 13 and 10 bytes: the first one holds the 4-byte header and 3 body bytes.
  const std::span<const std::uint8_t> all(message);
  HandshakeAssembler a;
  Collector c;
  c.feed(a, all.subspan(0, 7));
  EXPECT_TRUE(c.messages.empty());
  EXPECT_TRUE(a.has_partial());
  c.feed(a, all.subspan(7, 13));
  EXPECT_TRUE(c.messages.empty());
  c.feed(a, all.subspan(20, 10));
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0], (Collected{11, 26, body, 0}));
  EXPECT_FALSE(a.has_partial());
  EXPECT_EQ(a.buffered(), 0u);
}

// --memory-limit charges what is held (held_bytes): a 40,000-byte message in two records is held
// while it assembles, and its buffer is released once it is out, not kept for the flow's lifetime.
TEST(HandshakeAssembler, AMessageAssembledAcrossRecordsIsNotKeptInMemory) {
  const Bytes message = test::handshake(11, body_of(40'000));  // certificate
  const std::span<const std::uint8_t> all(message);
  HandshakeAssembler a;
  Collector c;
  EXPECT_EQ(a.held_bytes(), 0u);
  c.feed(a, all.subspan(0, 20'000));
  EXPECT_GE(a.held_bytes(), 20'000u);
  c.feed(a, all.subspan(20'000));
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].body, body_of(40'000));
  EXPECT_EQ(a.held_bytes(), 0u);
  c.feed(a, all.subspan(0, 20'000));  // and after a reset (a gap) neither
  a.reset();
  EXPECT_EQ(a.held_bytes(), 0u);
}

// A message of 16 KiB or more has its length reserved as mapped pages when its header comes, and
// what it holds is the pages written: a header announcing 200,000 bytes and 100 of them hold one
// page, not 200,000 bytes (a peer cannot make a flow look big by announcing).
TEST(HandshakeAssembler, ALongMessageHoldsWhatCameNotWhatWasAnnounced) {
  if (!kMapLargeBlocks) GTEST_SKIP() << "AddressSanitizer build: every block comes from the heap";
  const Bytes message = test::handshake(11, body_of(200'000));
  const std::span<const std::uint8_t> all(message);
  HandshakeAssembler a;
  Collector c;
  c.feed(a, all.subspan(0, 104));
  EXPECT_EQ(a.held_bytes(), kPageBytes);
  c.feed(a, all.subspan(104, 100'000));
  EXPECT_EQ(a.held_bytes(), (100'104 + kPageBytes - 1) / kPageBytes * kPageBytes);
  c.feed(a, all.subspan(100'104));
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].body, body_of(200'000));
  EXPECT_EQ(a.held_bytes(), 0u);
}

TEST(HandshakeAssembler, HeaderItselfSplitAcrossRecords) {
  const Bytes message = test::handshake(4, body_of(5));  // new_session_ticket
  const std::span<const std::uint8_t> all(message);
  HandshakeAssembler a;
  Collector c;
  c.feed(a, all.subspan(0, 2));  // msg_type and the first length byte
  EXPECT_TRUE(a.has_partial());
  c.feed(a, all.subspan(2));
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].type, 4);
  EXPECT_EQ(c.messages[0].body, body_of(5));
}

TEST(HandshakeAssembler, SeveralMessagesInOneRecord) {
  // A TLS 1.2 server flight coalesced: ServerHello (2), Certificate (11), ServerHelloDone (14).
  const Bytes hello = test::handshake(2, body_of(38));
  const Bytes cert = test::handshake(11, body_of(12, 0x40));
  const Bytes done = test::handshake(14, {});
  const Bytes payload = test::concat({hello, cert, done});
  HandshakeAssembler a;
  Collector c;
  c.feed(a, payload);
  ASSERT_EQ(c.messages.size(), 3u);
  EXPECT_EQ(c.messages[0], (Collected{2, 38, body_of(38), 0}));
  EXPECT_EQ(c.messages[1], (Collected{11, 12, body_of(12, 0x40), 42}));  // after 4 + 38
  EXPECT_EQ(c.messages[2], (Collected{14, 0, {}, 58}));                  // after 42 + 4 + 12
  EXPECT_FALSE(a.has_partial());
}

TEST(HandshakeAssembler, RecordEndsOneMessageAndStartsTheNext) {
  const Bytes first = test::handshake(11, body_of(10));
  const Bytes second = test::handshake(12, body_of(6, 0x80));  // server_key_exchange
  const Bytes stream = test::concat({first, second});
  const std::span<const std::uint8_t> all(stream);
  HandshakeAssembler a;
  Collector c;
  c.feed(a, all.subspan(0, 9));    // first: header + 5 of 10 body bytes
  c.feed(a, all.subspan(9, 12));   // first's last 5 bytes + second's header + 3 body bytes
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].type, 11);
  EXPECT_TRUE(a.has_partial());
  c.feed(a, all.subspan(21));
  ASSERT_EQ(c.messages.size(), 2u);
  EXPECT_EQ(c.messages[1], (Collected{12, 6, body_of(6, 0x80), 14}));
}

TEST(HandshakeAssembler, MessageOfExactlyTheCapIsDelivered) {
  const Bytes body = body_of(kMaxHandshakeMessage);
  const Bytes message = test::handshake(11, body);
  const std::span<const std::uint8_t> all(message);
  HandshakeAssembler a;
  Collector c;
  for (std::size_t at = 0; at < all.size(); at += 16384) {
    EXPECT_EQ(c.feed(a, all.subspan(at, std::min<std::size_t>(16384, all.size() - at))),
              HandshakeAssembler::Status::NeedMore);
  }
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].length, kMaxHandshakeMessage);
  EXPECT_EQ(c.messages[0].body, body);
}

TEST(HandshakeAssembler, OversizedMessageIsSkippedAndReportedOnce) {
  // A header announcing 256 KiB + 1 bytes, its body sent in 16 KiB records, then a normal message.
  const std::uint32_t announced = kMaxHandshakeMessage + 1;
  Bytes stream = {
      0x0b,              // msg_type: certificate
      0x04, 0x00, 0x01,  // length: 262145
  };
  stream.resize(4 + announced, 0x77);
  const Bytes next = test::handshake(14, {});
  test::put_bytes(stream, next);
  const std::span<const std::uint8_t> all(stream);

  HandshakeAssembler a;
  Collector c;
  int oversized = 0;
  for (std::size_t at = 0; at < all.size(); at += 16384) {
    const auto n = std::min<std::size_t>(16384, all.size() - at);
    if (c.feed(a, all.subspan(at, n)) == HandshakeAssembler::Status::Oversized) ++oversized;
    if (at + n < all.size()) {
      EXPECT_TRUE(c.messages.empty()) << "at " << at;
    }
  }
  EXPECT_EQ(oversized, 1);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0], (Collected{14, 0, {}, 4ull + announced}));
  EXPECT_FALSE(a.has_partial());
}

TEST(HandshakeAssembler, OversizedHeaderAfterAPartialHeader) {
  // The announcing header arrives split: the cap is checked once the length is complete.
  const Bytes head = {0x0b, 0x7f};           // certificate, first length byte
  const Bytes rest = {0xff, 0xff, 0x01, 0x02};  // length 0x7fffff, then 2 body bytes
  HandshakeAssembler a;
  Collector c;
  EXPECT_EQ(c.feed(a, head), HandshakeAssembler::Status::NeedMore);
  EXPECT_EQ(c.feed(a, rest), HandshakeAssembler::Status::Oversized);
  EXPECT_TRUE(a.has_partial());  // still skipping the announced body
  EXPECT_EQ(c.feed(a, test::filled(100, 0)), HandshakeAssembler::Status::NeedMore);
  EXPECT_TRUE(c.messages.empty());
}

TEST(HandshakeAssembler, ResetDropsThePartialMessage) {
  const Bytes partial = test::handshake(11, body_of(40));
  HandshakeAssembler a;
  Collector c;
  c.feed(a, std::span<const std::uint8_t>(partial).subspan(0, 20));
  EXPECT_TRUE(a.has_partial());
  EXPECT_EQ(a.buffered(), 20u);
  a.reset();
  EXPECT_FALSE(a.has_partial());
  EXPECT_EQ(a.buffered(), 0u);
  // The next bytes are read as a fresh message, not as the rest of the dropped one.
  const Bytes fresh = test::handshake(14, {});
  c.feed(a, fresh);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].type, 14);
  EXPECT_EQ(c.messages[0].length, 0u);
}

TEST(HandshakeAssembler, ResetStopsSkippingAnOversizedMessage) {
  const Bytes header = {0x0b, 0x10, 0x00, 0x00};  // certificate of 1 MiB
  HandshakeAssembler a;
  Collector c;
  EXPECT_EQ(c.feed(a, header), HandshakeAssembler::Status::Oversized);
  EXPECT_TRUE(a.has_partial());
  a.reset();
  EXPECT_FALSE(a.has_partial());
  const Bytes fresh = test::handshake(14, {});
  c.feed(a, fresh);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].type, 14);
}

TEST(HandshakeAssembler, AnyChunkingGivesTheSameMessages) {
  const Bytes stream = test::concat({test::handshake(2, body_of(70)), test::handshake(11, body_of(300, 9)),
                                     test::handshake(12, body_of(33, 1)), test::handshake(14, {})});
  HandshakeAssembler whole_a;
  Collector whole;
  whole.feed(whole_a, stream);
  ASSERT_EQ(whole.messages.size(), 4u);
  for (std::size_t chunk : {1u, 2u, 3u, 5u, 17u, 64u}) {
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    HandshakeAssembler a;
    Collector c;
    const std::span<const std::uint8_t> all(stream);
    for (std::size_t at = 0; at < all.size(); at += chunk) c.feed(a, all.subspan(at, std::min(chunk, all.size() - at)));
    EXPECT_EQ(c.messages, whole.messages);
  }
}

}  // namespace
}  // namespace tlsdiag::tls
