#include "tlsdiag/tls/dissector.h"

#include <algorithm>
#include <limits>

#include "direction_keys.h"
#include "tlsdiag/tls/handshake_assembler.h"
#include "tlsdiag/tls/hello_parsers.h"
#include "tlsdiag/tls/other_messages.h"
#include "tlsdiag/tls/record.h"
#include "tlsdiag/tls/registry.h"

namespace tlsdiag::tls {

namespace {
constexpr std::uint8_t kClientHello = 1;
constexpr std::uint8_t kServerHello = 2;
constexpr std::uint8_t kCertificate = 11;
constexpr std::uint8_t kServerKeyExchange = 12;
constexpr std::uint8_t kCertificateRequest = 13;

bool is_ecdhe(std::uint16_t suite) {
  const CipherSuiteInfo* info = find_cipher_suite(suite);
  if (info == nullptr) return false;
  switch (info->kx) {
    case KeyExchange::EcdheRsa: case KeyExchange::EcdheEcdsa:
    case KeyExchange::EcdhePsk: case KeyExchange::EcdhAnon: return true;
    default: return false;
  }
}

// A TLS handshake record carrying a ClientHello or ServerHello: how a STARTTLS upgrade begins.
bool starts_hello_record(std::span<const std::uint8_t> b) {
  return b.size() >= 6 && b[0] == content_type::kHandshake && b[1] == 0x03 && b[2] <= 0x04 &&
         (b[5] == kClientHello || b[5] == kServerHello);
}
}  // namespace

struct Dissector::DirectionState {
  enum class Mode : std::uint8_t { Detect, Tls, Sslv2, NonTls, Done };
  Mode mode = Mode::Detect;
  bool encrypted = false;    // records from here on are protected
  bool resync = false;       // after a gap or garbage: look for the next plausible header
  bool start_lost = false;   // a gap came before this direction's first byte
  std::uint32_t encrypted_records = 0;
  std::uint64_t offset = 0;  // bytes of this direction consumed so far
  std::uint64_t non_tls_scanned = 0;
  std::vector<std::uint8_t> partial;
  HandshakeAssembler handshake;
  // A record whose payload record() does not read (protected, an encrypted alert) that is still
  // arriving: its bytes are counted as they come instead of being buffered in |partial|.
  RecordHeader skip_header;
  std::uint32_t skip_left = 0;  // bytes of it still to come
  std::uint32_t skip_seen = 0;  // bytes of it seen (header included), not yet in |offset|
  bool skipping() const { return skip_left > 0; }
  void stop_skipping() { skip_left = skip_seen = 0; }
  // With a key log: the keys of this direction, and the handshake messages inside its
  // decrypted records (kept apart from the clear ones, whose stream offsets are known).
  DirectionKeys keys;
  HandshakeAssembler inner_handshake;
  bool decryption_reported = false;
  std::size_t charged = 0;  // what it holds (partial record, messages being assembled), charged
};

struct Dissector::FlowState {
  FlowId id = 0;
  bool syn_seen = false;
  bool swapped = false;  // roles corrected from the ClientHello (no SYN seen)
  bool client_hello_seen = false;
  bool tls13 = false;
  bool sslv2 = false;    // the server answered with an SSLv2 SERVER-HELLO: SSLv2 framing both ways
  std::uint16_t cipher_suite = 0;
  std::uint16_t server_version = 0;
  Random client_random{};  // of the first ClientHello: what a key log is indexed by
  bool client_random_known = false;
  DirectionState dir[2];  // by reassembly direction
  std::size_t charged = 0;  // bytes charged to the memory budget: the state and both directions'
  Direction logical(Direction d) const { return swapped ? reassembly::opposite(d) : d; }
};

// What one on_data call works on; keeps the helpers' parameter lists short.
struct Dissector::Context {
  Dissector& self;
  FlowState& flow;
  DirectionState& dir;
  Direction wire_dir;
  Timestamp ts;
  std::uint64_t packet;
  std::uint64_t record_offset = 0;  // stream offset of the record being processed
  std::uint64_t handshake_base = 0; // handshake-byte offset of that record's first payload byte

  // TCP stream offset of a byte given by its offset in the handshake bytes: exact inside the
  // current record, the record's start for bytes that came in an earlier one.
  std::uint64_t stream_offset(std::uint64_t handshake_offset) const {
    if (handshake_offset < handshake_base) return record_offset;
    return record_offset + kRecordHeaderSize + (handshake_offset - handshake_base);
  }
  std::uint64_t error_offset(const HandshakeMessage& msg, const ParseError& e) const {
    return stream_offset(msg.stream_offset + 4 + e.offset);
  }

