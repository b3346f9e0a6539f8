// Dissector counters: every Malformed event under exactly one kind (DissectorStats::
// malformed_by_kind), and the TlsLimits caps taking effect and counted when hit.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "support/recording_tls_sink.h"
#include "support/tls_builder.h"
#include "tlsdiag/tls/dissector.h"
#include "tlsdiag/tls/hello_parsers.h"

namespace tlsdiag::tls {
namespace {

using test::Bytes;

constexpr Direction kC2S = Direction::ClientToServer;
constexpr Direction kS2C = Direction::ServerToClient;
constexpr FlowId kFlow = 3;

// One flow fed through a Dissector with |limits|; close() ends it as a FIN would.
class Flow {
 public:
  explicit Flow(TlsLimits limits = {}, bool defer_hellos = false, bool syn_seen = true)
      : dissector_(sink, nullptr, limits) {
    if (defer_hellos) dissector_.defer_client_hellos();
    reassembly::FlowInfo info;
    info.id = kFlow;
    info.syn_seen = syn_seen;
    dissector_.on_open(info);
  }
  void data(Direction dir, std::span<const std::uint8_t> bytes) {
    ++packet_;
    dissector_.on_data(kFlow, dir, bytes, Timestamp{packet_}, static_cast<std::uint64_t>(packet_));
  }
  // The same bytes |step| at a time: counts must not depend on how the stream was cut.
  void data_in_steps(Direction dir, std::span<const std::uint8_t> bytes, std::size_t step) {
    for (std::size_t at = 0; at < bytes.size(); at += step)
      data(dir, bytes.subspan(at, std::min(step, bytes.size() - at)));
  }
  void close() { dissector_.on_close(kFlow, reassembly::CloseReason::Fin, Timestamp{0}, {}); }
  const DissectorStats& stats() const { return dissector_.stats(); }

  test::RecordingTlsSink sink;

