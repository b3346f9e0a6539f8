// EventThread: the stage after it gets the dissector's calls, every field of every TLS body
// included, in the same order, on another thread; drain() delivers everything and rethrows what
// that stage threw; the analysis thread's memory budget learns what it holds at fixed points;
// and a whole input analysed with the event thread prints what it prints without.
#include "event_thread.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "pipeline.h"
#include "support/paths.h"
#include "tlsdiag/report/report.h"

namespace tlsdiag::app {
namespace {

using reassembly::Direction;
using reassembly::FlowId;

template <class T>
std::string list(const std::vector<T>& v) {
  std::string s;
  for (const T& x : v) s += std::to_string(x) + ",";
  return s;
}

// Every field the dissector fills in, written out, so two equal descriptions mean equal bodies.
struct Describe {
  std::string operator()(const tls::ClientHello& h) const {
    std::string alpn;
    for (const std::string& a : h.alpn) alpn += a + ",";
    return "client_hello " + std::to_string(h.legacy_version) + " " + list(h.cipher_suites) + " " + list(h.extensions) +
           " " + list(h.supported_versions) + " " + h.sni + " " + alpn + " " + list(h.groups) + " " +
           list(h.signature_algorithms) + " " + std::to_string(h.random[31]) + " " + std::to_string(h.fallback_scsv);
  }
  std::string operator()(const tls::ServerHello& h) const {
    return "server_hello " + std::to_string(h.selected_version) + " " + std::to_string(h.cipher_suite) + " " + h.alpn +
           " " + list(h.extensions) + " " + std::to_string(h.key_share_group.value_or(0));
  }
  std::string operator()(const tls::CertificateChain& c) const {
    std::string s = "certificates " + std::to_string(c.count) + " " + std::to_string(c.message_length);
    for (const auto& der : c.der) s += " " + list(std::vector<std::uint8_t>(der.begin(), der.end()));
    return s;
  }
  std::string operator()(const tls::CertificateRequest& r) const {
    return "certificate_request " + list(r.signature_algorithms);
  }
  std::string operator()(const tls::ServerKeyExchange& k) const {
    return "server_key_exchange " + (k.named_group ? std::to_string(*k.named_group) : std::string("none"));
  }
  std::string operator()(const tls::HandshakeSeen& m) const {
    return "handshake " + std::to_string(m.type) + " " + std::to_string(m.length);
  }
  std::string operator()(const tls::ChangeCipherSpec&) const { return "change_cipher_spec"; }
  std::string operator()(const tls::Alert& a) const {
    return "alert " + std::to_string(a.level) + " " + std::to_string(a.description) + " " +
           std::to_string(a.encrypted) + std::to_string(a.decrypted);
  }
  std::string operator()(const tls::EncryptedRecord& r) const {
    return "encrypted " + std::to_string(r.content_type) + " " + std::to_string(r.length);
  }
  std::string operator()(const tls::NonTls& n) const { return "non_tls " + list(n.prefix); }
  std::string operator()(const tls::Malformed& m) const {
    return "malformed " + m.what + " " + std::to_string(static_cast<int>(m.code)) + " " +
           std::to_string(m.stream_offset);
  }
  std::string operator()(const tls::RolesSwapped&) const { return "roles_swapped"; }
  std::string operator()(const tls::Decryption& d) const {
    return "decryption " + std::to_string(static_cast<int>(d.outcome));
  }
  std::string operator()(const tls::UnparsedClientHello& u) const {
    return "unparsed_client_hello " + std::to_string(u.record_version) + " " + std::to_string(u.max_extensions) + " " +
           list(u.body) + " " + std::to_string(u.message_length) + " " + std::to_string(u.trailing_at.value_or(0));
  }
};

std::string at(FlowId flow, Timestamp ts) { return std::to_string(flow) + " @" + std::to_string(ts.ns) + " "; }

// Logs every call, written out, and the thread it came on; throws at the call numbered throw_at.
class EventLog final : public tls::TlsEventSink {
 public:
  void on_open(const reassembly::FlowInfo& f) override {
    add("open " + at(f.id, f.first_seen) + to_string(f.client) + " " + to_string(f.server) + " " +
        std::to_string(f.syn_seen) + " " + std::to_string(f.first_packet));
  }
  void on_tcp(FlowId flow, const reassembly::TcpEvent& e) override {
    add("tcp " + at(flow, e.ts) + std::to_string(static_cast<int>(e.kind)) + " " + std::to_string(index(e.dir)) + " " +
        std::to_string(e.ttl) + " " + std::to_string(e.prior_ttl) + " " + std::to_string(e.packet_number));
  }
  void on_gap(FlowId flow, Direction dir, std::uint64_t missing, reassembly::GapKind kind, Timestamp ts) override {
    add("gap " + at(flow, ts) + std::to_string(index(dir)) + " " + std::to_string(missing) + " " +
        std::to_string(static_cast<int>(kind)));
  }
  void on_tls(const tls::TlsEvent& e) override {
    add("tls " + at(e.flow, e.ts) + std::to_string(index(e.dir)) + " " + std::to_string(e.packet_number) + " " +
        std::visit(Describe{}, e.body));
  }
  void on_close(FlowId flow, reassembly::CloseReason why, Timestamp ts, const reassembly::FlowStats& s) override {
    add("close " + at(flow, ts) + std::to_string(static_cast<int>(why)) + " " + std::to_string(s.dir[0].packets) + " " +
        std::to_string(s.dir[1].payload_bytes) + " " + std::to_string(s.dir[1].first_conflict));
  }
  void on_end(Timestamp last) override { add("end @" + std::to_string(last.ns)); }