  void emit(TlsEventBody body) {
    self.next_.take_tls(TlsEvent{flow.id, flow.logical(wire_dir), ts, packet, std::move(body)});
  }
  void malformed(MalformedKind kind, std::string what, Errc code, std::uint64_t at) {
    ++self.stats_.malformed;
    ++self.stats_.malformed_by_kind[static_cast<std::size_t>(kind)];
    emit(Malformed{std::move(what), code, at});
  }
  // A handshake message that did not parse, at the byte where it went wrong.
  void malformed(MalformedKind kind, std::string what, const HandshakeMessage& msg, const ParseError& e) {
    malformed(kind, std::move(what), e.code, error_offset(msg, e));
  }
  // The record or handshake message being assembled can never complete (a gap, the flow's end).
  void truncated() {
    if (dir.handshake.has_partial())
      malformed(MalformedKind::TruncatedHandshake, "handshake", Errc::Truncated, dir.offset);
    else
      malformed(MalformedKind::TruncatedRecord, "record", Errc::Truncated, dir.offset);
  }
  // --max-extensions: a hello with more extensions than parsed.
  void count_extension_cap(const std::optional<ParseError>& extensions_error) {
    if (extensions_error && extensions_error->code == Errc::TooManyExtensions) ++self.stats_.hellos_extensions_capped;
  }

