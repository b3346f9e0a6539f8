#include "tlsdiag/analysis/correlator.h"

#include <algorithm>
#include <cstdint>
#include <variant>

#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/analysis/history.h"
#include "tlsdiag/tls/hello_parsers.h"
#include "tlsdiag/tls/registry.h"
#include "tlsdiag/util/errc.h"

namespace tlsdiag::analysis {

namespace {
const char* direction_name(Direction d) {
  return d == Direction::ClientToServer ? "client" : "server";
}

// Notes are per event (a gap, a malformed message): a hostile flow can make millions, so a flow
// keeps the first kMaxNotes and then counts the rest in a last one.
constexpr std::size_t kMaxNotes = 32;
void add_note(FlowRecord& f, std::string note) {
  if (f.notes.size() < kMaxNotes) return f.notes.push_back(std::move(note));
  if (f.notes.size() == kMaxNotes) f.notes.emplace_back();
  ++f.notes_omitted;
  f.notes.back() = std::to_string(f.notes_omitted) + " more notes like the above omitted";
}

void add_letter(FlowRecord& f, char letter) {
  if (f.history.size() < kMaxHistory) f.history.push_back(letter);
  else ++f.history_omitted;
}

// What pick_first_alert (flow_facts.cpp) looks for.
bool decisive(const AlertRecord& a) { return !a.visible() || a.level == 2; }
void add_alert(FlowRecord& f, const AlertRecord& alert) {
  if (f.alerts.size() < kMaxAlerts || (decisive(alert) && std::ranges::none_of(f.alerts, decisive)))
    f.alerts.push_back(alert);
  else
    ++f.alerts_omitted;
}

// The verdict looks at the first RST and each side's first FIN: those are kept past the cap.
void add_tcp_event(FlowRecord& f, const TcpControl& t) {
  const auto same = [&](const TcpControl& k) { return k.kind == t.kind && k.sender == t.sender; };
  if (f.tcp_events.size() < kMaxTcpEvents || std::ranges::none_of(f.tcp_events, same)) f.tcp_events.push_back(t);
  else ++f.tcp_events_omitted;
}

void swap_roles(FlowRecord& f) {
  std::swap(f.client, f.server);
  std::swap(f.encrypted[0], f.encrypted[1]);
  std::swap(f.non_tls_prefix[0], f.non_tls_prefix[1]);
  std::swap(f.decryption[0], f.decryption[1]);
  for (Step& s : f.steps) s.sender = reassembly::opposite(s.sender);
  for (TcpControl& t : f.tcp_events) t.sender = reassembly::opposite(t.sender);
  for (AlertRecord& a : f.alerts) a.sender = reassembly::opposite(a.sender);
  for (char& c : f.history) c = static_cast<char>(c >= 'a' ? c - 'a' + 'A' : c - 'A' + 'a');
  f.roles_from_client_hello = true;
}
}  // namespace

// Applies one TlsEvent body to the flow record (std::visit target); what the record keeps is
// moved out of the event.
struct Correlator::Apply {
  Correlator& self;
  FlowRecord& flow;
  const tls::TlsEvent& event;

  void step(StepKind kind, std::uint8_t type = 0, std::uint32_t length = 0) {
    self.add_step(flow, Step{kind, event.dir, type, length, event.ts, event.packet_number});
  }
  void letter(char upper) { add_letter(flow, history_letter(upper, event.dir)); }