  std::vector<std::string> log;
  std::vector<std::thread::id> threads;
  std::size_t throw_at = SIZE_MAX;

 private:
  void add(std::string call) {
    if (log.size() == throw_at) throw std::runtime_error("cannot write");
    log.push_back(std::move(call));
    threads.push_back(std::this_thread::get_id());
  }
};

tls::TlsEventBody body(int kind, std::uint64_t i) {
  const auto n = static_cast<std::uint16_t>(i);
  const auto b = static_cast<std::uint8_t>(i);
  switch (kind % 14) {
    case 0: {
      tls::ClientHello h;
      h.legacy_version = 0x0303;
      h.cipher_suites = {0x1301, n};
      h.extensions = {0, 43, n};
      h.supported_versions = {0x0304, 0x0303};
      h.sni = "host" + std::to_string(i) + ".example";
      h.alpn = {"h2", "http/1.1"};
      h.groups = {29, n};
      h.signature_algorithms = {0x0403, n};
      h.random[31] = b;
      h.fallback_scsv = i % 2 == 0;
      return h;
    }
    case 1: {
      tls::ServerHello h;
      h.selected_version = 0x0304;
      h.cipher_suite = n;
      h.alpn = "h2";
      h.extensions = {43, 51};
      h.key_share_group = 29;
      return h;
    }
    case 2:
      return tls::CertificateChain{{std::vector<std::uint8_t>{0x30, 0x82, b}, std::vector<std::uint8_t>{0x30, b}}, 2, 1234};
    case 3:
      return tls::CertificateRequest{{0x0804, n}};
    case 4:
      return tls::ServerKeyExchange{i % 3 == 0 ? std::nullopt : std::optional<std::uint16_t>(n)};
    case 5:
      return tls::HandshakeSeen{20, static_cast<std::uint32_t>(i)};
    case 6:
      return tls::ChangeCipherSpec{};
    case 7:
      return tls::Alert{2, b, i % 2 == 0, i % 4 == 0};
    case 8:
      return tls::EncryptedRecord{23, n};
    case 9:
      return tls::NonTls{{'G', 'E', 'T', b}};
    case 10:
      return tls::Malformed{"record " + std::to_string(i), Errc::Truncated, i * 7};
    case 11:
      return tls::RolesSwapped{};
    case 12:
      return tls::Decryption{static_cast<tls::Decryption::Outcome>(i % 4)};
    default:
      return tls::UnparsedClientHello{0x0301, i, {0x03, 0x03, b, 0x00}, static_cast<std::uint32_t>(i) + 4,
                                      i % 2 == 0 ? std::optional<std::size_t>(4) : std::nullopt};
  }
}

// A chain's calls for flows 1..n, each flow opening, sending a TLS body of every kind among
// its control segments and a gap, and closing; then the end.
void dissector_calls(tls::TlsEventSink& sink, std::uint64_t n) {
  for (std::uint64_t i = 1; i <= n; ++i) {
    const Timestamp ts{static_cast<std::int64_t>(i * 1000)};
    reassembly::FlowInfo info{i, {}, {}, i % 2 == 0, ts, i * 10};
    info.client.port = static_cast<std::uint16_t>(i);
    info.server.port = 443;
    sink.on_open(info);
    sink.on_tcp(i, reassembly::TcpEvent{reassembly::TcpEventKind::SynAck, Direction::ServerToClient, ts, 64,
                                        static_cast<std::uint8_t>(i), i * 10 + 1});
    for (int kind = 0; kind < 14; ++kind) {
      const auto dir = kind % 2 == 0 ? Direction::ClientToServer : Direction::ServerToClient;
      tls::TlsEvent event{i, dir, Timestamp{ts.ns + kind}, i * 10 + 2 + kind, body(kind, i + kind)};
      if (kind % 3 == 0) sink.on_tls(event);
      else sink.take_tls(std::move(event));
    }
    sink.on_gap(i, Direction::ClientToServer, i * 3, reassembly::GapKind::GivenUp, Timestamp{ts.ns + 20});
    reassembly::FlowStats stats;
    stats.dir[0].packets = i;
    stats.dir[1].payload_bytes = i * 100;
    stats.dir[1].first_conflict = i * 5;
    sink.on_close(i, reassembly::CloseReason::Rst, Timestamp{ts.ns + 30}, stats);
  }
  sink.on_end(Timestamp{static_cast<std::int64_t>(n * 1000 + 999)});
}

TEST(EventThread, TheNextStageGetsTheSameCallsInOrderOnAnotherThread) {
  // 18 calls a flow: one batch, several, and past kLag batches in flight.
  for (const std::uint64_t n : {3u, 31u, 1000u}) {
    SCOPED_TRACE(n);
    EventLog direct;
    dissector_calls(direct, n);
    EventLog next;
    {
      EventThread threaded(next, nullptr);
      dissector_calls(threaded, n);
      threaded.drain();
      EXPECT_EQ(next.log, direct.log);
    }
    ASSERT_EQ(next.log.size(), n * 18 + 1);
    EXPECT_NE(next.threads.front(), std::this_thread::get_id());
  }
}

TEST(EventThread, DrainRethrowsWhatTheNextStageThrewAndLaterCallsToo) {
  EventLog next;
  next.throw_at = 40;
  EventThread threaded(next, nullptr);
  dissector_calls(threaded, 5);
  EXPECT_THROW(threaded.drain(), std::runtime_error);
  EXPECT_EQ(next.log.size(), 40u);
  EXPECT_THROW(threaded.on_end(Timestamp{}), std::runtime_error);
}

TEST(EventThread, DestroyedWithoutDrainStopsWithoutDelivering) {
  EventLog next;
  {
    EventThread threaded(next, nullptr);
    dissector_calls(threaded, 3);
  }  // fewer calls than a batch: never handed over
  EXPECT_TRUE(next.log.empty());
}

// A next stage that charges 100 bytes to the event thread's budget per flow opened.
class Charging final : public tls::TlsEventSink {
 public:
  void on_open(const reassembly::FlowInfo&) override { budget->charge(100); }
  void on_tcp(FlowId, const reassembly::TcpEvent&) override {}
  void on_gap(FlowId, Direction, std::uint64_t, reassembly::GapKind, Timestamp) override {}
  void on_tls(const tls::TlsEvent&) override {}
  void on_close(FlowId, reassembly::CloseReason, Timestamp, const reassembly::FlowStats&) override {}
  void on_end(Timestamp) override {}
  MemoryBudget* budget = nullptr;
};

// The analysis thread's budget hears, at each hand-over, what the next stage held after the
// batch kLag before the one handed over (whatever the event thread has done since), and after
// drain() what it holds now.
TEST(EventThread, TheBudgetLearnsWhatTheNextStageHeldKLagBatchesBefore) {
  constexpr std::size_t k = EventThread::kBatchCalls;
  MemoryBudget downstream;
  Charging next;
  next.budget = &downstream;
  EventThread threaded(next, &downstream);
  MemoryBudget budget(1'000'000'000);
  threaded.set_memory_budget(&budget);
  auto open = [&](std::size_t calls) {
    for (std::size_t i = 0; i < calls; ++i) threaded.on_open(reassembly::FlowInfo{});
  };
  open(EventThread::kLag * k + 1);  // kLag batches handed over: none done kLag batches before
  EXPECT_EQ(budget.elsewhere(), 0u);
  open(k);  // batch kLag + 1 handed over: what was held after the first
  EXPECT_EQ(budget.elsewhere(), k * 100);
  open(2 * k);
  EXPECT_EQ(budget.elsewhere(), 3 * k * 100);
  threaded.drain();
  EXPECT_EQ(budget.elsewhere(), ((EventThread::kLag + 3) * k + 1) * 100);
}

// Before the reassembler evicts, the budget's settle hook makes the figure current: it drains the
// event thread. Once the thread is gone, the hook is too.
TEST(EventThread, SettlingTheBudgetDrainsTheEventThreadUntilItIsGone) {
  MemoryBudget budget(1000);
  budget.charge(1001);  // over by itself: the caller would evict, so it settles first
  MemoryBudget downstream;
  Charging next;
  next.budget = &downstream;
  auto threaded = std::make_unique<EventThread>(next, &downstream);
  threaded->set_memory_budget(&budget);
  for (int i = 0; i < 3; ++i) threaded->on_open(reassembly::FlowInfo{});  // not handed over yet
  EXPECT_EQ(budget.elsewhere(), 0u);
  EXPECT_TRUE(budget.over_when_settled());
  EXPECT_EQ(budget.elsewhere(), 300u);
  EXPECT_EQ(downstream.used(), 300u);
  threaded.reset();
  EXPECT_TRUE(budget.over_when_settled());  // no hook left to call into the freed thread (ASan)
}

std::string report_of(const std::string& sample, report::Format format, bool event_thread) {
  std::ostringstream out;
  auto report = report::make_report(format, out, {});
  PipelineOptions options;
  options.event_thread = event_thread;
  const analysis::InputResult result =
      analyze_file((test::source_dir() / "samples" / sample).string(), options, *report);
  report->on_input_done(result);
  report->on_finish();
  return out.str();
}

// Every sample: with the event thread the dissector also leaves the ClientHellos for it to parse
// (Dissector::defer_client_hellos), and the reports must not change.
TEST(EventThread, AnInputReportsTheSameWithTheEventThread) {
  std::vector<std::string> samples;
  for (const auto& e : std::filesystem::directory_iterator(test::source_dir() / "samples")) {
    if (e.path().extension() == ".pcap" || e.path().extension() == ".pcapng") samples.push_back(e.path().filename());
  }
  std::sort(samples.begin(), samples.end());
  ASSERT_GE(samples.size(), 60u);
  for (const std::string& sample : samples) {
    for (const report::Format format : {report::Format::Text, report::Format::Json, report::Format::Jsonl}) {
      SCOPED_TRACE(sample + " format " + std::to_string(static_cast<int>(format)));
      const std::string expected = report_of(sample, format, false);
      EXPECT_GT(expected.size(), 100u);
      EXPECT_EQ(report_of(sample, format, true), expected);
    }
  }
}

}  // namespace
}  // namespace tlsdiag::app