 private:
  Dissector dissector_;
  std::int64_t packet_ = 0;
};

Bytes handshake_record(std::span<const std::uint8_t> messages) { return test::record(22, 0x0303, messages); }

Bytes client_hello_record(std::size_t extensions = 4) {
  test::ClientHelloSpec spec;
  std::vector<Bytes> all = {test::ext_server_name("caps.example"), test::ext_supported_groups({0x001d}),
                            test::ext_signature_algorithms({0x0804}), test::extension(23)};
  all.resize(extensions);
  spec.extensions = all;
  return handshake_record(test::client_hello(spec));
}

Bytes server_hello_record() {
  test::ServerHelloSpec spec;
  spec.extensions = std::vector<Bytes>{test::extension(0xff01, Bytes{0x00}), test::extension(23)};
  return handshake_record(test::server_hello(spec));
}

// A Certificate message of |count| certificates of |size| bytes each, in one record.
Bytes certificate_record(std::size_t count, std::size_t size) {
  const std::vector<Bytes> chain(count, test::filled(size, 0x30));
  return handshake_record(test::handshake(11, test::certificate_body_tls12(chain)));
}

std::uint64_t sum(const DissectorStats& s) {
  return std::accumulate(s.malformed_by_kind.begin(), s.malformed_by_kind.end(), std::uint64_t{0});
}

// What one side sends in one on_data call.
struct Chunk {
  Direction dir;
  Bytes bytes;
};

TEST(DissectorLimits, EachMalformedEventHasOneKind) {
  const Bytes hello = client_hello_record();
  const Bytes junk = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05};
  const Bytes lying = {
      0x10,              // client_key_exchange
      0x00, 0x01, 0x00,  // length: 256, but 1 byte follows before the ChangeCipherSpec
      0x20,
  };
  Bytes odd_suites = {0x03, 0x03};                      // legacy_version: TLS 1.2
  test::put_bytes(odd_suites, test::filled(32, 0x11));  // random
  test::put_bytes(odd_suites, Bytes{
                                  0x00,              // legacy_session_id: empty
                                  0x00, 0x01, 0x13,  // cipher_suites: 1 byte (odd)
                                  0x01, 0x00,        // compression: null
                              });
  const Bytes certificate = test::handshake(11, test::certificate_body_tls12({test::filled(300, 0x30)}));
  const Bytes bad_chain = {0x00, 0x00, 0x09, 0x00};  // certificate_list announces 9 bytes, 1 follows
  struct Case {
    const char* name;
    std::vector<Chunk> chunks;  // then the flow closes
    MalformedKind kind;
  };
  const Case cases[] = {
      {"garbage between records", {{kC2S, test::concat({hello, junk, test::alert_record(1, 0)})}},
       MalformedKind::BadRecordHeader},
      {"record over 2^14 + 2048", {{kC2S, test::concat({Bytes{22, 3, 1, 0x48, 0x01}, hello})}},
       MalformedKind::OversizedRecord},
      {"record cut at close", {{kC2S, Bytes(hello.begin(), hello.begin() + 20)}}, MalformedKind::TruncatedRecord},
      {"message cut at close", {{kS2C, handshake_record(std::span(certificate).first(100))}},
       MalformedKind::TruncatedHandshake},
      {"length cut short by ChangeCipherSpec",
       {{kC2S, test::concat({handshake_record(lying), test::change_cipher_spec_record()})}},
       MalformedKind::BadHandshakeLength},
      {"client hello that does not parse", {{kC2S, handshake_record(test::handshake(1, odd_suites))}},
       MalformedKind::MalformedClientHello},
      {"certificate that does not parse", {{kS2C, handshake_record(test::handshake(11, bad_chain))}},
       MalformedKind::MalformedCertificate},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Flow f;
    for (const Chunk& chunk : c.chunks) f.data(chunk.dir, chunk.bytes);
    f.close();
    EXPECT_EQ(f.stats().malformed_count(c.kind), 1u) << ::testing::PrintToString(f.sink.tls_lines());
    EXPECT_EQ(sum(f.stats()), f.stats().malformed);
    EXPECT_EQ(f.stats().malformed, f.sink.bodies<Malformed>().size());
  }
}

// --max-handshake-message: a certificate of 1,500 bytes is skipped under a 1 KiB cap (one
// oversized_message, however the stream is cut) and parsed under the default one.
TEST(DissectorLimits, SmallerHandshakeCapSkipsTheMessage) {
  const Bytes flight = test::concat({server_hello_record(), certificate_record(1, 1500)});
  for (const std::size_t step : {flight.size(), std::size_t{1}, std::size_t{100}}) {
    SCOPED_TRACE(step);
    Flow capped(TlsLimits{.max_handshake_message = 1024});
    capped.data_in_steps(kS2C, flight, step);
    capped.close();
    EXPECT_EQ(capped.stats().malformed_count(MalformedKind::OversizedMessage), 1u);
    EXPECT_TRUE(capped.sink.bodies<CertificateChain>().empty());
  }
  Flow normal;
  normal.data(kS2C, flight);
  normal.close();
  EXPECT_EQ(normal.stats().malformed, 0u);
  EXPECT_EQ(normal.sink.bodies<CertificateChain>().size(), 1u);
}

// --max-certificates: the first ones are kept, all are counted, and the chain is counted as capped.
TEST(DissectorLimits, CertificatesPastTheCapAreCounted) {
  Flow f(TlsLimits{.max_certificates = 2});
  f.data(kS2C, test::concat({server_hello_record(), certificate_record(3, 50), certificate_record(2, 50)}));
  const auto chains = f.sink.bodies<CertificateChain>();
  ASSERT_EQ(chains.size(), 2u);
  EXPECT_EQ(chains[0].count, 3u);
  EXPECT_EQ(chains[0].der.size(), 2u);
  EXPECT_EQ(chains[1].der.size(), 2u);  // at the cap, not past it
  EXPECT_EQ(f.stats().certificate_chains_capped, 1u);
  EXPECT_EQ(f.stats().malformed, 0u);
}

// --max-extensions: a hello with more is kept with extensions_error TooManyExtensions, counted.
TEST(DissectorLimits, ExtensionsPastTheCapAreCounted) {
  Flow f(TlsLimits{.max_extensions = 2});
  f.data(kC2S, client_hello_record(4));
  f.data(kS2C, server_hello_record());  // exactly 2: not capped
  const auto hellos = f.sink.bodies<ClientHello>();
  ASSERT_EQ(hellos.size(), 1u);
  ASSERT_TRUE(hellos[0].extensions_error.has_value());
  EXPECT_EQ(hellos[0].extensions_error->code, Errc::TooManyExtensions);
  EXPECT_EQ(hellos[0].sni, "caps.example");  // what came before the cap is kept
  EXPECT_EQ(f.stats().hellos_extensions_capped, 1u);
  EXPECT_EQ(f.stats().malformed, 0u);

  Flow normal;
  normal.data(kC2S, client_hello_record(4));
  EXPECT_EQ(normal.stats().hellos_extensions_capped, 0u);
}

// Deferred (for the event thread), the cap is the sink's to count: it parses the hello.
TEST(DissectorLimits, DeferredHellosPastTheCapAreLeftForTheSinkToCount) {
  Flow f(TlsLimits{.max_extensions = 2}, /*defer_hellos=*/true);
  f.data(kC2S, client_hello_record(4));
  f.data(kS2C, server_hello_record());
  const auto unparsed = f.sink.bodies<UnparsedClientHello>();
  ASSERT_EQ(unparsed.size(), 1u);
  EXPECT_EQ(unparsed[0].max_extensions, 2u);
  const Result<ClientHello> hello = parse_client_hello(unparsed[0]);
  ASSERT_TRUE(hello);
  ASSERT_TRUE(hello->extensions_error.has_value());
  EXPECT_EQ(hello->extensions_error->code, Errc::TooManyExtensions);
  EXPECT_EQ(f.stats().hellos_extensions_capped, 0u);
  EXPECT_TRUE(f.sink.bodies<ClientHello>().empty());
}

// A hello with |trailing| bytes after its extension block, inside the message.
Bytes client_hello_with_trailing_bytes(std::size_t trailing) {
  Bytes record = client_hello_record(2);
  record.insert(record.end(), trailing, 0xde);
  const std::size_t body = record.size() - 9;  // less the record and handshake headers
  record[3] = static_cast<std::uint8_t>((body + 4) >> 8);
  record[4] = static_cast<std::uint8_t>(body + 4);
  record[6] = static_cast<std::uint8_t>(body >> 16);
  record[7] = static_cast<std::uint8_t>(body >> 8);
  record[8] = static_cast<std::uint8_t>(body);
  return record;
}

// The events |sink| got, each deferred hello parsed as its sink would.
std::vector<std::string> parsed_lines(const test::RecordingTlsSink& sink) {
  std::vector<std::string> lines;
  for (const TlsEvent& e : sink.events) {
    const auto* unparsed = std::get_if<UnparsedClientHello>(&e.body);
    const TlsEventBody body = unparsed ? TlsEventBody(*parse_client_hello(*unparsed)) : e.body;
    lines.push_back(test::describe(TlsEvent{e.flow, e.dir, e.ts, e.packet_number, body}));
  }
  return lines;
}

// What a sink gets from a dissector that defers the hellos, once it parses them, is what the
// dissector would have sent: the same events in the same order, malformed hellos still Malformed
// (checked before deferring), roles swapped by the hello's side, SSLv2 hellos parsed as before,
// the same random (a key log's index), however the stream is cut.
TEST(DissectorLimits, DeferredHellosParseToTheSameEvents) {
  test::ClientHelloSpec odd_suites;
  odd_suites.cipher_suites = {0x1301};
  Bytes bad_suites = handshake_record(test::client_hello(odd_suites));
  bad_suites[5 + 4 + 2 + 32 + 1 + 1] = 3;  // the suites' length: odd
  test::ClientHelloSpec no_extensions;
  no_extensions.extensions.reset();
  test::ClientHelloSpec duplicate;  // an error before the cap: the count and the parse stop apart
  duplicate.extensions = std::vector<Bytes>{test::ext_server_name("a.example"), test::ext_server_name("b.example"),
                                            test::extension(23), test::extension(22), test::extension(35)};
  const Bytes sslv2 = test::sslv2_client_hello(0x0301, {0x00002f}, {}, Bytes(16, 7));  // with its record header
  const auto error = [](Errc code) { return "ext_error=" + std::string(errc_message(code)); };
  const struct {
    const char* name;
    Bytes hello;
    bool syn_seen;
    Direction from;
    bool deferred;
    std::string shows;  // in the events' lines: the case is the one meant
  } cases[] = {
      {"capped", client_hello_record(4), true, kC2S, true, error(Errc::TooManyExtensions)},
      {"plain", client_hello_record(3), true, kC2S, true, "sni=caps.example"},
      {"no extensions block", handshake_record(test::client_hello(no_extensions)), true, kC2S, true, "ext=[]"},
      {"duplicate before the cap", handshake_record(test::client_hello(duplicate)), true, kC2S, true,
       error(Errc::DuplicateExtension)},
      {"trailing bytes", client_hello_with_trailing_bytes(2), true, kC2S, true, error(Errc::TrailingBytes)},
      {"from the side taken for the server", client_hello_record(2), false, kS2C, true, "RolesSwapped"},
      {"odd suites length: malformed", bad_suites, true, kC2S, false, "Malformed client_hello"},
      {"SSLv2", sslv2, true, kC2S, false, " sslv2"},
  };
  for (const auto& c : cases) {
    for (const std::size_t step : {std::size_t{1}, std::size_t{7}, c.hello.size()}) {
      SCOPED_TRACE(testing::Message() << c.name << ", " << step << " bytes at a time");
      Flow direct(TlsLimits{.max_extensions = 3}, false, c.syn_seen);
      Flow deferred(TlsLimits{.max_extensions = 3}, true, c.syn_seen);
      for (Flow* f : {&direct, &deferred}) {
        f->data_in_steps(c.from, c.hello, step);
        f->data(c.from == kC2S ? kS2C : kC2S, server_hello_record());
        f->close();
      }
      const std::vector<std::string> expected = direct.sink.tls_lines();
      EXPECT_EQ(parsed_lines(deferred.sink), expected);
      EXPECT_TRUE(std::ranges::any_of(expected, [&](const std::string& l) { return l.find(c.shows) != std::string::npos; }))
          << c.shows;
      const auto unparsed = deferred.sink.bodies<UnparsedClientHello>();
      EXPECT_EQ(unparsed.size(), c.deferred ? 1u : 0u);
      if (!unparsed.empty()) {
        EXPECT_EQ(parse_client_hello(unparsed[0])->random, direct.sink.bodies<ClientHello>().at(0).random);
      }
      EXPECT_EQ(deferred.stats().malformed, direct.stats().malformed);
    }
  }
}

// Bytes after the extension block are not carried to the sink, only where they began: a hello
// may hold up to max_handshake_message of them.
TEST(DissectorLimits, DeferredHelloLeavesItsTrailingBytesOut) {
  const Bytes record = client_hello_with_trailing_bytes(10'000);  // one record (at most 16 KiB)
  Flow f(TlsLimits{}, /*defer_hellos=*/true);
  f.data(kC2S, record);
  const auto unparsed = f.sink.bodies<UnparsedClientHello>();
  ASSERT_EQ(unparsed.size(), 1u);
  EXPECT_EQ(unparsed[0].body.size(), record.size() - 9 - 10'000);
  EXPECT_EQ(unparsed[0].message_length, record.size() - 9);
  const Result<ClientHello> hello = parse_client_hello(unparsed[0]);
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->message_length, record.size() - 9);
  ASSERT_TRUE(hello->extensions_error);
  EXPECT_EQ(hello->extensions_error->code, Errc::TrailingBytes);
  EXPECT_EQ(hello->extensions_error->offset, unparsed[0].body.size());
}

// --memory-limit: the dissector's slots span its oldest open flow to its newest, so one long flow
// keeps a slot for every flow opened after it (a SYN flood behind it): they are charged, and
// released when the long flow closes. Without payload no flow state is made, only the slots.
TEST(DissectorLimits, MemoryBudgetChargesTheSlotsBehindTheOldestOpenFlow) {
  test::RecordingTlsSink sink;
  MemoryBudget budget;  // no limit: charges are counted
  Dissector d(sink);
  d.set_memory_budget(&budget);
  auto open = [&d](FlowId id) {
    reassembly::FlowInfo info;
    info.id = id;
    info.syn_seen = true;
    d.on_open(info);
  };
  open(1);
  for (FlowId id = 2; id <= 10'001; ++id) {
    open(id);
    d.on_close(id, reassembly::CloseReason::Rst, Timestamp{0}, {});
  }
  // A slot is a pointer and two flags: at least 9 bytes; 10,000 of them.
  EXPECT_GE(budget.used(), 10'000u * (sizeof(void*) + 1));
  d.on_close(1, reassembly::CloseReason::Fin, Timestamp{0}, {});
  EXPECT_EQ(budget.used(), 0u);
}

// A dissector charging |budget|, with flow kFlow open (its SYN seen).
struct BudgetedFlow {
  test::RecordingTlsSink sink;
  MemoryBudget budget;
  Dissector d{sink};
  BudgetedFlow() {
    d.set_memory_budget(&budget);
    reassembly::FlowInfo info;
    info.id = kFlow;
    info.syn_seen = true;
    d.on_open(info);
  }
};

// A certificate record of |size| bytes arrives as |first| bytes, then the rest: it is charged to
// the budget while it is held, and once it is used its buffer is freed (only the flow state stays
// charged), whatever its size.
void expect_partial_record_charged_then_freed(std::size_t size, std::size_t first) {
  BudgetedFlow f;
  auto& [sink, budget, d] = f;
  const Bytes record = certificate_record(1, size);
  const std::span<const std::uint8_t> bytes(record);
  d.on_data(kFlow, kS2C, bytes.subspan(0, first), Timestamp{1}, 1);
  const std::size_t holding = budget.used();
  EXPECT_GE(holding, first);
  d.on_data(kFlow, kS2C, bytes.subspan(first), Timestamp{2}, 2);
  EXPECT_EQ(sink.count<CertificateChain>(), 1u);
  EXPECT_LE(budget.used() + first, holding);  // the record was used: its bytes are not held
  d.on_close(kFlow, reassembly::CloseReason::Fin, Timestamp{3}, {});
  EXPECT_EQ(budget.used(), 0u);
}

TEST(DissectorLimits, MemoryBudgetChargesAPartialRecordWhileItIsHeld) {
  expect_partial_record_charged_then_freed(12'000, 10'000);
}

// A small record is freed too, not kept for reuse: on the 1 GB workload thousands of open flows
// past their handshake each kept a segment's worth of buffer that way (4.5 MB of a 55 MB peak).
TEST(DissectorLimits, ASmallPartialRecordIsFreedOnceUsed) { expect_partial_record_charged_then_freed(1'000, 600); }

// Each direction is charged for what it holds as its own bytes come; the flow's charge is the sum,
// and one direction finishing its record leaves the other's charge standing.
TEST(DissectorLimits, BothDirectionsHoldingAreChargedTogether) {
  BudgetedFlow f;
  auto& [sink, budget, d] = f;
  const std::size_t empty = budget.used();
  const Bytes server = certificate_record(1, 12'000);
  const Bytes client = certificate_record(1, 9'000);
  d.on_data(kFlow, kS2C, std::span(server).subspan(0, 10'000), Timestamp{1}, 1);
  const std::size_t server_only = budget.used();
  d.on_data(kFlow, kC2S, std::span(client).subspan(0, 7'000), Timestamp{2}, 2);
  const std::size_t both = budget.used();
  EXPECT_GE(server_only, empty + 10'000);
  EXPECT_GE(both, server_only + 7'000);
  d.on_data(kFlow, kS2C, std::span(server).subspan(10'000), Timestamp{3}, 3);  // the server's is used
  EXPECT_LE(budget.used() + 10'000, both);
  EXPECT_GE(budget.used(), empty + 7'000);  // the client's still held
  d.on_close(kFlow, reassembly::CloseReason::Fin, Timestamp{4}, {});
  EXPECT_EQ(budget.used(), 0u);
}

}  // namespace
}  // namespace tlsdiag::tls