  void on_message(const HandshakeMessage& msg, std::uint16_t record_version);
  void parse_message(const HandshakeMessage& msg, std::uint16_t record_version);
  void certificate(const HandshakeMessage& msg);
  void client_hello(const HandshakeMessage& msg, std::uint16_t record_version);
  UnparsedClientHello unparsed_client_hello(const HandshakeMessage& msg, const ClientHelloFrame& frame,
                                            std::uint16_t record_version) const;
  void note_client_hello(std::span<const std::uint8_t> random);
  void server_hello(const HandshakeMessage& msg, std::uint16_t record_version);
  void install_keys(const ServerHello& hello);
  void oversized_message(const HandshakeAssembler& assembler);
  void record(const RecordHeader& h, std::span<const std::uint8_t> payload);
  bool is_protected(const RecordHeader& h) const;
  void protected_record(const RecordHeader& h, std::span<const std::uint8_t> payload);
  void inner_record(const RecordHeader& h, const Plaintext& plain);
  void report_decryption();
  bool payload_needed(const RecordHeader& h) const;
  void skip_record(std::span<const std::uint8_t>& bytes);
  std::size_t records(std::span<const std::uint8_t> bytes);
  std::size_t sslv2(std::span<const std::uint8_t> bytes);
  std::size_t sslv2_server_hello(std::span<const std::uint8_t> bytes);
  std::size_t sslv2_records(std::span<const std::uint8_t> bytes);
  std::size_t detect(std::span<const std::uint8_t> bytes);
  std::size_t consume(std::span<const std::uint8_t> bytes);
};

Dissector::Dissector(TlsEventSink& next, const KeyLog* keys, TlsLimits limits)
    : next_(next), keys_(keys), limits_(limits) {}
Dissector::~Dissector() = default;

Dissector::Slot* Dissector::slot(FlowId id) {
  if (id < first_id_ || id - first_id_ >= flows_.size()) return nullptr;
  Slot& s = flows_[id - first_id_];
  return s.open ? &s : nullptr;
}

Dissector::FlowState* Dissector::find(FlowId id) {
  Slot* s = slot(id);
  return s == nullptr ? nullptr : s->state.get();
}

Dissector::FlowState* Dissector::state_for(FlowId id) {
  Slot* s = slot(id);
  if (s == nullptr) return nullptr;
  if (!s->state) {
    s->state = std::make_unique<FlowState>();
    s->state->id = id;
    s->state->syn_seen = s->syn_seen;
    for (DirectionState& d : s->state->dir) {
      d.handshake = HandshakeAssembler(limits_.max_handshake_message);
      d.inner_handshake = HandshakeAssembler(limits_.max_handshake_message);
    }
  }
  return s->state.get();
}

void Dissector::on_open(const reassembly::FlowInfo& flow) {
  if (flows_.empty()) first_id_ = flow.id;
  for (; flow.id < first_id_; --first_id_) flows_.emplace_front();
  while (flow.id - first_id_ >= flows_.size()) flows_.emplace_back();
  flows_[flow.id - first_id_] = Slot{nullptr, true, flow.syn_seen};
  recharge_slots();
  next_.on_open(flow);
}

void Dissector::on_tcp(FlowId id, const reassembly::TcpEvent& event) {
  FlowState* flow = find(id);
  reassembly::TcpEvent out = event;
  if (flow != nullptr) out.dir = flow->logical(event.dir);
  next_.on_tcp(id, out);
}

void Dissector::on_gap(FlowId id, Direction d, std::uint64_t missing, reassembly::GapKind kind, Timestamp ts) {
  FlowState* flow = state_for(id);
  if (flow == nullptr) return next_.on_gap(id, d, missing, kind, ts);
  DirectionState& dir = flow->dir[reassembly::index(d)];
  if (dir.mode == DirectionState::Mode::Detect && dir.partial.empty()) dir.start_lost = true;
  if (dir.mode == DirectionState::Mode::Tls) {
    // Bytes are missing: whatever was half-assembled can never complete.
    if (!dir.partial.empty() || dir.skipping() || dir.handshake.has_partial()) {
      Context ctx{*this, *flow, dir, d, ts, 0};
      ctx.truncated();
    }
    dir.partial.clear();
    dir.stop_skipping();
    dir.handshake.reset();
    dir.resync = true;
    ++stats_.resyncs;
  }
  dir.offset += missing;
  recharge(*flow, dir);
  next_.on_gap(id, flow->logical(d), missing, kind, ts);
}

void Dissector::Context::on_message(const HandshakeMessage& msg, std::uint16_t record_version) {
  ++self.stats_.handshake_messages;
  const std::uint64_t before = self.stats_.malformed;
  parse_message(msg, record_version);
  // A message that did not parse was still sent: keep its place in the history (Zeek does too).
  if (self.stats_.malformed != before && msg.type != kClientHello && msg.type != kServerHello)
    emit(HandshakeSeen{msg.type, msg.length});
}

void Dissector::Context::parse_message(const HandshakeMessage& msg, std::uint16_t record_version) {
  const ByteReader body(msg.body, 0);
  switch (msg.type) {
    case kClientHello: return client_hello(msg, record_version);
    case kServerHello: return server_hello(msg, record_version);
    case kCertificate: return certificate(msg);
    case kServerKeyExchange:
      if (auto r = parse_server_key_exchange(body, is_ecdhe(flow.cipher_suite))) emit(*r);
      else malformed(MalformedKind::MalformedServerKeyExchange, "server_key_exchange", msg, r.error());
      return;
    case kCertificateRequest:
      if (auto r = parse_certificate_request(body, flow.server_version)) emit(std::move(*r));
      else malformed(MalformedKind::MalformedCertificateRequest, "certificate_request", msg, r.error());
      return;
    default:
      emit(HandshakeSeen{msg.type, msg.length});
  }
}

void Dissector::Context::certificate(const HandshakeMessage& msg) {
  const std::size_t max_kept = self.limits_.max_certificates;
  auto r = parse_certificate(ByteReader(msg.body, 0), flow.tls13, max_kept, &self.certificates_);
  if (!r) return malformed(MalformedKind::MalformedCertificate, "certificate", msg, r.error());
  if (r->count > max_kept) ++self.stats_.certificate_chains_capped;
  emit(std::move(*r));
}

void Dissector::Context::client_hello(const HandshakeMessage& msg, std::uint16_t record_version) {
  const auto frame = frame_client_hello(ByteReader(msg.body, 0));
  if (!frame) return malformed(MalformedKind::MalformedClientHello, "client_hello", msg, frame.error());
  note_client_hello(frame->random);
  if (self.defer_hellos_) return emit(unparsed_client_hello(msg, *frame, record_version));
  ClientHello hello = parse_framed_client_hello(*frame, self.limits_.max_extensions);
  count_extension_cap(hello.extensions_error);
  hello.record_version = record_version;
  emit(std::move(hello));
}

// Bytes after the extension block are left out: only their place is kept (a hello that frames
// may carry up to max_handshake_message of them, which its parsed form never holds).
UnparsedClientHello Dissector::Context::unparsed_client_hello(const HandshakeMessage& msg, const ClientHelloFrame& frame,
                                                              std::uint16_t record_version) const {
  const auto end = msg.body.begin() + static_cast<std::ptrdiff_t>(frame.trailing_at.value_or(msg.body.size()));
  return {record_version, self.limits_.max_extensions, {msg.body.begin(), end}, frame.message_length, frame.trailing_at};
}

// Client = the side that sends the ClientHello when no SYN said otherwise. |random| is empty for
// an SSLv2 hello, which carries a challenge instead, and no key log indexes it.
void Dissector::Context::note_client_hello(std::span<const std::uint8_t> random) {
  const bool from_server_side = flow.logical(wire_dir) == Direction::ServerToClient;
  if (!flow.syn_seen && !flow.client_hello_seen && from_server_side) {
    flow.swapped = !flow.swapped;
    emit(RolesSwapped{});
  }
  flow.client_hello_seen = true;
  if (!flow.client_random_known && random.size() == flow.client_random.size()) {
    std::ranges::copy(random, flow.client_random.begin());
    flow.client_random_known = true;
  }
}

void Dissector::Context::server_hello(const HandshakeMessage& msg, std::uint16_t record_version) {
  auto r = parse_server_hello(ByteReader(msg.body, 0), self.limits_.max_extensions);
  if (!r) return malformed(MalformedKind::MalformedServerHello, "server_hello", msg, r.error());
  count_extension_cap(r->extensions_error);
  r->record_version = record_version;
  if (!r->hello_retry_request) {
    flow.server_version = r->selected_version;
    flow.cipher_suite = r->cipher_suite;
    flow.tls13 = version_rank(r->selected_version) == version::kTls13;
    // RFC 8446 §2: everything the server sends after its ServerHello is encrypted.
    if (flow.tls13) dir.encrypted = true;
    if (self.keys_ != nullptr && flow.client_random_known) install_keys(*r);
  }
  emit(std::move(*r));
}

// The ServerHello names the suite: the keys each side will use can be made now. Its direction
// is the server's; the other one the client's.
void Dissector::Context::install_keys(const ServerHello& hello) {
  DirectionState& client = flow.dir[1 - reassembly::index(wire_dir)];
  const KeysFound found = tls::install_keys(*self.keys_, flow.client_random, hello, client.keys, dir.keys);
  if (found == KeysFound::NoKeys) emit(Decryption{Decryption::Outcome::NoKeys});
  else if (found == KeysFound::UnsupportedSuite) emit(Decryption{Decryption::Outcome::UnsupportedSuite});
}

// A message past the size cap was still sent (a huge certificate chain): keep its place in the
// history, as Zeek does, and say it was not parsed. A header of an unassigned type is garbage
// (encrypted bytes read as clear after a lost ChangeCipherSpec), not a message.
void Dissector::Context::oversized_message(const HandshakeAssembler& assembler) {
  const HandshakeMessage& m = assembler.oversized();
  const auto types = handshake_type_table();
  if (std::ranges::any_of(types, [&](const RegistryEntry& e) { return e.code == m.type; }))
    emit(HandshakeSeen{m.type, m.length});
  malformed(MalformedKind::OversizedMessage, "handshake", Errc::OversizedMessage, record_offset);
}

// A record under the sender's keys: application_data (all of TLS 1.3's), an alert longer than
// a plaintext one, or a handshake record after ChangeCipherSpec.
bool Dissector::Context::is_protected(const RecordHeader& h) const {
  switch (h.content_type) {
    case content_type::kApplicationData: return true;
    case content_type::kAlert: return h.length != 2;
    case content_type::kHandshake: return dir.encrypted;
    default: return false;
  }
}

// Reported like an undecrypted one (an EncryptedRecord, or an encrypted Alert), then what it
// held; an alert is reported once, as an Alert with its contents.
void Dissector::Context::protected_record(const RecordHeader& h, std::span<const std::uint8_t> payload) {
  std::optional<Plaintext> plain = dir.keys.decrypt(h, payload);
  report_decryption();
  if (!plain) {
    ++dir.encrypted_records;
    if (h.content_type == content_type::kAlert) return emit(Alert{0, 0, true, false, h.length});
    return emit(EncryptedRecord{h.content_type, h.length});
  }
  ++self.stats_.records_decrypted;
  if (plain->content_type != content_type::kAlert) emit(EncryptedRecord{h.content_type, h.length});
  inner_record(h, *plain);
}

void Dissector::Context::inner_record(const RecordHeader& h, const Plaintext& plain) {
  switch (plain.content_type) {
    case content_type::kHandshake: {
      // Offsets inside decrypted bytes are not stream offsets: errors point at the record.
      handshake_base = std::numeric_limits<std::uint64_t>::max();
      const auto status = dir.inner_handshake.feed(plain.bytes, [&](const HandshakeMessage& m) { on_message(m, h.version); });
      if (status == HandshakeAssembler::Status::Oversized) oversized_message(dir.inner_handshake);
      return;
    }
    case content_type::kAlert:
      if (auto a = parse_alert(ByteReader(plain.bytes, 0))) {
        a->encrypted = a->decrypted = true;
        a->length = h.length;
        return emit(*a);
      }
      emit(Alert{0, 0, true, false, h.length});
      return malformed(MalformedKind::MalformedAlert, "alert", Errc::BadLength, record_offset);
    default:
      ++dir.encrypted_records;  // application data: counts toward the records kept
  }
}

// Once per direction: its records opened, or none ever will.
void Dissector::Context::report_decryption() {
  if (dir.decryption_reported) return;
  if (dir.keys.ever_decrypted()) emit(Decryption{Decryption::Outcome::Decrypted});
  else if (!dir.keys.active()) emit(Decryption{Decryption::Outcome::Failed});
  else return;
  dir.decryption_reported = true;
}

void Dissector::Context::record(const RecordHeader& h, std::span<const std::uint8_t> payload) {
  ++self.stats_.records;
  if (dir.keys.active() && is_protected(h)) return protected_record(h, payload);
  switch (h.content_type) {
    case content_type::kChangeCipherSpec:
      if (auto type = dir.handshake.pending_type()) {
        // A handshake message still incomplete when the sender switched ciphers: its length
        // field lied. Record that it was there (Zeek does too) and that it was malformed.
        emit(HandshakeSeen{*type, 0});
        malformed(MalformedKind::BadHandshakeLength, handshake_type_name(*type), Errc::BadLength, record_offset);
      }
      emit(ChangeCipherSpec{});
      // RFC 8446 §5: in TLS 1.3 the CCS is only a middlebox-compatibility no-op, and may come
      // before any ServerHello (after a HelloRetryRequest). TLS <= 1.2 sends it after one.
      if (flow.server_version != 0 && !flow.tls13) dir.encrypted = true;
      dir.handshake.reset();
      return;
    case content_type::kAlert:
      // A plaintext alert is exactly level + description; anything longer is protected.
      if (h.length == 2) {
        if (auto a = parse_alert(ByteReader(payload, 0))) return emit(*a);
      }
      ++dir.encrypted_records;
      return emit(Alert{0, 0, true, false, h.length});
    case content_type::kHandshake:
      if (!dir.encrypted) {
        handshake_base = dir.handshake.position();
        const auto status = dir.handshake.feed(payload, [&](const HandshakeMessage& m) { on_message(m, h.version); });
        if (status == HandshakeAssembler::Status::Oversized) oversized_message(dir.handshake);
        return;
      }
      [[fallthrough]];
    default:
      ++dir.encrypted_records;
      emit(EncryptedRecord{h.content_type, h.length});
  }
}

// Whether record() reads the payload: a plaintext alert or handshake record. Others (protected
// records, ChangeCipherSpec) are handled from the header alone.
bool Dissector::Context::payload_needed(const RecordHeader& h) const {
  if (dir.keys.active() && is_protected(h)) return true;
  if (h.content_type == content_type::kAlert) return h.length == 2;
  return h.content_type == content_type::kHandshake && !dir.encrypted;
}

// Takes the bytes of the record being skipped off the front of |bytes|; once it is complete,
// handles it as records() would have, stamped with this chunk like a buffered record.
void Dissector::Context::skip_record(std::span<const std::uint8_t>& bytes) {
  const std::size_t n = std::min<std::size_t>(dir.skip_left, bytes.size());
  dir.skip_left -= static_cast<std::uint32_t>(n);
  dir.skip_seen += static_cast<std::uint32_t>(n);
  bytes = bytes.subspan(n);
  if (dir.skipping()) return;
  record_offset = dir.offset;
  record(dir.skip_header, {});
  dir.offset += dir.skip_seen;
  dir.stop_skipping();
}

// Cuts complete records off the front of |bytes|; returns the bytes consumed. A record that is
// not complete stays in front unless its payload is not needed: then skip_record() takes it.
std::size_t Dissector::Context::records(std::span<const std::uint8_t> bytes) {
  std::size_t used = 0;
  while (bytes.size() - used >= kRecordHeaderSize && dir.mode == DirectionState::Mode::Tls) {
    RecordHeader h;
    read_record_header(bytes.subspan(used), h);
    if (dir.resync || !plausible_record_header(h)) {
      if (!dir.resync) malformed(MalformedKind::BadRecordHeader, "record", Errc::BadHeader, dir.offset + used);
      const std::size_t at = find_plausible_record(bytes, used);
      dir.resync = at == bytes.size();
      if (dir.resync) return bytes.size() - std::min<std::size_t>(bytes.size() - used, kRecordHeaderSize - 1);
      used = at;
      continue;
    }
    if (bytes.size() - used - kRecordHeaderSize < h.length) {
      if (payload_needed(h)) break;
      // Count the rest of this record as it arrives (skip_record) rather than buffer it.
      dir.skip_header = h;
      dir.skip_seen = static_cast<std::uint32_t>(bytes.size() - used);
      dir.skip_left = static_cast<std::uint32_t>(kRecordHeaderSize + h.length) - dir.skip_seen;
      return used;
    }
    record_offset = dir.offset + used;
    record(h, bytes.subspan(used + kRecordHeaderSize, h.length));
    used += kRecordHeaderSize + h.length;
  }
  return used;
}

// SSLv2 record: 2-byte header (high bit set, 15-bit length), then the CLIENT-HELLO.
std::size_t Dissector::Context::sslv2(std::span<const std::uint8_t> bytes) {
  const std::size_t length = static_cast<std::size_t>(bytes[0] & 0x7f) << 8 | bytes[1];
  if (bytes.size() < 2 + length) return 0;
  auto r = parse_sslv2_client_hello(ByteReader(bytes.subspan(2, length), 2));
  if (r) {
    note_client_hello({});
    emit(std::move(*r));
  } else {
    malformed(MalformedKind::MalformedClientHello, "sslv2_client_hello", r.error().code, dir.offset + r.error().offset);
  }
  dir.mode = DirectionState::Mode::Tls;
  return 2 + length;
}

// SSLv2 SERVER-HELLO: session_id_hit(1) certificate_type(1) server_version(2)
// certificate_length(2) cipher_specs_length(2) connection_id_length(2), then those fields.
std::size_t Dissector::Context::sslv2_server_hello(std::span<const std::uint8_t> bytes) {
  std::size_t length = 0;
  const std::size_t header = read_sslv2_header(bytes, length);
  if (bytes.size() < header + length) return 0;
  ByteReader body(bytes.subspan(header, length), header);
  std::uint8_t type = 0, hit = 0, cert_type = 0;
  ServerHello hello;
  body.read_u8(type);
  body.read_u8(hit);
  body.read_u8(cert_type);
  body.read_u16(hello.legacy_version);
  hello.selected_version = hello.legacy_version;
  hello.record_version = version::kSsl2;
  if (body.failed())
    malformed(MalformedKind::MalformedServerHello, "sslv2_server_hello", Errc::Truncated, dir.offset + body.offset());
  else emit(std::move(hello));
  flow.sslv2 = true;
  flow.server_version = version::kSsl2;
  dir.mode = DirectionState::Mode::Sslv2;
  return header + length;
}

// After the SSLv2 hellos every record is CLIENT-MASTER-KEY or protected: counted, not parsed.
std::size_t Dissector::Context::sslv2_records(std::span<const std::uint8_t> bytes) {
  std::size_t used = 0;
  while (true) {
    std::size_t length = 0;
    const std::size_t header = read_sslv2_header(bytes.subspan(used), length);
    if (header == 0 || bytes.size() - used < header + length) break;
    ++dir.encrypted_records;
    emit(EncryptedRecord{0, static_cast<std::uint16_t>(length)});
    used += header + length;
  }
  return used;
}

// First bytes of a direction: TLS record, SSLv2 hello, or something else.
std::size_t Dissector::Context::detect(std::span<const std::uint8_t> bytes) {
  // An SSLv2 SERVER-HELLO is only recognisable from its 7th byte on.
  const std::size_t needed = (bytes.empty() || (bytes[0] & 0x80) == 0) ? kRecordHeaderSize : 7;
  if (bytes.size() < needed) return 0;
  RecordHeader h;
  read_record_header(bytes, h);
  if (plausible_record_header(h)) {
    dir.mode = DirectionState::Mode::Tls;
    return 0;
  }
  // A TLS header whose only fault is a length over the RFC limit (2^14 + 2048): broken or hostile
  // TLS, not another protocol.
  RecordHeader shorter = h;
  shorter.length = 1;
  if (h.length > kMaxRecordPayload && plausible_record_header(shorter)) {
    malformed(MalformedKind::OversizedRecord, "record", Errc::BadLength, dir.offset);
    dir.mode = DirectionState::Mode::Tls;
    dir.resync = true;
    return bytes.size();
  }
  if (looks_like_sslv2_client_hello(bytes)) return sslv2(bytes);
  if (looks_like_sslv2_server_hello(bytes)) return sslv2_server_hello(bytes);
  // A server reply framed exactly like one record but with an impossible header (zeroed type or
  // version): broken TLS, not another protocol.
  if (flow.client_hello_seen && flow.logical(wire_dir) == Direction::ServerToClient &&
      h.length > 0 && h.length <= kMaxRecordPayload && kRecordHeaderSize + h.length == bytes.size()) {
    malformed(MalformedKind::BadRecordHeader, "record", Errc::BadHeader, dir.offset);
    dir.mode = DirectionState::Mode::Tls;
    dir.resync = true;
    return bytes.size();
  }
  // Picked up mid-stream, or the first bytes were lost: what arrives may be the tail of a record,
  // so look for the next record header rather than calling the direction non-TLS.
  if ((!flow.syn_seen && dir.offset == 0) || dir.start_lost) {
    const std::size_t at = find_plausible_record(bytes);
    dir.mode = DirectionState::Mode::Tls;
    dir.resync = at == bytes.size();
    return dir.resync ? bytes.size() : at;
  }
  const auto n = std::min(bytes.size(), kNonTlsPrefixBytes);
  emit(NonTls{std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n))});
  dir.mode = DirectionState::Mode::NonTls;
  return bytes.size();
}

