#include "targets.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/container/static_vector.hpp>
#include <nlohmann/json.hpp>

#include "app/pipeline.h"
#include "tlsdiag/analysis/correlator.h"
#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/capture/packet.h"
#include "tlsdiag/net/packet_decoder.h"
#include "tlsdiag/reassembly/stream_table.h"
#include "tlsdiag/report/flow_json.h"
#include "tlsdiag/report/report.h"
#include "tlsdiag/report/text_report.h"
#include "tlsdiag/tls/dissector.h"
#include "tlsdiag/tls/hello_parsers.h"
#include "tlsdiag/tls/keylog.h"
#include "tlsdiag/tls/other_messages.h"

namespace tlsdiag::fuzz {

namespace {

using analysis::FlowRecord;
using reassembly::Direction;

// A broken invariant: say which and abort, so libFuzzer (and the replay test) report a crash.
[[noreturn]] void invariant_failed(const char* target, const char* what) {
  std::fprintf(stderr, "fuzz_%s: invariant broken: %s\n", target, what);
  std::abort();
}
#define FUZZ_CHECK(target, cond)                          \
  do {                                                    \
    if (!(cond)) invariant_failed(target, #cond);         \
  } while (0)

// Reads the fuzz input front to back; past the end every read yields zeros and reports false.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : bytes_(data, size) {}
  bool empty() const { return pos_ >= bytes_.size(); }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  std::uint8_t u8() { return empty() ? 0 : bytes_[pos_++]; }
  std::uint32_t be(int n) {
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | u8();
    return v;
  }
  std::span<const std::uint8_t> take(std::size_t n) {
    n = std::min(n, remaining());
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

// Folds everything it is given into one value the optimizer cannot drop, so reading a field
// really reads its memory (ASan sees a use after free or an uninitialized-size vector).
struct Toucher {
  std::uint64_t h = 1469598103934665603ull;
  void mix(std::uint64_t v) { h = (h ^ v) * 1099511628211ull; }
  void operator()(std::uint64_t v) { mix(v); }
  void operator()(const std::string& s) {
    mix(s.size());
    for (char c : s) mix(static_cast<unsigned char>(c));
  }
  template <class T>
  void operator()(const std::vector<T>& v) {
    mix(v.size());
    for (const auto& e : v) (*this)(e);
  }
  template <class T, std::size_t N>
  void operator()(const boost::container::static_vector<T, N>& v) {
    mix(v.size());
    for (const auto& e : v) (*this)(e);
  }
  template <class T>
  void operator()(const std::optional<T>& v) {
    mix(v.has_value());
    if (v) (*this)(*v);
  }
  template <class T>
  void operator()(const Boxed<T>& v) {
    mix(v.has_value());
    if (v) (*this)(*v);
  }
  void operator()(Timestamp ts) { mix(static_cast<std::uint64_t>(ts.ns)); }
  void operator()(const net::Endpoint& ep) {
    mix(ep.ip.family);
    for (auto b : ep.ip.bytes) mix(b);
    mix(ep.port);
  }
  void operator()(const ParseError& e) {
    mix(static_cast<std::uint64_t>(e.code));
    mix(e.offset);
  }
  void operator()(const tls::ClientHello& c) {
    mix(c.record_version); mix(c.legacy_version); mix(c.sslv2_format); mix(c.session_id_length);
    (*this)(c.cipher_suites); (*this)(c.compression_methods); (*this)(c.extensions);
    (*this)(c.supported_versions); (*this)(c.sni); (*this)(c.alpn); (*this)(c.groups);
    (*this)(c.ec_point_formats); (*this)(c.signature_algorithms); (*this)(c.key_share_groups);
    (*this)(c.psk_key_exchange_modes);
    mix(c.pre_shared_key); mix(c.early_data); mix(c.renegotiation_info);
    mix(c.extended_master_secret); mix(c.session_ticket); mix(c.encrypted_client_hello);
    mix(c.fallback_scsv); mix(c.message_length); (*this)(c.extensions_error);
    (*this)(c.offered_versions());
    mix(c.highest_version());
    mix(static_cast<std::uint64_t>(tls::version_rank(c.highest_version())));
  }
  void operator()(const tls::ServerHello& s) {
    mix(s.record_version); mix(s.legacy_version); mix(s.selected_version); mix(s.cipher_suite);
    mix(s.compression_method); mix(s.session_id_length); mix(s.hello_retry_request);
    mix(s.downgrade_sentinel); (*this)(s.extensions); (*this)(s.key_share_group); (*this)(s.alpn);
    mix(s.pre_shared_key); mix(s.extended_master_secret); mix(s.renegotiation_info);
    (*this)(s.extensions_error);
    mix(static_cast<std::uint64_t>(tls::version_rank(s.selected_version)));
  }
  void operator()(const SharedBytes& b) { for (std::uint8_t x : b) mix(x); mix(b.size()); }
  void operator()(const analysis::CertificateRecord& c) { (*this)(c.der); mix(c.size); }
  void operator()(const analysis::AlertRecord& a) {
    mix(index(a.sender)); mix(a.level); mix(a.description); mix(a.encrypted); (*this)(a.ts);
    mix(a.packet_number);
  }
  void operator()(const analysis::TcpControl& t) {
    mix(static_cast<std::uint64_t>(t.kind)); mix(index(t.sender)); (*this)(t.ts); mix(t.ttl);
    mix(t.prior_ttl); mix(t.packet_number);
  }
  void operator()(const analysis::Step& s) {
    mix(static_cast<std::uint64_t>(s.kind)); mix(index(s.sender)); mix(s.content_type);
    mix(s.length); (*this)(s.ts); mix(s.packet_number);
  }
  void operator()(const analysis::EncryptedCounts& e) {
    mix(e.handshake_records); mix(e.application_records); mix(e.alert_records); mix(e.bytes);
    (*this)(e.first_sizes);
  }
  void operator()(const reassembly::DirectionStats& d) {
    mix(d.packets); mix(d.payload_bytes); mix(d.retransmitted_bytes); mix(d.overlap_conflicts);
    mix(d.out_of_order_segments); mix(d.gaps); mix(d.gap_bytes); mix(d.truncated_packets);
    mix(d.first_ttl); mix(d.last_ttl); mix(d.buffer_cap_hit);
  }
  void operator()(const analysis::Verdict& v) {
    (*this)(std::string(analysis::name(v.status)));
    (*this)(std::string(analysis::name(v.rejected_by)));
    (*this)(std::string(analysis::name(v.reason)));
    (*this)(std::string(analysis::name(v.confidence)));
    (*this)(v.explanation); (*this)(v.remediation); (*this)(v.evidence);
  }
  void operator()(const FlowRecord& f) {
    (*this)(f.source_file); mix(f.first_packet); mix(f.id); (*this)(f.client); (*this)(f.server);
    (*this)(f.first_seen); (*this)(f.last_seen); mix(f.syn_seen); mix(f.roles_from_client_hello);
    (*this)(f.client_hello); (*this)(f.hello_retry_request); (*this)(f.second_client_hello);
    (*this)(f.server_hello); (*this)(f.certificates); mix(f.certificate_count);
    mix(f.certificate_request); mix(f.client_certificate_empty);
    (*this)(f.server_key_exchange_group); (*this)(f.alerts); (*this)(f.tcp_events);
    (*this)(f.steps); (*this)(f.history); mix(f.established); mix(f.resumed);
    for (const auto& e : f.encrypted) (*this)(e);
    for (const auto& d : f.stats.dir) (*this)(d);
    for (const auto& p : f.non_tls_prefix) (*this)(p);
    (*this)(f.notes); mix(static_cast<std::uint64_t>(f.close_reason)); (*this)(f.verdict);
  }
};
volatile std::uint64_t g_touched = 0;

// Serializes |value| the way the reports do and checks that the text parses back as JSON
// (dump_json must have replaced any invalid UTF-8 taken from the capture).
void check_json(const char* target, const nlohmann::json& value) {
  std::string text = report::dump_json(value);
  FUZZ_CHECK(target, nlohmann::json::accept(text));
  g_touched = g_touched + text.size();
}

// The end of the chain for the tls_stream and packet targets: touches every field of each
// flow, serializes it to JSON, and passes it on to a text report (its output discarded).
class NullFlowSink : public analysis::FlowSink {
 public:
  explicit NullFlowSink(const char* target)
      : target_(target), text_(out_, report::ReportOptions{.show_ok = true, .color = true}) {}

  void on_flow(const FlowRecord& flow) override {
    Toucher t;
    t(flow);
    g_touched = g_touched + t.h;
    check_json(target_, report::flow_to_json(flow));
    // Ordered mode: flows leave in order of their first packet, each once.
    FUZZ_CHECK(target_, flow.id > last_id_);
    last_id_ = flow.id;
    ++flows_;
    text_.on_flow(flow);
  }
  void on_input_done(const analysis::InputResult& result) override {
    check_json(target_, report::input_to_json(result));
    text_.on_input_done(result);
  }
  void on_finish() override {
    text_.on_finish();
    check_json(target_, report::summary_to_json(text_.summary()));
  }
  std::uint64_t flows() const { return flows_; }

 private:
  const char* target_;
  std::ostringstream out_;
  report::TextReport text_;
  reassembly::FlowId last_id_ = 0;
  std::uint64_t flows_ = 0;
};

net::Endpoint endpoint(bool ipv6, std::uint8_t last, std::uint16_t port) {
  net::Endpoint ep;
  ep.ip.family = ipv6 ? 6 : 4;
  if (ipv6) {
    ep.ip.bytes = {0x20, 0x01, 0x0d, 0xb8};
    ep.ip.bytes[15] = last;
  } else {
    ep.ip.bytes[0] = 192;
    ep.ip.bytes[1] = 0;
    ep.ip.bytes[2] = 2;
    ep.ip.bytes[3] = last;
  }
  ep.port = port;
  return ep;
}

}  // namespace

// ---- tls_stream -------------------------------------------------------------------------------

int fuzz_tls_stream(const std::uint8_t* data, std::size_t size) {
  static constexpr const char* kTarget = "tls_stream";
  Input in(data, size);
  const std::uint8_t flags = in.u8();
  const bool ipv6 = (flags & 0x20) != 0;
  constexpr reassembly::FlowId kFlow = 1;

  NullFlowSink sink(kTarget);
  {
    analysis::Correlator correlator(sink, "fuzz.pcap");
    tls::Dissector dissector(correlator);
    if ((flags & 0x40) != 0) dissector.defer_client_hellos();  // the Correlator parses them

    reassembly::FlowInfo info;
    info.id = kFlow;
    info.client = endpoint(ipv6, 1, 51000);
    info.server = endpoint(ipv6, 2, (flags & 0x02) ? 443 : 25);
    info.syn_seen = (flags & 0x01) != 0;
    info.first_seen = Timestamp{1'700'000'000'000'000'000};
    info.first_packet = 1;
    dissector.on_open(info);

    Timestamp ts = info.first_seen;
    std::uint64_t packet = 1;
    bool wanted[2] = {true, true};
    reassembly::FlowStats stats;
    std::uint8_t last_ttl[2] = {0, 0};

    auto feed = [&](Direction dir, std::span<const std::uint8_t> bytes) {
      const int d = index(dir);
      auto& st = stats.dir[d];
      ++st.packets;
      st.payload_bytes += bytes.size();
      if (!wanted[d]) return;
      wanted[d] = dissector.on_data(kFlow, dir, bytes, ts, packet);
    };

    while (!in.empty()) {
      const std::uint8_t c = in.u8();
      const Direction dir = (c & 1) ? Direction::ServerToClient : Direction::ClientToServer;
      const int d = index(dir);
      const int kind = (c >> 1) & 7;
      ts.ns += 1'000'000;
      ++packet;
      if (kind <= 4) {
        feed(dir, in.take(in.be(2)));
      } else if (kind == 5) {
        const std::uint64_t missing = std::uint64_t{in.be(3)} + 1;
        stats.dir[d].gaps++;
        stats.dir[d].gap_bytes += missing;
        if (wanted[d]) dissector.on_gap(kFlow, dir, missing, reassembly::GapKind::NotCaptured, ts);
      } else if (kind == 6) {
        reassembly::TcpEvent ev;
        ev.kind = static_cast<reassembly::TcpEventKind>((c >> 4) & 3);
        ev.dir = dir;
        ev.ts = ts;
        ev.ttl = static_cast<std::uint8_t>(c & 0x80 ? 64 : 128);
        ev.prior_ttl = last_ttl[d];
        last_ttl[d] = ev.ttl;
        ev.packet_number = packet;
        dissector.on_tcp(kFlow, ev);
      } else {
        const std::size_t chunk = static_cast<std::size_t>(c >> 4) + 1;
        while (!in.empty()) {
          feed(dir, in.take(chunk));
          ts.ns += 1000;
          ++packet;
        }
      }
    }
    stats.dir[0].first_ttl = stats.dir[0].last_ttl = 64;
    stats.dir[1].first_ttl = stats.dir[1].last_ttl = 57;
    const auto why = static_cast<reassembly::CloseReason>(((flags >> 2) & 7) % 5);
    dissector.on_close(kFlow, why, ts, stats);
    dissector.on_end(ts);
    FUZZ_CHECK(kTarget, correlator.stats().flows_opened == 1);
  }
  FUZZ_CHECK(kTarget, sink.flows() <= 1);
  sink.on_finish();
  return 0;
}

// ---- packet -----------------------------------------------------------------------------------

int fuzz_packet(const std::uint8_t* data, std::size_t size) {
  static constexpr const char* kTarget = "packet";
  Input in(data, size);
  const std::uint8_t sel = in.u8();
  const std::size_t pick = sel & 0x0f;
  const int link_type = pick < kLinkTypeCount ? kLinkTypes[pick] : sel;
  const bool many = (sel & 0x80) != 0;

  NullFlowSink sink(kTarget);
  // A small memory budget (bit 6 of the selector) so the fuzzer reaches budget evictions too;
  // declared first: the stages charge it until they are gone.
  MemoryBudget budget((sel & 0x40) != 0 ? 8192 : 0);
  analysis::Correlator correlator(sink, "fuzz.pcap");
  tls::Dissector dissector(correlator);
  // Small limits so the fuzzer reaches eviction and the buffer caps.
  reassembly::ReassemblyLimits limits;
  limits.max_flows = 4;
  limits.max_buffered_bytes_per_direction = 4096;
  limits.max_out_of_order_segments = 8;
  reassembly::StreamTable streams(dissector, limits);
  streams.set_memory_budget(&budget);
  dissector.set_memory_budget(&budget);
  correlator.set_memory_budget(&budget);
  net::PacketDecoder decoder(streams);

  Timestamp ts{1'700'000'000'000'000'000};
  std::uint64_t number = 0;
  // Packets are copied so that ASan catches a read past the captured bytes.
  std::vector<std::uint8_t> frame;
  do {
    std::size_t len = in.remaining();
    bool cut = false;
    if (many) {
      const std::uint32_t header = in.be(2);
      len = header & 0x7fff;
      cut = (header & 0x8000) != 0;
    }
    auto bytes = in.take(len);
    frame.assign(bytes.begin(), bytes.end());
    capture::Packet p;
    p.ts = ts;
    p.data = frame;
    p.wire_len = static_cast<std::uint32_t>(frame.size() + (cut ? 100 : 0));
    p.link_type = link_type;
    p.number = ++number;
    decoder.on_packet(p);
    ts.ns += 1'000'000;
  } while (many && !in.empty());
  decoder.on_end(ts);

  const auto& rs = streams.stats();
  FUZZ_CHECK(kTarget, streams.open_flows() == 0);
  FUZZ_CHECK(kTarget, rs.flows_closed == rs.flows_seen);
  FUZZ_CHECK(kTarget, correlator.stats().flows_opened == rs.flows_seen);
  FUZZ_CHECK(kTarget, sink.flows() <= rs.flows_seen);
  const auto& ds = decoder.stats();
  FUZZ_CHECK(kTarget, ds.packets == number);
  sink.on_finish();
  return 0;
}

// ---- pcap_file --------------------------------------------------------------------------------

namespace {

// A file the capture reader can open by path whose contents live in memory: a memfd reached
// through /proc/self/fd, else a temp file in /dev/shm or $TMPDIR. Reused across runs.
class ScratchFile {
 public:
  ScratchFile() {
#ifdef MFD_CLOEXEC
    fd_ = memfd_create("tlsdiag_fuzz.pcap", MFD_CLOEXEC);
    if (fd_ >= 0) path_ = "/proc/self/fd/" + std::to_string(fd_);
#endif
    if (fd_ < 0) {
      const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : std::getenv("TMPDIR");
      std::string tmpl = std::string(dir ? dir : "/tmp") + "/tlsdiag_fuzz_XXXXXX";
      fd_ = mkstemp(tmpl.data());
      if (fd_ < 0) {
        std::perror("fuzz_pcap_file: temp file");
        std::abort();
      }
      path_ = tmpl;
      unlink_on_exit_ = true;
    }
  }
  ~ScratchFile() {
    if (unlink_on_exit_) unlink(path_.c_str());
    close(fd_);
  }
  const std::string& write(const std::uint8_t* data, std::size_t size) {
    if (ftruncate(fd_, 0) != 0) std::abort();
    std::size_t done = 0;
    while (done < size) {
      ssize_t n = pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

 private:
  int fd_ = -1;
  std::string path_;
  bool unlink_on_exit_ = false;
};

// Hands every call to several reports. Flows reach them through on_flow(), in first-packet
// order; a report fed directly takes them through hold() as they close, so the first-seen lists
// of its summary may differ from a FanOut's.
class FanOut : public analysis::FlowSink {
 public:
  explicit FanOut(std::vector<report::Report*> reports) : reports_(std::move(reports)) {}
  void on_flow(const FlowRecord& flow) override {
    for (auto* r : reports_) r->on_flow(flow);
  }
  void on_input_done(const analysis::InputResult& result) override {
    for (auto* r : reports_) r->on_input_done(result);
  }
  void on_finish() override {
    for (auto* r : reports_) r->on_finish();
  }

 private:
  std::vector<report::Report*> reports_;
};

// Every packet a FileSource hands over (number, time, wire length, bytes), then where it stopped.
class PacketLog : public capture::PacketSink {
 public:
  void on_packet(const capture::Packet& p) override {
    log_ += std::to_string(p.number) + ' ' + std::to_string(p.ts.ns) + ' ' + std::to_string(p.wire_len) + ' ';
    log_.append(p.data.begin(), p.data.end());
    log_ += '\n';
  }
  void on_end(Timestamp last) override { log_ += "end " + std::to_string(last.ns) + '\n'; }
  std::string read(const std::string& path, bool libpcap_reader) {
    log_.clear();
    capture::FileSource source(path, {.bpf_filter = {}, .progress = nullptr, .libpcap_reader = libpcap_reader});
    if (const auto error = source.open()) return "open failed";
    const auto error = source.run(*this);
    log_ += error ? "error at " + std::to_string(error->offset.value_or(0)) : "no error";
    return log_;
  }

 private:
  std::string log_;
};

// True when a classic pcap's records hold a time libpcap 1.10 and the in-place reader read
// differently on purpose (seconds or fraction from 2^31 up: pcap_record_reader.h).
bool has_time_past_2038(const std::uint8_t* data, std::size_t size) {
  // Only files in this (little-endian) machine's byte order differ: magic d4c3b2a1 or 4d3cb2a1.
  if (size < 24 || (data[0] != 0xd4 && data[0] != 0x4d)) return false;
  for (std::size_t at = 24; at + 16 <= size;) {
    if ((data[at + 3] & 0x80) != 0 || (data[at + 7] & 0x80) != 0) return true;
    const std::size_t caplen = data[at + 8] | data[at + 9] << 8 | data[at + 10] << 16 | std::size_t{data[at + 11]} << 24;
    at += 16 + caplen;
  }
  return false;
}

}  // namespace

int fuzz_pcap_file(const std::uint8_t* data, std::size_t size) {
  static constexpr const char* kTarget = "pcap_file";
  static ScratchFile file;
  const std::string& path = file.write(data, size);

  std::ostringstream text_out, json_out, jsonl_out;
  auto text = report::make_report(report::Format::Text, text_out, {.show_ok = true});
  auto json = report::make_report(report::Format::Json, json_out, {});
  auto jsonl = report::make_report(report::Format::Jsonl, jsonl_out, {});
  FanOut reports({text.get(), json.get(), jsonl.get()});
  app::PipelineOptions options;
  options.max_flows = 8;  // small, so the fuzzer reaches eviction
  analysis::InputResult result = app::analyze_file(path, options, reports);
  reports.on_input_done(result);
  reports.on_finish();
  FUZZ_CHECK(kTarget, result.stats.flows_seen >= result.stats.flows_evicted);
  FUZZ_CHECK(kTarget, nlohmann::json::accept(json_out.str()));
  std::istringstream lines(jsonl_out.str());
  for (std::string line; std::getline(lines, line);) FUZZ_CHECK(kTarget, nlohmann::json::accept(line));
  g_touched = g_touched + text_out.str().size();

  // Fed directly (through hold(), as analyze does), with the correlator and the report on a
  // thread of their own or not: the same bytes.
  auto jsonl_alone = [&](bool event_thread) {
    std::ostringstream out;
    auto report = report::make_report(report::Format::Jsonl, out, {});
    options.event_thread = event_thread;
    const analysis::InputResult r = app::analyze_file(path, options, *report);
    report->on_input_done(r);
    report->on_finish();
    return out.str();
  };
  FUZZ_CHECK(kTarget, jsonl_alone(true) == jsonl_alone(false));

  // Classic pcap read in place gives what libpcap's pcap_next_ex gives.
  if (!has_time_past_2038(data, size)) {
    PacketLog log;
    const std::string in_place = log.read(path, false);
    FUZZ_CHECK(kTarget, in_place == log.read(path, true));
  }
  return 0;
}

// ---- client_hello -----------------------------------------------------------------------------

int fuzz_client_hello(const std::uint8_t* data, std::size_t size) {
  static constexpr const char* kTarget = "client_hello";
  if (size == 0) return 0;
  // The body is copied to its own allocation so ASan catches a read past its end.
  std::vector<std::uint8_t> body(data + 1, data + size);
  ByteReader r{std::span<const std::uint8_t>(body)};
  Toucher t;
  switch (data[0] % 8) {
    case 0:
      if (auto h = tls::parse_client_hello(r)) {
        t(*h);
        check_json(kTarget, report::client_hello_to_json(*h));
      }
      break;
    case 1:
      if (auto h = tls::parse_server_hello(r)) {
        t(*h);
        check_json(kTarget, report::server_hello_to_json(*h, std::nullopt));
      }
      break;
    case 2:
    case 3:
      if (auto c = tls::parse_certificate(r, data[0] % 8 == 3)) {
        t(c->count);
        t(c->message_length);
        FUZZ_CHECK(kTarget, c->der.size() <= tls::kMaxCertificatesKept);
        for (std::size_t i = 0; i < c->der.size(); ++i) {
          t(c->der[i]);
          analysis::CertificateRecord rec{c->der[i], static_cast<std::uint32_t>(c->der[i].size())};
          check_json(kTarget, report::certificate_to_json(rec, i));
        }
      }
      break;
    case 4:
      if (auto h = tls::parse_sslv2_client_hello(r)) {
        t(*h);
        check_json(kTarget, report::client_hello_to_json(*h));
      }
      break;
    case 5:
      if (auto c = tls::parse_certificate_request(r, static_cast<std::uint16_t>(0x0300 | ((size & 3) + 1))))
        t(c->signature_algorithms);
      break;
    case 6:
      if (auto s = tls::parse_server_key_exchange(r, (size & 1) != 0)) t(s->named_group);
      break;
    case 7:
      if (auto a = tls::parse_alert(r)) {
        t(a->level);
        t(a->description);
      }
      break;
  }
  g_touched = g_touched + t.h;
  return 0;
}

// ---- keylog ----------------------------------------------------------------------------------

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The client random of the input's first key log line, when its second field starts with 64
// hex digits: a random the parsed log may really hold.
std::optional<tls::Random> first_line_random(std::string_view text) {
  const std::size_t gap = text.find_first_of(" \t");
  const std::size_t start = text.find_first_not_of(" \t", gap);
  tls::Random random{};
  if (gap == std::string_view::npos || start == std::string_view::npos || text.size() - start < 2 * random.size())
    return std::nullopt;
  for (std::size_t i = 0; i < random.size(); ++i) {
    const int hi = hex_value(text[start + 2 * i]);
    const int lo = hex_value(text[start + 2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    random[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return random;
}

}  // namespace

int fuzz_keylog(const std::uint8_t* data, std::size_t size) {
  static constexpr const char* kTarget = "keylog";
  // The text gets its own allocation so ASan catches a read past its end.
  const std::string text(data, data + size);
  const tls::KeyLog log = tls::KeyLog::parse(text);
  FUZZ_CHECK(kTarget, !log.warnings().empty() || !log.empty());  // no secret: a warning says why
  FUZZ_CHECK(kTarget, log.warnings().size() <= tls::kMaxKeyLogWarnings + 1);
  FUZZ_CHECK(kTarget, log.connections() <= log.entries());
  FUZZ_CHECK(kTarget, log.entries() <= log.connections() * tls::kSecretLabelCount);
  Toucher t;
  for (const tls::KeyLogWarning& w : log.warnings()) {
    // Numbered warnings say their line first; all are printable ASCII, whatever the input held.
    FUZZ_CHECK(kTarget, w.line == 0 || w.message.starts_with("line " + std::to_string(w.line) + ": "));
    FUZZ_CHECK(kTarget, std::all_of(w.message.begin(), w.message.end(), [](char c) { return c >= 0x20 && c < 0x7f; }));
    t(w.message);
  }
  tls::KeyLog copy;
  copy.merge(log);
  FUZZ_CHECK(kTarget, copy.entries() == log.entries() && copy.connections() == log.connections());
  FUZZ_CHECK(kTarget, copy.warnings().size() == log.warnings().size());
  if (const auto random = first_line_random(text)) {
    for (std::size_t i = 0; i < tls::kSecretLabelCount; ++i) {
      const auto label = static_cast<tls::SecretLabel>(i);
      const auto secret = log.find(label, *random);
      if (!secret) continue;
      FUZZ_CHECK(kTarget, secret->size() == 48 || (label != tls::SecretLabel::ClientRandom && secret->size() == 32));
      const auto again = copy.find(label, *random);
      FUZZ_CHECK(kTarget, again && std::equal(secret->begin(), secret->end(), again->begin(), again->end()));
      for (std::uint8_t b : *secret) t.mix(b);
    }
  }
  g_touched = g_touched + t.h;
  return 0;
}

TargetFn target_by_name(std::string_view name) {
  if (name == "tls_stream") return fuzz_tls_stream;
  if (name == "packet") return fuzz_packet;
  if (name == "pcap_file") return fuzz_pcap_file;
  if (name == "client_hello") return fuzz_client_hello;
  if (name == "keylog") return fuzz_keylog;
  return nullptr;
}

}  // namespace tlsdiag::fuzz
