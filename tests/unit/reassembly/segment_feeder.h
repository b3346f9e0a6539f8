#pragma once
// SegmentFeeder: builds net::Segment values for one client/server pair and feeds them to a
// SegmentSink, numbering packets 1, 2, ... at 1 ms apart (ts = packet number * 1'000'000 ns).
//
//   SegmentFeeder wire(table);
//   wire.c2s({.flags = kSyn, .seq = 1000});
//   wire.s2c({.flags = kSyn | kAck, .seq = 5000, .ack = 1001});
//   wire.c2s({.flags = kAck | kPsh, .seq = 1001, .ack = 5001, .payload = "hello"});
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tlsdiag/net/segment_sink.h"

namespace tlsdiag::test {

inline constexpr std::uint8_t kFin = net::tcp_flags::kFin;
inline constexpr std::uint8_t kSyn = net::tcp_flags::kSyn;
inline constexpr std::uint8_t kRst = net::tcp_flags::kRst;
inline constexpr std::uint8_t kPsh = net::tcp_flags::kPsh;
inline constexpr std::uint8_t kAck = net::tcp_flags::kAck;

inline net::Endpoint ipv4_endpoint(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                                   std::uint16_t port) {
  net::Endpoint ep;
  ep.ip.family = 4;
  ep.ip.bytes[0] = a;
  ep.ip.bytes[1] = b;
  ep.ip.bytes[2] = c;
  ep.ip.bytes[3] = d;
  ep.port = port;
  return ep;
}

struct SegmentSpec {
  std::uint8_t flags = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::string_view payload = {};  // the captured bytes
  std::uint32_t wire_len = 0;     // payload length per the IP header; 0: payload.size()
  std::uint8_t ttl = 0;           // 0: the sender's default
};

class SegmentFeeder {
 public:
  explicit SegmentFeeder(net::SegmentSink& sink) : sink_(sink) {}

  net::Endpoint client = ipv4_endpoint(10, 0, 0, 1, 50000);
  net::Endpoint server = ipv4_endpoint(10, 0, 0, 2, 443);
  std::uint8_t client_ttl = 64;
  std::uint8_t server_ttl = 128;

  net::Segment c2s(const SegmentSpec& spec) { return send(client, server, client_ttl, spec); }
  net::Segment s2c(const SegmentSpec& spec) { return send(server, client, server_ttl, spec); }
  net::Segment send(const net::Endpoint& src, const net::Endpoint& dst, std::uint8_t default_ttl,
                    const SegmentSpec& spec) {
    net::Segment seg;
    seg.src = src;
    seg.dst = dst;
    seg.seq = spec.seq;
    seg.ack = spec.ack;
    seg.flags = spec.flags;
    seg.window = 65535;
    seg.ttl = spec.ttl != 0 ? spec.ttl : default_ttl;
    // A buffer reused and scribbled over after each call, so a view kept past on_segment shows.
    buffer_.assign(spec.payload.begin(), spec.payload.end());
    seg.payload = buffer_;
    seg.payload_len =
        spec.wire_len != 0 ? spec.wire_len : static_cast<std::uint32_t>(spec.payload.size());
    seg.packet_number = ++packets_;
    seg.ts = now();
    sink_.on_segment(seg);
    std::fill(buffer_.begin(), buffer_.end(), std::uint8_t{0xEE});
    seg.payload = {};
    return seg;
  }
  std::uint64_t packets() const { return packets_; }
  Timestamp now() const {
    return Timestamp{static_cast<std::int64_t>(packets_) * 1'000'000 + extra_ns_};
  }
  // Moves the clock on by ns on top of the 1 ms per packet.
  void wait(std::int64_t ns) { extra_ns_ += ns; }
  void end() { sink_.on_end(now()); }

 private:
  net::SegmentSink& sink_;
  std::uint64_t packets_ = 0;
  std::int64_t extra_ns_ = 0;
  std::vector<std::uint8_t> buffer_;
};

}  // namespace tlsdiag::test