  void operator()(tls::ClientHello& hello) {
    letter(kLetterClientHello);
    step(StepKind::ClientHello);
    if (!flow.client_hello) flow.client_hello = std::move(hello);
    else if (flow.hello_retry_request && !flow.second_client_hello) flow.second_client_hello = std::move(hello);
  }
  void operator()(tls::ServerHello& hello) {
    if (hello.hello_retry_request) {
      letter(kLetterHelloRetry);
      step(StepKind::HelloRetryRequest);
      if (!flow.hello_retry_request) flow.hello_retry_request = std::move(hello);
      return;
    }
    letter(kLetterServerHello);
    step(StepKind::ServerHello);
    if (!flow.server_hello) flow.server_hello = std::move(hello);
  }
  void operator()(tls::CertificateChain& chain) {
    letter(kLetterCertificate);
    step(StepKind::Certificate);
    if (event.dir == Direction::ClientToServer) {
      flow.client_certificate_empty = chain.count == 0;
      return;
    }
    flow.certificate_count = chain.count;
    for (auto& der : chain.der) {
      const auto size = static_cast<std::uint32_t>(der.size());
      flow.certificates.push_back(CertificateRecord{std::move(der), size});
    }
  }
  void operator()(const tls::CertificateRequest&) {
    letter(kLetterCertificateRequest);
    step(StepKind::PlainHandshake, 13);
    flow.certificate_request = true;
  }
  void operator()(const tls::ServerKeyExchange& ske) {
    letter(kLetterServerKeyExchange);
    step(StepKind::PlainHandshake, 12);
    if (ske.named_group) flow.server_key_exchange_group = ske.named_group;
  }
  void operator()(const tls::HandshakeSeen& seen) {
    add_letter(flow, history_letter(handshake_letter(seen.type), event.dir));
    step(StepKind::PlainHandshake, seen.type, seen.length);
  }
  void operator()(const tls::ChangeCipherSpec&) {
    letter(kLetterChangeCipherSpec);
    step(StepKind::ChangeCipherSpec);
  }
  void operator()(const tls::Alert& alert) {
    if (alert.visible()) letter(kLetterAlert);
    step(StepKind::Alert);
    add_alert(flow, AlertRecord{event.dir, alert.level, alert.description, alert.encrypted, alert.decrypted, event.ts,
                                event.packet_number});
    if (alert.encrypted) count_encrypted(tls::EncryptedRecord{21, alert.length});
  }
  void operator()(const tls::EncryptedRecord& record) {
    step(StepKind::EncryptedRecord, record.content_type, record.length);
    count_encrypted(record);
  }
  void count_encrypted(const tls::EncryptedRecord& record) {
    EncryptedCounts& c = flow.encrypted[reassembly::index(event.dir)];
    if (record.content_type == 23) ++c.application_records;
    else if (record.content_type == 21) ++c.alert_records;
    else ++c.handshake_records;
    c.bytes += record.length;
    if (c.first_sizes.size() < c.first_sizes.capacity()) c.first_sizes.push_back(record.length);
  }
  void operator()(tls::NonTls& non_tls) {
    step(StepKind::NonTls);
    auto& prefix = flow.non_tls_prefix[reassembly::index(event.dir)];
    if (prefix.empty()) prefix = std::move(non_tls.prefix);
  }
  void operator()(const tls::Malformed& m) {
    step(StepKind::Malformed);
    add_note(flow, std::string(direction_name(event.dir)) + " " + m.what + ": " +
                         std::string(errc_message(m.code)) + " at stream byte " + std::to_string(m.stream_offset));
  }
  void operator()(const tls::RolesSwapped&) { swap_roles(flow); }
  // Never met: take_tls parses it into a ClientHello (or a Malformed) before applying it.
  void operator()(const tls::UnparsedClientHello&) {}
  void operator()(const tls::Decryption& d) {
    using O = tls::Decryption::Outcome;
    switch (d.outcome) {
      case O::Decrypted: flow.decryption[reassembly::index(event.dir)] = Decryption::Decrypted; return;
      case O::Failed:
        flow.decryption[reassembly::index(event.dir)] = Decryption::Failed;
        add_note(flow, std::string("key log: the ") + direction_name(event.dir) +
                             "'s protected records did not decrypt with the logged secrets");
        return;
      case O::NoKeys: flow.decryption[0] = flow.decryption[1] = Decryption::NoKeys; return;
      case O::UnsupportedSuite:
        flow.decryption[0] = flow.decryption[1] = Decryption::UnsupportedSuite;
        add_note(flow, "key log: secrets found, but the negotiated cipher suite cannot be decrypted");
        return;
    }
  }
};

Correlator::Correlator(FlowSink& next, std::string source_file, bool ordered, x509_store_st* trust)
    : next_(next),
      source_file_(std::move(source_file)),
      ordered_(ordered),
      trust_(trust),
      certificates_(std::make_unique<CertificateCache>()) {}
Correlator::~Correlator() = default;

Correlator::Entry* Correlator::lookup(reassembly::FlowId id) {
  if (id < first_id_ || id - first_id_ >= flows_.size()) return nullptr;
  Entry& e = flows_[id - first_id_];
  return e.live() ? &e : nullptr;
}

namespace {
// Heap bytes behind a record's containers: their capacity as malloc rounds it.
template <class T>
std::size_t heap_bytes(const std::vector<T>& v) {
  return heap_block(v.capacity() * sizeof(T));
}
std::size_t heap_bytes(const std::string& s) {
  return s.capacity() > std::string().capacity() ? heap_block(s.capacity() + 1) : 0;  // past the inline buffer
}
std::size_t heap_bytes(const std::vector<std::string>& v) {
  std::size_t n = heap_block(v.capacity() * sizeof(std::string));
  for (const std::string& s : v) n += heap_bytes(s);
  return n;
}
// Shared with the other flows that carry the same certificate, but charged to each in full: a
// flood of distinct certificates is then bounded as if every flow had its own copy.
std::size_t heap_bytes(const SharedBytes& b) { return b.empty() ? 0 : heap_block(b.size()); }
std::size_t heap_bytes(const tls::ClientHello* h) {
  if (h == nullptr) return 0;
  return heap_bytes(h->cipher_suites) + heap_bytes(h->compression_methods) + heap_bytes(h->extensions) +
         heap_bytes(h->supported_versions) + heap_bytes(h->sni) + heap_bytes(h->alpn) + heap_bytes(h->groups) +
         heap_bytes(h->ec_point_formats) + heap_bytes(h->signature_algorithms) + heap_bytes(h->key_share_groups) +
         heap_bytes(h->psk_key_exchange_modes);
}
std::size_t heap_bytes(const tls::ServerHello* h) {
  return h != nullptr ? heap_bytes(h->extensions) + heap_bytes(h->alpn) : 0;
}
// std::optional or Boxed: a boxed one owns its block too.
template <class T>
std::size_t heap_bytes(const std::optional<T>& h) {
  return heap_bytes(h ? &*h : nullptr);
}
template <class T>
std::size_t heap_bytes(const Boxed<T>& h) {
  return h ? heap_block(sizeof(T)) + heap_bytes(&*h) : 0;
}
// What a record owns that few events change: the hellos, certificates, notes, a non-TLS prefix
// (the certificate findings are shared with the certificate cache).
std::uint32_t owned_bytes(const FlowRecord& f) {
  std::size_t n = heap_bytes(f.source_file) + heap_bytes(f.client_hello) + heap_bytes(f.hello_retry_request) +
                  heap_bytes(f.second_client_hello) + heap_bytes(f.server_hello) + heap_bytes(f.certificates) +
                  heap_bytes(f.notes) + heap_bytes(f.warnings);
  for (const CertificateRecord& c : f.certificates) n += heap_bytes(c.der);
  for (const auto& prefix : f.non_tls_prefix) n += heap_bytes(prefix);
  return static_cast<std::uint32_t>(std::min<std::size_t>(n, UINT32_MAX));
}
// What every event may grow: one step, alert, TCP event, history letter, record size.
std::size_t growing_bytes(const FlowRecord& f) {
  return heap_bytes(f.steps) + heap_bytes(f.alerts) + heap_bytes(f.tcp_events) + heap_bytes(f.history);
}
// Events that change only what growing_bytes counts.
bool keeps_owned(const tls::TlsEventBody& body) {
  return std::holds_alternative<tls::EncryptedRecord>(body) || std::holds_alternative<tls::ChangeCipherSpec>(body) ||
         std::holds_alternative<tls::Alert>(body) || std::holds_alternative<tls::HandshakeSeen>(body);
}
// The deque's share per entry: 512-byte blocks of entries and a pointer to each block.
template <class T>
constexpr std::size_t kSlotBytes = (heap_block(512 / sizeof(T) * sizeof(T)) + 2 * sizeof(void*)) / (512 / sizeof(T)) + 1;
}  // namespace

// What an entry holds: its Pending, its record with everything the record owns, or what the
// sink keeps of it while it waits for its turn. The deque slot itself is charged with the span.
void Correlator::recharge(Entry& entry, bool recount_owned) {
  if (budget_ == nullptr) return;
  std::size_t now = 0;
  if (entry.pending) now += heap_block(sizeof(Pending));
  if (const FlowRecord* f = entry.flow.get()) {
    if (recount_owned || entry.owned == 0) entry.owned = owned_bytes(*f);  // 0: not counted yet
    now += heap_block(sizeof(FlowRecord)) + entry.owned + growing_bytes(*f);
  }
  if (entry.held) now += entry.owned;  // what the sink keeps of it
  budget_->adjust(entry.charged, now);
  entry.charged = now;
}

// The deque spans the oldest tracked flow to the newest: a slot for every flow opened since,
// forgotten or not (a long flow at the front keeps the slots of the flows after it).
void Correlator::recharge_span() {
  if (budget_ == nullptr) return;
  const std::size_t now = flows_.size() * kSlotBytes<Entry>;
  budget_->adjust(span_charged_, now);
  span_charged_ = now;
}

void Correlator::forget(reassembly::FlowId id) {
  if (budget_ != nullptr) budget_->release(flows_[id - first_id_].charged);
  flows_[id - first_id_] = Entry{};
  --tracked_;
  for (; !flows_.empty() && !flows_.front().live(); ++first_id_) flows_.pop_front();
  recharge_span();
}

FlowRecord* Correlator::find(reassembly::FlowId id) {
  Entry* e = lookup(id);
  if (e == nullptr || e->closed) return nullptr;
  if (e->pending) materialize(*e);
  return e->flow.get();
}

void Correlator::materialize(Entry& entry) {
  const Pending& p = *entry.pending;
  auto flow = std::make_unique<FlowRecord>();
  flow->source_file = source_file_;
  flow->id = p.info.id;
  flow->first_packet = p.info.first_packet;
  flow->client = p.info.client;
  flow->server = p.info.server;
  flow->first_seen = flow->last_seen = p.info.first_seen;
  flow->syn_seen = p.info.syn_seen;
  flow->tcp_events.reserve(4);
  for (std::size_t i = 0; i < p.tcp_count; ++i) record_tcp(*flow, p.tcp[i]);
  entry.flow = std::move(flow);
  entry.pending.reset();
}

void Correlator::add_step(FlowRecord& flow, Step step) {
  flow.last_seen = std::max(flow.last_seen, step.ts);
  if (flow.steps.size() < kMaxSteps) flow.steps.push_back(step);
}

void Correlator::on_open(const reassembly::FlowInfo& info) {
  auto pending = std::make_unique<Pending>();
  pending->info = info;
  if (flows_.empty()) first_id_ = info.id;
  for (; info.id < first_id_; --first_id_) flows_.emplace_front();  // only out-of-order ids (tests)
  if (info.id - first_id_ >= flows_.size()) flows_.resize(info.id - first_id_ + 1);
  Entry& entry = flows_[info.id - first_id_];
  if (!entry.live()) ++tracked_;
  entry = Entry{};
  entry.pending = std::move(pending);
  recharge(entry);
  recharge_span();
  ++stats_.flows_opened;
}

void Correlator::on_tcp(reassembly::FlowId id, const reassembly::TcpEvent& e) {
  Entry* entry = lookup(id);
  if (entry == nullptr || entry->closed) return;
  if (Pending* p = entry->pending.get(); p != nullptr && p->tcp_count < p->tcp.size()) {
    p->tcp[p->tcp_count++] = e;
    return;
  }
  record_tcp(*find(id), e);
  recharge(*entry, /*recount_owned=*/false);
}

void Correlator::record_tcp(FlowRecord& flow, const reassembly::TcpEvent& e) {
  add_tcp_event(flow, TcpControl{e.kind, e.dir, e.ts, e.ttl, e.prior_ttl, e.packet_number});
  if (e.kind == reassembly::TcpEventKind::Fin) add_step(flow, Step{StepKind::Fin, e.dir, 0, 0, e.ts, e.packet_number});
  else if (e.kind == reassembly::TcpEventKind::Rst) add_step(flow, Step{StepKind::Rst, e.dir, 0, 0, e.ts, e.packet_number});
  else flow.last_seen = std::max(flow.last_seen, e.ts);
}

void Correlator::on_gap(reassembly::FlowId id, Direction dir, std::uint64_t missing, reassembly::GapKind kind,
                        Timestamp ts) {
  FlowRecord* flow = find(id);
  if (flow == nullptr) return;
  add_step(*flow, Step{StepKind::Gap, dir, 0, static_cast<std::uint32_t>(std::min<std::uint64_t>(missing, UINT32_MAX)), ts, 0});
  // Bytes given up on at a cap were (or may yet be) captured: the capture is not to blame.
  if (kind == reassembly::GapKind::GivenUp) {
    add_note(*flow, std::to_string(missing) + " bytes of the " + direction_name(dir) +
                        " stream not analysed (given up: reassembly buffer cap hit)");
    return recharge(*lookup(id));
  }
  add_note(*flow, std::to_string(missing) + " bytes missing from the " + direction_name(dir) +
                        " stream (not captured)");
  recharge(*lookup(id));
}

void Correlator::on_tls(const tls::TlsEvent& event) {
  if (find(event.flow) != nullptr) take_tls(tls::TlsEvent(event));
}

// A ClientHello the dissector framed but left unparsed (Dissector::defer_client_hellos): parsed
// here, on the event thread, and counted past the extension cap as the dissector would have.
// Bytes that do not frame never come from the dissector; they would be a malformed hello.
tls::TlsEventBody Correlator::parse_hello(const tls::UnparsedClientHello& unparsed) {
  Result<tls::ClientHello> hello = tls::parse_client_hello(unparsed);
  if (!hello) return tls::Malformed{"client_hello", hello.error().code, hello.error().offset};
  if (hello->extensions_error && hello->extensions_error->code == Errc::TooManyExtensions)
    ++stats_.client_hellos_extensions_capped;
  return std::move(*hello);
}

void Correlator::take_tls(tls::TlsEvent&& event) {
  if (const auto* unparsed = std::get_if<tls::UnparsedClientHello>(&event.body)) event.body = parse_hello(*unparsed);
  FlowRecord* flow = find(event.flow);
  if (flow == nullptr) return;
  if (flow->history.empty()) {
    // Room for what a TLS flow records (one step per record, a history letter per message),
    // allocated once at its first TLS event rather than at its SYN: a SYN flood costs less.
    flow->steps.reserve(32);
    flow->history.reserve(24);
  }
  std::visit(Apply{*this, *flow, event}, event.body);
  if (budget_ != nullptr) recharge(*lookup(event.flow), !keeps_owned(event.body));
  if (streams_ != nullptr && !ordered_ && outcome_known(*flow, event.ts)) report_decided(event.flow, *flow, event.ts);
}

void Correlator::report_decided(reassembly::FlowId id, FlowRecord& flow, Timestamp now) {
  const std::optional<reassembly::FlowStats> stats = streams_->current_stats(flow.client, flow.server);
  if (stats) flow.stats = *stats;
  flow.close_reason = reassembly::CloseReason::Open;
  flow.last_seen = std::max(flow.last_seen, now);
  if (finalize_) finalize(flow, trust_, certificates_.get());
  ++stats_.flows_reported;
  next_.take_flow(std::move(lookup(id)->flow));
  forget(id);  // what the connection does next is not looked at
}

void Correlator::on_close(reassembly::FlowId id, reassembly::CloseReason why, Timestamp ts,
                          const reassembly::FlowStats& stats) {
  Entry* found = lookup(id);
  if (found == nullptr || found->closed) return;
  const bool any_payload = stats.dir[0].payload_bytes + stats.dir[1].payload_bytes > 0;
  if (found->pending) {
    // No TLS event: nothing to report (the dissector turns any payload into one).
    ++(any_payload ? stats_.flows_not_tls : stats_.flows_without_payload);
    forget(id);
    if (ordered_) release_closed();
    return;
  }
  Entry& entry = *found;
  FlowRecord& flow = *entry.flow;
  flow.stats = stats;
  flow.close_reason = why;
  if (why != reassembly::CloseReason::EndOfCapture) flow.last_seen = std::max(flow.last_seen, ts);
  for (int d = 0; d < 2; ++d) {
    const reassembly::DirectionStats& s = stats.dir[d];
    const std::string side = direction_name(Direction(d));
    if (s.buffer_cap_hit) add_note(flow, side + " reassembly buffer cap hit");
    // One note per direction: a peer or middlebox rewriting bytes on retransmission (or an
    // evasion attempt); what the report shows is the first copy.
    if (s.overlap_conflicts > 0)
      add_note(flow, side + " retransmission with different bytes at stream byte " + std::to_string(s.first_conflict) +
                         " (first copy kept)");
  }
  entry.closed = true;
  entry.report = attempted_tls(flow);
  if (entry.report) {
    if (finalize_) finalize(flow, trust_, certificates_.get());
    ++stats_.flows_reported;
  } else {
    ++(any_payload ? stats_.flows_not_tls : stats_.flows_without_payload);
  }
  const bool first = id == first_id_;
  if (!ordered_ || (first && entry.report)) {
    if (entry.report) next_.take_flow(std::move(entry.flow));
    forget(id);
  } else if (!entry.report) {
    forget(id);  // nothing to deliver: it need not wait for its turn
  } else if (!first) {
    // An earlier flow is still open: the sink keeps what it needs until this flow's turn, so a
    // waiting flow does not hold its whole record (memory stays flat behind one long flow).
    const std::size_t record_bytes = entry.charged;
    entry.held = next_.hold(std::move(*entry.flow));
    entry.flow.reset();
    if (entry.held) {
      entry.owned = static_cast<std::uint32_t>(std::min<std::size_t>(next_.held_bytes(record_bytes), UINT32_MAX));
      recharge(entry);
    } else {
      forget(id);  // the sink has nothing left to do at its turn
    }
  }
  if (ordered_) release_closed();
}

// Releases closed flows from the front, so reports see flows in order of their first packet.
void Correlator::release_closed() {
  while (!flows_.empty() && flows_.front().closed) {
    Entry& entry = flows_.front();
    if (entry.held) next_.release(std::move(entry.held));
    else if (entry.report) next_.take_flow(std::move(entry.flow));
    forget(first_id_);
  }
}

void Correlator::on_end(Timestamp) { release_closed(); }

}  // namespace tlsdiag::analysis
