#pragma once
// TlsEvent: what the TLS dissector saw on the wire in one direction of one flow, in order.
// tls/ reports what was on the wire; analysis/ decides what it means.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "tlsdiag/reassembly/stream_sink.h"
#include "tlsdiag/tls/messages.h"
#include "tlsdiag/util/errc.h"

namespace tlsdiag::tls {

using reassembly::Direction;
using reassembly::FlowId;

// A handshake message we do not parse further (Finished, ServerHelloDone, NewSessionTicket, ...),
// or any message seen in clear, by type.
struct HandshakeSeen {
  std::uint8_t type = 0;
  std::uint32_t length = 0;
};
struct ChangeCipherSpec {};
// A record whose content is not visible: application_data, or any record after this side's
// ChangeCipherSpec / TLS 1.3 ServerHello. length is the record payload length.
struct EncryptedRecord {
  std::uint8_t content_type = 0;
  std::uint16_t length = 0;
};
// The direction's first bytes are not TLS (an HTTP request or reply, an SSH banner, ...).
struct NonTls {
  std::vector<std::uint8_t> prefix;  // up to 64 bytes as captured
};
// Bytes that claimed to be TLS but did not parse; the dissector resynchronises after it.
struct Malformed {
  std::string what;  // "client_hello", "record", ...
  Errc code = Errc::Ok;
  std::uint64_t stream_offset = 0;
};
// No SYN was seen and the ClientHello came from the side taken for the server: swap roles.
struct RolesSwapped {};
// What a key log did for a direction's protected records (only with --keylog): emitted once per
// direction when the first protected record opened (Decrypted) or nothing ever did (Failed), and
// once for the flow at the ServerHello when the key log has no secrets for it or the suite is one
// we cannot decrypt. Records that opened are followed by what they held, as if in clear.
struct Decryption {
  enum class Outcome : std::uint8_t { Decrypted, Failed, NoKeys, UnsupportedSuite };
  Outcome outcome = Outcome::Decrypted;
};

using TlsEventBody = std::variant<ClientHello, ServerHello, CertificateChain, CertificateRequest,
                                  ServerKeyExchange, HandshakeSeen, ChangeCipherSpec, Alert,
                                  EncryptedRecord, NonTls, Malformed, RolesSwapped, Decryption,
                                  UnparsedClientHello>;

struct TlsEvent {
  FlowId flow = 0;
  Direction dir = Direction::ClientToServer;
  Timestamp ts;
  std::uint64_t packet_number = 0;
  TlsEventBody body;
};

class TlsEventSink : public reassembly::FlowLifecycleSink {
 public:
  virtual void on_tls(const TlsEvent& event) = 0;
  // The same event, handed over: a sink that keeps parts of it (the correlator keeps the hellos
  // and the certificates) moves them out instead of copying. The dissector emits through this.
  virtual void take_tls(TlsEvent&& event) { on_tls(event); }
};

}  // namespace tlsdiag::tls
