// Correlator: history letters (Zeek's ssl_history: client upper case, server lower case), role
// swaps, which flows are reported, and the ordered release of flows by first packet.
#include "tlsdiag/analysis/correlator.h"
#include "tlsdiag/analysis/finalizer.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/tls_builder.h"
#include "tlsdiag/analysis/history.h"
#include "tlsdiag/tls/dissector.h"

namespace tlsdiag::analysis {
namespace {

using reassembly::CloseReason;
using reassembly::FlowId;
using reassembly::TcpEventKind;

constexpr Direction kC2S = Direction::ClientToServer;
constexpr Direction kS2C = Direction::ServerToClient;

class RecordingFlowSink : public FlowSink {
 public:
  void on_flow(const FlowRecord& flow) override { flows.push_back(flow); }
  void on_input_done(const InputResult&) override {}
  void on_finish() override {}
  std::vector<FlowId> ids() const {
    std::vector<FlowId> out;
    for (const auto& f : flows) out.push_back(f.id);
    return out;
  }
  std::vector<FlowRecord> flows;
};

net::Endpoint endpoint(std::uint8_t last, std::uint16_t port) {
  net::Endpoint ep;
  ep.ip.family = 4;
  ep.ip.bytes = {198, 51, 100, last};
  ep.port = port;
  return ep;
}

reassembly::FlowInfo info(FlowId id, bool syn = true, std::uint16_t server_port = 443) {
  reassembly::FlowInfo i;
  i.id = id;
  i.client = endpoint(1, static_cast<std::uint16_t>(40000 + id));
  i.server = endpoint(2, server_port);
  i.syn_seen = syn;
  i.first_seen = Timestamp{static_cast<std::int64_t>(id) * 1'000'000};
  i.first_packet = id * 10;
  return i;
}

tls::TlsEvent event(FlowId id, Direction d, tls::TlsEventBody body) {
  return tls::TlsEvent{id, d, Timestamp{static_cast<std::int64_t>(id) * 1'000'000 + 1}, id * 10 + 1, std::move(body)};
}

tls::ClientHello client_hello() {
  tls::ClientHello h;
  h.legacy_version = 0x0303;
  h.cipher_suites = {0xc02f};
  h.compression_methods = {0};
  h.sni = "history.example";
  return h;
}
tls::ServerHello server_hello(std::uint16_t version = 0x0303, bool retry = false) {
  tls::ServerHello h;
  h.legacy_version = 0x0303;
  h.selected_version = version;
  h.cipher_suite = version == 0x0304 ? 0x1301 : 0xc02f;
  h.hello_retry_request = retry;
  return h;
}
tls::CertificateChain chain(std::uint32_t n) {
  tls::CertificateChain c;
  c.count = n;
  c.der.assign(n, std::vector<std::uint8_t>{0x30, 0x00});
  return c;
}

reassembly::FlowStats payload_stats(std::uint64_t client_bytes, std::uint64_t server_bytes) {
  reassembly::FlowStats s;
  s.dir[0].packets = client_bytes ? 3 : 1;
  s.dir[0].payload_bytes = client_bytes;
  s.dir[1].packets = server_bytes ? 3 : 1;
  s.dir[1].payload_bytes = server_bytes;
  return s;
}

// Feeds one flow's TLS events (sender, body) and closes it; returns its history.
std::string history_of(const std::vector<std::pair<Direction, tls::TlsEventBody>>& events) {
  RecordingFlowSink sink;
  Correlator c(sink, "h.pcap");
  c.on_open(info(1));
  for (const auto& [dir, body] : events) c.on_tls(event(1, dir, body));
  c.on_close(1, CloseReason::Fin, Timestamp{9'000'000}, payload_stats(500, 500));
  c.on_end(Timestamp{9'000'000});
  EXPECT_EQ(sink.flows.size(), 1u);
  return sink.flows.empty() ? "" : sink.flows[0].history;
}

// ---- history letters --------------------------------------------------------------------------

TEST(History, LettersPerHandshakeType) {
  // history.h: RFC 5246 §7.4 / RFC 8446 §4 handshake types.
  const struct {
    std::uint8_t type;
    char letter;
  } cases[] = {{0, 'H'},  {1, 'C'},  {2, 'S'},  {3, 'V'},  {4, 'T'},  {5, 'E'},  {8, 'O'},
               {11, 'X'}, {12, 'K'}, {13, 'R'}, {14, 'N'}, {15, 'Y'}, {16, 'G'}, {20, 'F'},
               {21, 'W'}, {22, 'U'}, {23, 'A'}, {24, 'P'}, {254, 'M'}, {6, 'Z'},  {99, 'Z'}};
  for (const auto& c : cases) EXPECT_EQ(handshake_letter(c.type), c.letter) << int{c.type};
  EXPECT_EQ(history_letter('C', kC2S), 'C');
  EXPECT_EQ(history_letter('S', kS2C), 's');
}

// Expected strings are Zeek's own ssl_history baselines for such handshakes (see
// ../shared/corpus/zeek/catalog.json: "CsxknGIti", "CsiI", "CjiICs", "Cl", "CsxkrnXGYIti").
TEST(History, Tls12FullHandshakeWithTicket) {
  const std::string h = history_of({
      {kC2S, client_hello()},
      {kS2C, server_hello()},
      {kS2C, chain(2)},
      {kS2C, tls::ServerKeyExchange{0x001d}},
      {kS2C, tls::HandshakeSeen{14, 0}},
      {kC2S, tls::HandshakeSeen{16, 33}},
      {kC2S, tls::ChangeCipherSpec{}},
      {kC2S, tls::EncryptedRecord{22, 40}},  // Finished: no letter
      {kS2C, tls::HandshakeSeen{4, 170}},
      {kS2C, tls::ChangeCipherSpec{}},
      {kS2C, tls::EncryptedRecord{22, 40}},
      {kC2S, tls::EncryptedRecord{23, 100}},
  });
  EXPECT_EQ(h, "CsxknGIti");
}

TEST(History, Tls13) {
  const std::string h = history_of({
      {kC2S, client_hello()},
      {kS2C, server_hello(0x0304)},
      {kS2C, tls::ChangeCipherSpec{}},
      {kS2C, tls::EncryptedRecord{23, 2000}},
      {kC2S, tls::ChangeCipherSpec{}},
      {kC2S, tls::EncryptedRecord{23, 53}},
  });
  EXPECT_EQ(h, "CsiI");
}

TEST(History, HelloRetryRequest) {
  const std::string h = history_of({
      {kC2S, client_hello()},
      {kS2C, server_hello(0x0304, /*retry=*/true)},
      {kS2C, tls::ChangeCipherSpec{}},
      {kC2S, tls::ChangeCipherSpec{}},
      {kC2S, client_hello()},
      {kS2C, server_hello(0x0304)},
  });
  EXPECT_EQ(h, "CjiICs");
}

TEST(History, AlertsAndClientCertificate) {
  EXPECT_EQ(history_of({{kC2S, client_hello()}, {kS2C, tls::Alert{2, 40, false}}}), "Cl");
  EXPECT_EQ(history_of({{kC2S, client_hello()}, {kS2C, server_hello()}, {kC2S, tls::Alert{2, 70, false}}}), "CsL");
  // An encrypted alert adds no letter (it is a protected record).
  EXPECT_EQ(history_of({{kC2S, client_hello()}, {kS2C, server_hello()}, {kC2S, tls::Alert{0, 0, true}}}), "Cs");
  EXPECT_EQ(history_of({
                {kC2S, client_hello()},
                {kS2C, server_hello()},
                {kS2C, chain(1)},
                {kS2C, tls::ServerKeyExchange{0x0017}},
                {kS2C, tls::CertificateRequest{}},
                {kS2C, tls::HandshakeSeen{14, 0}},
                {kC2S, chain(1)},
                {kC2S, tls::HandshakeSeen{16, 66}},
                {kC2S, tls::HandshakeSeen{15, 264}},
                {kC2S, tls::ChangeCipherSpec{}},
                {kS2C, tls::HandshakeSeen{4, 170}},
                {kS2C, tls::ChangeCipherSpec{}},
            }),
            "CsxkrnXGYIti");
}

TEST(History, RolesSwappedFlipsWhatCameBefore) {
  RecordingFlowSink sink;
  Correlator c(sink, "swap.pcap");
  reassembly::FlowInfo i = info(1, /*syn=*/false);
  c.on_open(i);
  // Before the swap the dissector reports in the reassembler's (wrong) guess of directions.
  reassembly::TcpEvent ack;
  ack.kind = TcpEventKind::Fin;
  ack.dir = kC2S;
  c.on_tcp(1, ack);
  c.on_tls(event(1, kC2S, tls::NonTls{{'x'}}));
  c.on_tls(event(1, kC2S, tls::RolesSwapped{}));
  c.on_tls(event(1, kC2S, client_hello()));
  c.on_tls(event(1, kS2C, server_hello()));
  c.on_close(1, CloseReason::EndOfCapture, Timestamp{5'000'000}, payload_stats(300, 300));
  c.on_end(Timestamp{5'000'000});
  ASSERT_EQ(sink.flows.size(), 1u);
  const FlowRecord& f = sink.flows[0];
  EXPECT_TRUE(f.roles_from_client_hello);
  EXPECT_EQ(f.client, i.server);
  EXPECT_EQ(f.server, i.client);
  EXPECT_EQ(f.history, "Cs");
  ASSERT_EQ(f.tcp_events.size(), 1u);
  EXPECT_EQ(f.tcp_events[0].sender, kS2C);
  EXPECT_TRUE(f.non_tls_prefix[0].empty());
  EXPECT_EQ(f.non_tls_prefix[1], (std::vector<std::uint8_t>{'x'}));
  ASSERT_FALSE(f.steps.empty());
  EXPECT_EQ(f.steps[0].sender, kS2C);  // the Fin
}

TEST(History, LettersBeforeASwapChangeCase) {
  RecordingFlowSink sink;
  Correlator c(sink, "swap.pcap");
  c.on_open(info(1, /*syn=*/false));
  c.on_tls(event(1, kC2S, tls::HandshakeSeen{4, 100}));  // 'T' from the side taken for the client
  c.on_tls(event(1, kS2C, tls::Alert{1, 0, false}));     // 'l'
  c.on_tls(event(1, kC2S, tls::RolesSwapped{}));
  c.on_tls(event(1, kC2S, client_hello()));
  c.on_close(1, CloseReason::EndOfCapture, Timestamp{5'000'000}, payload_stats(300, 300));
  ASSERT_EQ(sink.flows.size(), 1u);
  EXPECT_EQ(sink.flows[0].history, "tLC");
}

// ---- what the correlator keeps ------------------------------------------------------------------

TEST(Correlator, KeepsHellosCertificatesAlertsAndCounts) {
  RecordingFlowSink sink;
  Correlator c(sink, "keep.pcap");
  c.on_open(info(3));
  tls::ClientHello second = client_hello();
  second.key_share_groups = {0x0017};
  c.on_tls(event(3, kC2S, client_hello()));
  c.on_tls(event(3, kS2C, server_hello(0x0304, true)));
  c.on_tls(event(3, kC2S, second));
  c.on_tls(event(3, kS2C, server_hello(0x0304)));
  c.on_tls(event(3, kS2C, tls::EncryptedRecord{23, 1000}));
  c.on_tls(event(3, kS2C, tls::EncryptedRecord{23, 200}));
  c.on_tls(event(3, kC2S, tls::EncryptedRecord{23, 19}));
  c.on_tls(event(3, kC2S, tls::Alert{0, 0, true, false, 26}));  // a protected close_notify
  c.on_tls(event(3, kS2C, tls::Malformed{"record", Errc::Truncated, 1234}));
  c.on_gap(3, kS2C, 99, reassembly::GapKind::NotCaptured, Timestamp{3'000'005});
  c.on_close(3, CloseReason::Fin, Timestamp{3'000'009}, payload_stats(400, 1300));
  ASSERT_EQ(sink.flows.size(), 1u);
  const FlowRecord& f = sink.flows[0];
  EXPECT_EQ(f.source_file, "keep.pcap");
  EXPECT_EQ(f.first_packet, 30u);
  ASSERT_TRUE(f.client_hello && f.hello_retry_request && f.second_client_hello && f.server_hello);
  EXPECT_EQ(f.second_client_hello->key_share_groups, (std::vector<std::uint16_t>{0x0017}));
  EXPECT_FALSE(f.server_hello->hello_retry_request);
  EXPECT_EQ(f.encrypted[1].application_records, 2u);
  EXPECT_EQ(f.encrypted[1].bytes, 1200u);
  EXPECT_EQ(std::vector<std::uint16_t>(f.encrypted[1].first_sizes.begin(), f.encrypted[1].first_sizes.end()),
            (std::vector<std::uint16_t>{1000, 200}));
  EXPECT_EQ(f.encrypted[0].application_records, 1u);
  EXPECT_EQ(f.encrypted[0].alert_records, 1u);
  EXPECT_EQ(f.encrypted[0].bytes, 45u);  // the alert's protected record counts as encrypted bytes
  EXPECT_EQ(std::vector<std::uint16_t>(f.encrypted[0].first_sizes.begin(), f.encrypted[0].first_sizes.end()),
            (std::vector<std::uint16_t>{19, 26}));
  ASSERT_EQ(f.alerts.size(), 1u);
  EXPECT_TRUE(f.alerts[0].encrypted);
  EXPECT_EQ(f.alerts[0].sender, kC2S);
  ASSERT_EQ(f.notes.size(), 2u);
  EXPECT_EQ(f.notes[0], "server record: truncated at stream byte 1234");
  EXPECT_EQ(f.notes[1], "99 bytes missing from the server stream (not captured)");
  EXPECT_EQ(f.close_reason, CloseReason::Fin);
}

// ---- judging the flows here or in a Finalizer downstream ------------------------------------------

// Two flows, the first open while the second closes (so the second is held): one a handshake the
// server refused with a fatal alert, one whose TLS 1.2 handshake completed.
void feed_refused_and_completed(Correlator& c) {
  c.on_open(info(1));
  c.on_open(info(2));
  c.on_tls(event(2, kC2S, client_hello()));
  c.on_tls(event(2, kS2C, server_hello(0x0303)));
  c.on_tls(event(2, kS2C, tls::ChangeCipherSpec{}));
  c.on_tls(event(2, kS2C, tls::EncryptedRecord{22, 40}));
  c.on_tls(event(2, kC2S, tls::ChangeCipherSpec{}));
  c.on_tls(event(2, kC2S, tls::EncryptedRecord{22, 40}));
  c.on_tls(event(2, kC2S, tls::EncryptedRecord{23, 300}));
  c.on_close(2, CloseReason::Fin, Timestamp{2'000'009}, payload_stats(600, 900));
  c.on_tls(event(1, kC2S, client_hello()));
  c.on_tls(event(1, kS2C, tls::Alert{2, 40, false}));
  c.on_close(1, CloseReason::Fin, Timestamp{2'000'010}, payload_stats(300, 7));
  c.on_end(Timestamp{2'000'010});
}

// Only the first eight protected records' sizes are kept per direction; counts and bytes go on.
TEST(Correlator, KeepsTheFirstEightEncryptedRecordSizes) {
  RecordingFlowSink sink;
  Correlator c(sink, "sizes.pcap");
  c.on_open(info(4));
  c.on_tls(event(4, kC2S, client_hello()));
  c.on_tls(event(4, kS2C, server_hello(0x0304)));
  for (std::uint16_t n = 1; n <= 12; ++n) c.on_tls(event(4, kS2C, tls::EncryptedRecord{23, static_cast<std::uint16_t>(n * 100)}));
  c.on_close(4, CloseReason::Fin, Timestamp{4'000'009}, payload_stats(400, 8000));
  ASSERT_EQ(sink.flows.size(), 1u);
  const EncryptedCounts& e = sink.flows[0].encrypted[1];
  EXPECT_EQ(e.application_records, 12u);
  EXPECT_EQ(e.bytes, 7800u);
  EXPECT_EQ(std::vector<std::uint16_t>(e.first_sizes.begin(), e.first_sizes.end()),
            (std::vector<std::uint16_t>{100, 200, 300, 400, 500, 600, 700, 800}));
  EXPECT_TRUE(sink.flows[0].encrypted[0].first_sizes.empty());
}

TEST(Correlator, DeferredFinalizeHandsOnRecordsWithoutAVerdict) {
  RecordingFlowSink sink;
  Correlator c(sink, "defer.pcap");
  c.defer_finalize();
  feed_refused_and_completed(c);
  ASSERT_EQ(sink.ids(), (std::vector<FlowId>{1, 2}));
  for (const FlowRecord& f : sink.flows) {
    EXPECT_FALSE(f.established);
    EXPECT_EQ(f.verdict.status, Status::Incomplete);
    EXPECT_TRUE(f.verdict.explanation.empty());
  }
}

// A Finalizer after a deferring correlator gives every sink call the record the correlator would
// have judged itself: through take_flow (flow 1) and through hold / release (flow 2).
TEST(Correlator, AFinalizerDownstreamJudgesAsTheCorrelatorWould) {
  RecordingFlowSink direct_sink;
  Correlator direct(direct_sink, "judge.pcap");
  feed_refused_and_completed(direct);

  RecordingFlowSink staged_sink;
  Finalizer finalizer(staged_sink);
  Correlator staged(finalizer, "judge.pcap");
  staged.defer_finalize();
  feed_refused_and_completed(staged);

  ASSERT_EQ(direct_sink.ids(), (std::vector<FlowId>{1, 2}));
  ASSERT_EQ(staged_sink.ids(), direct_sink.ids());
  EXPECT_EQ(direct_sink.flows[0].verdict.reason, Reason::NoSharedCipher);
  EXPECT_EQ(direct_sink.flows[0].verdict.rejected_by, RejectedBy::Server);
  EXPECT_TRUE(direct_sink.flows[1].established);
  EXPECT_EQ(direct_sink.flows[1].verdict.reason, Reason::Ok);
  for (std::size_t i = 0; i < 2; ++i) {
    const Verdict& want = direct_sink.flows[i].verdict;
    const Verdict& got = staged_sink.flows[i].verdict;
    EXPECT_EQ(got.status, want.status);
    EXPECT_EQ(got.rejected_by, want.rejected_by);
    EXPECT_EQ(got.reason, want.reason);
    EXPECT_EQ(got.confidence, want.confidence);
    EXPECT_EQ(got.explanation, want.explanation);
    EXPECT_EQ(got.remediation, want.remediation);
    EXPECT_EQ(got.evidence, want.evidence);
    EXPECT_EQ(staged_sink.flows[i].established, direct_sink.flows[i].established);
    EXPECT_EQ(staged_sink.flows[i].warnings, direct_sink.flows[i].warnings);
  }
}

// ---- which flows are reported, and in which order -----------------------------------------------

TEST(Correlator, FlowsReleasedInOrderOfFirstPacket) {
  RecordingFlowSink sink;
  Correlator c(sink, "order.pcap");
  for (FlowId id : {1, 2, 3, 4}) {
    c.on_open(info(id));
    c.on_tls(event(id, kC2S, client_hello()));
  }
  c.on_close(3, CloseReason::Fin, Timestamp{50}, payload_stats(200, 0));
  c.on_close(2, CloseReason::Fin, Timestamp{51}, payload_stats(200, 0));
  EXPECT_TRUE(sink.flows.empty()) << "flow 1 is still open";
  c.on_close(1, CloseReason::Fin, Timestamp{52}, payload_stats(200, 0));
  EXPECT_EQ(sink.ids(), (std::vector<FlowId>{1, 2, 3}));
  c.on_close(4, CloseReason::EndOfCapture, Timestamp{53}, payload_stats(200, 0));
  c.on_end(Timestamp{53});
  EXPECT_EQ(sink.ids(), (std::vector<FlowId>{1, 2, 3, 4}));
  EXPECT_EQ(c.stats().flows_opened, 4u);
  EXPECT_EQ(c.stats().flows_reported, 4u);
}

TEST(Correlator, FlowWithoutPayloadIsNotReportedAndDoesNotBlock) {
  RecordingFlowSink sink;
  Correlator c(sink, "scan.pcap");
  c.on_open(info(1));  // a SYN scan: no payload
  c.on_open(info(2));
  c.on_tls(event(2, kC2S, client_hello()));
  c.on_close(2, CloseReason::Fin, Timestamp{10}, payload_stats(200, 0));
  EXPECT_TRUE(sink.flows.empty());
  c.on_close(1, CloseReason::Rst, Timestamp{11}, payload_stats(0, 0));
  EXPECT_EQ(sink.ids(), (std::vector<FlowId>{2}));
  EXPECT_EQ(c.stats().flows_without_payload, 1u);
  EXPECT_EQ(c.stats().flows_reported, 1u);
}

TEST(Correlator, PlainHttpOnAPlainPortIsNotReported) {
  RecordingFlowSink sink;
  Correlator c(sink, "http.pcap");
  c.on_open(info(1, true, 80));
  const std::string get = "GET / HTTP/1.1\r\n";
  const std::string ok = "HTTP/1.1 200 OK\r\n";
  c.on_tls(event(1, kC2S, tls::NonTls{std::vector<std::uint8_t>(get.begin(), get.end())}));
  c.on_tls(event(1, kS2C, tls::NonTls{std::vector<std::uint8_t>(ok.begin(), ok.end())}));
  c.on_close(1, CloseReason::Fin, Timestamp{10}, payload_stats(100, 900));
  c.on_end(Timestamp{10});
  EXPECT_TRUE(sink.flows.empty());
  EXPECT_EQ(c.stats().flows_not_tls, 1u);
}

TEST(Correlator, UnorderedModeReleasesOnClose) {
  RecordingFlowSink sink;
  Correlator c(sink, "live", /*ordered=*/false);
  c.on_open(info(1));
  c.on_open(info(2));
  c.on_tls(event(1, kC2S, client_hello()));
  c.on_tls(event(2, kC2S, client_hello()));
  c.on_close(2, CloseReason::Fin, Timestamp{10}, payload_stats(200, 0));
  EXPECT_EQ(sink.ids(), (std::vector<FlowId>{2}));
  c.on_close(1, CloseReason::Fin, Timestamp{11}, payload_stats(200, 0));
  EXPECT_EQ(sink.ids(), (std::vector<FlowId>{2, 1}));
}

// One long connection stays open while many others come and go: what is kept does not grow with
// them (a week of live capture behind one persistent connection; a SYN flood behind one flow).
TEST(Correlator, MemoryDoesNotGrowBehindOneOpenFlow) {
  for (const bool ordered : {false, true}) {
    RecordingFlowSink sink;
    Correlator c(sink, "long", ordered);
    c.on_open(info(1));
    c.on_tls(event(1, kC2S, client_hello()));
    for (FlowId id = 2; id < 10'002; ++id) {
      c.on_open(info(id));
      c.on_close(id, CloseReason::Rst, Timestamp{10}, payload_stats(0, 0));  // a SYN, then RST
    }
    EXPECT_EQ(c.tracked_flows(), 1u) << "ordered=" << ordered;
    // Reported flows wait for flow 1 in ordered mode (held by the sink), not in unordered mode.
    for (FlowId id = 10'002; id < 10'102; ++id) {
      c.on_open(info(id));
      c.on_tls(event(id, kC2S, client_hello()));
      c.on_close(id, CloseReason::Fin, Timestamp{20}, payload_stats(200, 0));
    }
    EXPECT_EQ(c.tracked_flows(), ordered ? 101u : 1u);
    EXPECT_EQ(sink.flows.size(), ordered ? 0u : 100u);
    c.on_close(1, CloseReason::Fin, Timestamp{30}, payload_stats(200, 0));
    c.on_end(Timestamp{30});
    EXPECT_EQ(c.tracked_flows(), 0u);
    EXPECT_EQ(sink.flows.size(), 101u);
    if (ordered) {
      EXPECT_EQ(sink.flows.front().id, 1u);
      EXPECT_EQ(sink.flows.back().id, 10'101u);
    }
    EXPECT_EQ(c.stats().flows_without_payload, 10'000u);
  }
}

// --memory-limit: a record is charged for what it owns, the lists of its hellos included (a
// ClientHello may offer 30,000 suites: 60,000 bytes), and the table of entries for every flow
// opened since the oldest tracked one (a long flow keeps the entries of the 10,000 after it).
TEST(Correlator, MemoryBudgetChargesWhatRecordsOwnAndTheEntriesBehindALongFlow) {
  RecordingFlowSink sink;
  MemoryBudget budget;  // no limit: charges are counted
  Correlator c(sink, "budget.pcap");
  c.set_memory_budget(&budget);
  c.on_open(info(1));
  c.on_tls(event(1, kC2S, client_hello()));
  const std::size_t one_flow = budget.used();
  c.on_open(info(2));
  tls::ClientHello big = client_hello();
  big.cipher_suites.assign(30'000, 0x1301);
  c.on_tls(event(2, kC2S, big));
  EXPECT_GT(budget.used(), 2 * one_flow + 50'000);  // flow 2 also owns a 60,000-byte list
  c.on_close(2, CloseReason::Fin, Timestamp{2'000'009}, payload_stats(60'000, 0));  // waits for flow 1
  const std::size_t before_flood = budget.used();
  for (FlowId id = 3; id < 10'003; ++id) {
    c.on_open(info(id));
    c.on_close(id, CloseReason::Rst, Timestamp{10}, payload_stats(0, 0));  // a SYN, then RST
  }
  EXPECT_EQ(c.tracked_flows(), 2u);
  EXPECT_GE(budget.used(), before_flood + 10'000 * 3 * sizeof(void*));  // an entry is 3 pointers and more
  c.on_close(1, CloseReason::Fin, Timestamp{30}, payload_stats(200, 0));
  c.on_end(Timestamp{30});
  EXPECT_EQ(sink.flows.size(), 2u);
  EXPECT_EQ(budget.used(), 0u);
}

// A flow held behind an earlier one is charged what the sink says it keeps of it.
class HeldBytesSink final : public FlowSink {
 public:
  explicit HeldBytesSink(std::size_t bytes) : bytes_(bytes) {}
  void on_flow(const FlowRecord&) override {}
  void on_input_done(const InputResult&) override {}
  void on_finish() override {}
  std::size_t held_bytes(std::size_t) const override { return bytes_; }

 private:
  std::size_t bytes_;
};

// Budget used once flow 2 has closed behind the still-open flow 1.
std::size_t used_with_flow_2_held(FlowSink& sink, std::size_t* before_close = nullptr) {
  MemoryBudget budget;
  Correlator c(sink, "held.pcap");
  c.set_memory_budget(&budget);
  c.on_open(info(1));
  c.on_tls(event(1, kC2S, client_hello()));
  c.on_open(info(2));
  c.on_tls(event(2, kC2S, client_hello()));
  if (before_close != nullptr) *before_close = budget.used();
  c.on_close(2, CloseReason::Fin, Timestamp{3'000'000}, payload_stats(200, 0));
  const std::size_t used = budget.used();
  c.on_close(1, CloseReason::Fin, Timestamp{4'000'000}, payload_stats(200, 0));
  c.on_end(Timestamp{4'000'000});
  EXPECT_EQ(budget.used(), 0u);
  return used;
}

TEST(Correlator, AHeldFlowIsChargedWhatTheSinkKeepsOfIt) {
  HeldBytesSink small(1'000), large(5'000);
  EXPECT_EQ(used_with_flow_2_held(large) - used_with_flow_2_held(small), 4'000u);
  // The default sink keeps the whole record: the charge stays what the record cost.
  RecordingFlowSink whole;
  std::size_t before = 0;
  EXPECT_EQ(used_with_flow_2_held(whole, &before), before);
}

// A flow with a million gaps keeps a bounded list of notes, the last one counting the rest.
TEST(Correlator, NotesAreCappedAndTheRestCounted) {
  RecordingFlowSink sink;
  Correlator c(sink, "gaps.pcap");
  c.on_open(info(1));
  c.on_tls(event(1, kC2S, client_hello()));
  for (int i = 0; i < 1000; ++i) c.on_gap(1, kC2S, 1, reassembly::GapKind::NotCaptured, Timestamp{i});
  c.on_close(1, CloseReason::Fin, Timestamp{2000}, payload_stats(200, 0));
  c.on_end(Timestamp{2000});
  ASSERT_EQ(sink.flows.size(), 1u);
  const std::vector<std::string>& notes = sink.flows[0].notes;
  ASSERT_EQ(notes.size(), 33u);
  EXPECT_EQ(notes.front(), "1 bytes missing from the client stream (not captured)");
  EXPECT_EQ(notes.back(), "968 more notes like the above omitted");
}

// Finding 9: alerts, TCP events and history letters are capped, the rest counted, and what the
// verdict reads (the first fatal alert, the first RST) is kept past the cap.
FlowRecord flooded_flow(int warnings, int syns) {
  RecordingFlowSink sink;
  Correlator c(sink, "flood.pcap");
  c.on_open(info(1));
  reassembly::TcpEvent e;
  e.dir = kC2S;
  for (int i = 0; i < syns; ++i) c.on_tcp(1, e);
  c.on_tls(event(1, kC2S, client_hello()));
  for (int i = 0; i < warnings; ++i) c.on_tls(event(1, kS2C, tls::Alert{1, 112, false}));
  c.on_tls(event(1, kS2C, tls::Alert{2, 40, false}));
  e.dir = kS2C;
  e.kind = TcpEventKind::Rst;
  e.ttl = 64;
  e.prior_ttl = 64;
  c.on_tcp(1, e);
  c.on_close(1, CloseReason::Rst, Timestamp{2'000'000}, payload_stats(200, 7 * (warnings + 1)));
  c.on_end(Timestamp{2'000'000});
  EXPECT_EQ(sink.flows.size(), 1u);
  return sink.flows.empty() ? FlowRecord{} : sink.flows[0];
}

TEST(Correlator, AlertsTcpEventsAndHistoryAreCappedAndTheRestCounted) {
  const FlowRecord f = flooded_flow(1000, 1000);
  ASSERT_EQ(f.alerts.size(), kMaxAlerts + 1);  // 64 warnings, then the fatal one past the cap
  EXPECT_EQ(f.alerts.back().level, 2);
  EXPECT_EQ(f.alerts.back().description, 40);
  EXPECT_EQ(f.alerts_omitted, 1001u - 65u);
  ASSERT_EQ(f.tcp_events.size(), kMaxTcpEvents + 1);  // 32 SYNs, then the RST past the cap
  EXPECT_EQ(f.tcp_events.back().kind, TcpEventKind::Rst);
  EXPECT_EQ(f.tcp_events_omitted, 1000u - 32u);
  EXPECT_EQ(f.history.size(), kMaxHistory);
  EXPECT_EQ(f.history.substr(0, 3), "Cll");
  EXPECT_EQ(f.history_omitted, 1002u - 100u);  // C, then 1,001 alerts
}

TEST(Correlator, CappedListsLeaveTheVerdictAsItWas) {
  const FlowRecord flooded = flooded_flow(1000, 1000);
  const FlowRecord plain = flooded_flow(0, 1);
  EXPECT_EQ(plain.alerts_omitted + plain.tcp_events_omitted + plain.history_omitted, 0u);
  EXPECT_EQ(plain.verdict.reason, Reason::NoSharedCipher);
  EXPECT_EQ(flooded.verdict.reason, plain.verdict.reason);
  EXPECT_EQ(flooded.verdict.rejected_by, plain.verdict.rejected_by);
  EXPECT_EQ(flooded.verdict.confidence, plain.verdict.confidence);
}

// Findings 5 and 7 (docs/hostile-input.md): a gap the reassembly cap forced is not bytes missing
// from the capture, and a retransmission with different bytes is noted once per direction.
TEST(Correlator, CapGapAndConflictingRetransmissionHaveTheirOwnNotes) {
  RecordingFlowSink sink;
  Correlator c(sink, "notes.pcap");
  c.on_open(info(1));
  c.on_tls(event(1, kC2S, client_hello()));
  c.on_gap(1, kC2S, 103, reassembly::GapKind::GivenUp, Timestamp{5});
  reassembly::FlowStats stats = payload_stats(4200, 0);
  stats.dir[0].buffer_cap_hit = true;
  stats.dir[0].given_up_bytes = 103;
  stats.dir[0].overlap_conflicts = 7;
  stats.dir[0].first_conflict = 106;
  c.on_close(1, CloseReason::EndOfCapture, Timestamp{9}, stats);
  c.on_end(Timestamp{9});
  ASSERT_EQ(sink.flows.size(), 1u);
  const FlowRecord& f = sink.flows[0];
  EXPECT_EQ(f.notes, (std::vector<std::string>{
                         "103 bytes of the client stream not analysed (given up: reassembly buffer cap hit)",
                         "client reassembly buffer cap hit",
                         "client retransmission with different bytes at stream byte 106 (first copy kept)"}));
  EXPECT_NE(f.verdict.reason, Reason::CaptureTruncated);
}

TEST(Correlator, EventsAfterCloseAreIgnored) {
  RecordingFlowSink sink;
  Correlator c(sink, "late.pcap");
  c.on_open(info(1));  // still open: keeps flow 2 closed but unreleased
  c.on_open(info(2));
  c.on_tls(event(2, kC2S, client_hello()));
  c.on_close(2, CloseReason::Fin, Timestamp{10}, payload_stats(200, 0));
  c.on_tls(event(2, kS2C, server_hello()));
  c.on_close(2, CloseReason::Fin, Timestamp{11}, payload_stats(200, 200));
  c.on_close(1, CloseReason::Fin, Timestamp{12}, payload_stats(0, 0));
  ASSERT_EQ(sink.flows.size(), 1u);
  EXPECT_EQ(sink.flows[0].id, 2u);
  EXPECT_FALSE(sink.flows[0].server_hello.has_value());
  EXPECT_EQ(sink.flows[0].history, "C");
}

// ---- the TLS and analysis stages together -----------------------------------------------------

TEST(Correlator, FedByTheDissector) {
  RecordingFlowSink sink;
  Correlator correlator(sink, "e2e.pcap");
  tls::Dissector dissector(correlator);
  dissector.on_open(info(5));
  test::ClientHelloSpec ch;
  ch.cipher_suites = {0xc02f, 0xc030};
  ch.extensions = std::vector<test::Bytes>{test::ext_server_name("e2e.example")};
  test::ServerHelloSpec sh;
  sh.cipher_suite = 0xc02f;
  const test::Bytes client1 = test::record(22, 0x0301, test::client_hello(ch));
  const test::Bytes server1 = test::record(
      22, 0x0303,
      test::concat({test::server_hello(sh), test::handshake(11, test::certificate_body_tls12({test::filled(400, 0x30)})),
                    test::handshake(14, {})}));
  const test::Bytes client2 =
      test::concat({test::record(22, 0x0303, test::handshake(16, test::filled(66, 0x01))), test::change_cipher_spec_record(),
                    test::opaque_record(40, 22)});
  const test::Bytes server2 = test::concat({test::change_cipher_spec_record(), test::opaque_record(40, 22)});
  const test::Bytes client3 = test::opaque_record(200);
  const test::Bytes server3 = test::opaque_record(800);
  std::uint64_t packet = 50;
  for (const auto& [dir, bytes] : std::vector<std::pair<Direction, const test::Bytes*>>{
           {kC2S, &client1}, {kS2C, &server1}, {kC2S, &client2}, {kS2C, &server2}, {kC2S, &client3}, {kS2C, &server3}}) {
    ++packet;
    EXPECT_TRUE(dissector.on_data(5, dir, *bytes, Timestamp{static_cast<std::int64_t>(packet)}, packet));
  }
  dissector.on_close(5, CloseReason::Fin, Timestamp{100},
                     payload_stats(client1.size() + client2.size() + client3.size(),
                                   server1.size() + server2.size() + server3.size()));
  dissector.on_end(Timestamp{100});
  ASSERT_EQ(sink.flows.size(), 1u);
  const FlowRecord& f = sink.flows[0];
  EXPECT_EQ(f.history, "CsxnGIi");  // Zeek's baseline for an RSA-kx TLS 1.2 handshake without ticket
  EXPECT_TRUE(f.established);
  EXPECT_EQ(f.client_hello->sni, "e2e.example");
  EXPECT_EQ(f.certificate_count, 1u);
  ASSERT_EQ(f.certificates.size(), 1u);
  EXPECT_EQ(f.certificates[0].size, 400u);
  EXPECT_EQ(f.verdict.reason, Reason::Ok);
}

}  // namespace
}  // namespace tlsdiag::analysis
