#pragma once
// Fixtures for the live-mode tests: a TCP conversation between one client and one server as
// Ethernet frames with timestamps, fed to a PacketSink the way LiveSource feeds it; a FlowSink
// that records what reaches it; reading a capture file back; reading a text file.
//
//   Conversation talk({.client_port = 40001});
//   talk.handshake(sink);                            // SYN, SYN-ACK, ACK
//   talk.c2s(sink, client_hello_record());           // data, with the sequence numbers kept
//   talk.wait(2'000'000'000);                        // time passes (ns)
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "support/packet_builder.h"
#include "support/tls_builder.h"
#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/capture/link_types.h"
#include "tlsdiag/capture/packet_sink.h"

namespace tlsdiag::test {

class RecordingFlowSink : public analysis::FlowSink {
 public:
  void on_flow(const analysis::FlowRecord& flow) override { flows.push_back(flow); }
  void on_input_done(const analysis::InputResult&) override {}
  void on_finish() override {}
  std::vector<analysis::FlowRecord> flows;
};

struct ConversationSpec {
  std::string client_ip = "192.0.2.1";
  std::string server_ip = "198.51.100.2";
  std::uint16_t client_port = 40000;
  std::uint16_t server_port = 443;
  std::int64_t start_ns = 1'700'000'000'000'000'000;
};

class Conversation {
 public:
  explicit Conversation(ConversationSpec spec = {}) : spec_(spec), now_ns_(spec.start_ns) {}

  void c2s(capture::PacketSink& sink, std::span<const std::uint8_t> payload = {},
           std::uint8_t flags = net::tcp_flags::kAck | net::tcp_flags::kPsh) {
    send(sink, true, flags, payload);
  }
  void s2c(capture::PacketSink& sink, std::span<const std::uint8_t> payload = {},
           std::uint8_t flags = net::tcp_flags::kAck | net::tcp_flags::kPsh) {
    send(sink, false, flags, payload);
  }
  void handshake(capture::PacketSink& sink) {
    c2s(sink, {}, net::tcp_flags::kSyn);
    s2c(sink, {}, net::tcp_flags::kSyn | net::tcp_flags::kAck);
    c2s(sink, {}, net::tcp_flags::kAck);
  }
  void wait(std::int64_t ns) { now_ns_ += ns; }
  Timestamp now() const { return Timestamp{now_ns_}; }
  // Every frame sent so far, in order (their bytes back the Packets handed out).
  const std::deque<Bytes>& frames() const { return frames_; }

 private:
  void send(capture::PacketSink& sink, bool from_client, std::uint8_t flags, std::span<const std::uint8_t> payload) {
    std::uint32_t& seq = from_client ? client_seq_ : server_seq_;
    const std::uint32_t ack = from_client ? server_seq_ : client_seq_;
    TcpSpec t;
    t.src_port = from_client ? spec_.client_port : spec_.server_port;
    t.dst_port = from_client ? spec_.server_port : spec_.client_port;
    t.seq = seq;
    t.ack = (flags & net::tcp_flags::kAck) ? ack : 0;
    t.flags = flags;
    Ipv4Spec ip;
    ip.src = from_client ? spec_.client_ip : spec_.server_ip;
    ip.dst = from_client ? spec_.server_ip : spec_.client_ip;
    frames_.push_back(eth_ipv4_tcp(t, payload, ip));
    // SYN and FIN take one sequence number (RFC 9293 §3.4).
    seq += static_cast<std::uint32_t>(payload.size()) + ((flags & (net::tcp_flags::kSyn | net::tcp_flags::kFin)) ? 1 : 0);
    now_ns_ += 1'000'000;  // 1 ms between packets
    capture::Packet p;
    p.ts = Timestamp{now_ns_};
    p.data = frames_.back();
    p.wire_len = static_cast<std::uint32_t>(frames_.back().size());
    p.link_type = capture::link_type::kEthernet;
    p.number = ++number_;
    sink.on_packet(p);
  }

  ConversationSpec spec_;
  std::int64_t now_ns_;
  std::uint32_t client_seq_ = 1000;
  std::uint32_t server_seq_ = 5000;
  std::uint64_t number_ = 0;
  std::deque<Bytes> frames_;
};

// A TLS 1.2-only ClientHello for example.com, in a record.
inline Bytes tls12_client_hello_record() {
  ClientHelloSpec spec;
  spec.cipher_suites = {0xc02f};
  spec.extensions = std::vector<Bytes>{ext_server_name("example.com")};
  return record(22, 0x0301, client_hello(spec));
}

struct ReadBack {
  std::vector<capture::Packet> packets;  // data points into |bytes|
  std::deque<Bytes> bytes;
  std::string error;
  int link_type = 0;
};

// Every packet of a capture file, read with libpcap (capture::FileSource).
inline ReadBack read_capture(const std::filesystem::path& path) {
  struct Keep : capture::PacketSink {
    explicit Keep(ReadBack& r) : out(r) {}
    void on_packet(const capture::Packet& p) override {
      out.bytes.emplace_back(p.data.begin(), p.data.end());
      capture::Packet copy = p;
      copy.data = out.bytes.back();
      out.packets.push_back(copy);
    }
    void on_end(Timestamp) override {}
    ReadBack& out;
  };
  ReadBack result;
  capture::FileSource source(path.string());
  if (auto error = source.open()) {
    result.error = error->message;
    return result;
  }
  result.link_type = source.info().link_type;
  Keep keep(result);
  if (auto error = source.run(keep)) result.error = error->message;
  return result;
}

// The whole content of a text file.
inline std::string slurp(const std::filesystem::path& path) {
  std::string out;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

}  // namespace tlsdiag::test