std::size_t Dissector::Context::consume(std::span<const std::uint8_t> bytes) {
  switch (dir.mode) {
    case DirectionState::Mode::Detect: {
      const std::size_t used = detect(bytes);
      if (dir.mode != DirectionState::Mode::Tls && dir.mode != DirectionState::Mode::Sslv2) return used;
      return used + consume(bytes.subspan(used));
    }
    case DirectionState::Mode::Tls: return flow.sslv2 ? sslv2_records(bytes) : records(bytes);
    case DirectionState::Mode::Sslv2: return sslv2_records(bytes);
    default: return bytes.size();
  }
}

bool Dissector::on_data(FlowId id, Direction d, std::span<const std::uint8_t> bytes, Timestamp ts,
                        std::uint64_t packet_number) {
  FlowState* flow = state_for(id);
  if (flow == nullptr) return false;
  DirectionState& dir = flow->dir[reassembly::index(d)];
  Context ctx{*this, *flow, dir, d, ts, packet_number};
  if (dir.mode == DirectionState::Mode::Detect && !dir.partial.empty() && starts_hello_record(bytes)) {
    // A few bytes of another protocol, then a hello in its own segment: Postgres' SSLRequest
    // answer 'S', or a short STARTTLS reply.
    ctx.emit(NonTls{dir.partial});
    dir.offset += dir.partial.size();
    dir.partial.clear();
    dir.mode = DirectionState::Mode::Tls;
  }
  if (dir.mode == DirectionState::Mode::NonTls) {
    // STARTTLS (SMTP, IMAP, LDAP, ...): plaintext first, then a hello at a segment start.
    dir.non_tls_scanned += bytes.size();
    if (starts_hello_record(bytes)) dir.mode = DirectionState::Mode::Tls;
    else if (dir.non_tls_scanned > kStartTlsScanBytes) dir.mode = DirectionState::Mode::Done;
  }
  if (dir.skipping()) ctx.skip_record(bytes);
  if (dir.partial.empty()) {
    const std::size_t used = ctx.consume(bytes);
    dir.offset += used;
    if (used < bytes.size() && !dir.skipping() && dir.mode != DirectionState::Mode::NonTls &&
        dir.mode != DirectionState::Mode::Done)
      dir.partial.assign(bytes.begin() + static_cast<std::ptrdiff_t>(used), bytes.end());
  } else {
    dir.partial.insert(dir.partial.end(), bytes.begin(), bytes.end());
    const std::size_t used = ctx.consume(dir.partial);
    dir.offset += used;
    if (dir.skipping()) dir.partial.clear();  // the rest belongs to the record being skipped
    else dir.partial.erase(dir.partial.begin(), dir.partial.begin() + static_cast<std::ptrdiff_t>(used));
  }
  if (dir.mode == DirectionState::Mode::NonTls) dir.partial.clear();
  if (dir.mode == DirectionState::Mode::NonTls || dir.mode == DirectionState::Mode::Done) dir.stop_skipping();
  // A record or hello held here is freed once used, whatever its size: thousands of open flows
  // past their handshake would otherwise each keep a segment's worth of buffer.
  if (dir.mode == DirectionState::Mode::Done || (dir.partial.empty() && dir.partial.capacity() > 0))
    std::vector<std::uint8_t>().swap(dir.partial);
  if (dir.encrypted_records >= kEncryptedRecordsKept) dir.mode = DirectionState::Mode::Done;
  recharge(*flow, dir);
  return dir.mode != DirectionState::Mode::Done;
}

// Only the direction whose bytes came: the other one's state is in other cache lines, cold by
// then (cachegrind put a twentieth of the misses past a 2 MiB cache in reading both). What a
// direction holds changes only while its own bytes or gaps are handled.
void Dissector::recharge(FlowState& flow, DirectionState& dir) {
  if (budget_ == nullptr) return;
  const std::size_t before = flow.charged;
  if (flow.charged == 0) flow.charged = heap_block(sizeof(FlowState));
  const std::size_t now = heap_block(dir.partial.capacity()) + dir.handshake.held_bytes() + dir.inner_handshake.held_bytes();
  flow.charged = flow.charged - dir.charged + now;
  dir.charged = now;
  budget_->adjust(before, flow.charged);
}

// The slots span the oldest open flow to the newest: one for every flow opened since, closed or
// not (std::deque: 512-byte blocks and a pointer to each).
void Dissector::recharge_slots() {
  if (budget_ == nullptr) return;
  constexpr std::size_t per_block = 512 / sizeof(Slot);
  constexpr std::size_t slot_bytes = (heap_block(per_block * sizeof(Slot)) + 2 * sizeof(void*)) / per_block + 1;
  const std::size_t now = flows_.size() * slot_bytes;
  budget_->adjust(slots_charged_, now);
  slots_charged_ = now;
}

void Dissector::on_close(FlowId id, reassembly::CloseReason why, Timestamp ts, const reassembly::FlowStats& stats) {
  FlowState* found = find(id);
  if (found == nullptr) {
    if (slot(id) != nullptr) forget(id);  // never carried a byte
    return next_.on_close(id, why, ts, stats);
  }
  FlowState& flow = *found;
  for (Direction d : {Direction::ClientToServer, Direction::ServerToClient}) {
    DirectionState& dir = flow.dir[reassembly::index(d)];
    Context ctx{*this, flow, dir, d, ts, 0};
    if (dir.keys.tried() && !dir.decryption_reported) {
      // Every protected record failed to open, but fewer than it takes to give up.
      ctx.emit(Decryption{Decryption::Outcome::Failed});
      dir.decryption_reported = true;
    }
    if (dir.partial.empty() && !dir.skipping() && !dir.handshake.has_partial()) continue;
    // Bytes that never formed a whole record or message: the capture (or the peer) stopped.
    if (dir.mode == DirectionState::Mode::Detect && !dir.partial.empty() &&
        dir.partial[0] != content_type::kHandshake && (dir.partial[0] & 0x80) == 0) {
      ctx.emit(NonTls{dir.partial});
    } else {
      ctx.truncated();
    }
  }
  reassembly::FlowStats out = stats;
  if (flow.swapped) std::swap(out.dir[0], out.dir[1]);
  forget(id);
  next_.on_close(id, why, ts, out);
}

void Dissector::forget(FlowId id) {
  Slot& s = flows_[id - first_id_];
  if (budget_ != nullptr && s.state) budget_->release(s.state->charged);
  s = Slot{};
  for (; !flows_.empty() && !flows_.front().open; ++first_id_) flows_.pop_front();
  recharge_slots();
}

void Dissector::on_end(Timestamp last) { next_.on_end(last); }

}  // namespace tlsdiag::tls
