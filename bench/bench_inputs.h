#pragma once
// Inputs shared by the micro-benchmarks: realistic frames and TLS bytes built with the test
// builders, and sinks that only count, so a benchmark measures one stage.
#include <cstdint>
#include <string_view>
#include <vector>

#include "support/packet_builder.h"
#include "support/tls_builder.h"
#include "tlsdiag/net/segment_sink.h"
#include "tlsdiag/reassembly/stream_sink.h"
#include "tlsdiag/tls/tls_event_sink.h"

namespace tlsdiag::bench {

using test::Bytes;

// MSS 1448 with TCP timestamps: the 1514-byte frames of a bulk transfer.
inline constexpr std::size_t kMss = 1448;

// A ClientHello as a current browser sends it: GREASE, 16 suites, SNI, ALPN, groups, signature
// algorithms, key_share, PSK modes, supported_versions (about 500 bytes).
inline Bytes browser_client_hello(std::string_view sni = "www.example.com") {
  test::ClientHelloSpec spec;
  spec.session_id = Bytes(32, 0x5a);
  spec.cipher_suites = {0x3a3a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
                        0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
  spec.extensions = std::vector<Bytes>{
      test::extension(0x2a2a),
      test::ext_server_name(sni),
      test::extension(0x0017),                    // extended_master_secret
      test::extension(0xff01, Bytes{0x00}),       // renegotiation_info
      test::ext_supported_groups({0x4a4a, 0x001d, 0x0017, 0x0018}),
      test::ext_ec_point_formats({0x00}),
      test::extension(0x0023),                    // session_ticket
      test::ext_alpn({"h2", "http/1.1"}),
      test::extension(0x0005, Bytes{0x01, 0x00, 0x00, 0x00, 0x00}),  // status_request
      test::ext_signature_algorithms({0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601}),
      test::extension(0x0012),                    // signed_certificate_timestamp
      test::ext_key_share_client({0x1a1a, 0x001d}, 32),
      test::ext_psk_key_exchange_modes({0x01}),
      test::ext_supported_versions({0x5a5a, 0x0304, 0x0303}),
      test::extension(0x001b, Bytes{0x02, 0x00, 0x02}),  // compress_certificate
      test::extension(0xdada, Bytes{0x00}),
  };
  return test::client_hello(spec);
}

// Counts segments; the decoder benchmarks' sink.
class CountingSegmentSink final : public net::SegmentSink {
 public:
  void on_segment(const net::Segment& segment) override { bytes += segment.payload.size(); ++segments; }
  void on_end(Timestamp) override {}
  std::uint64_t segments = 0;
  std::uint64_t bytes = 0;
};

// Takes every stream byte (on_data returns |want_data|) and drops it.
class NullStreamSink final : public reassembly::StreamSink {
 public:
  explicit NullStreamSink(bool want_data = true) : want_data_(want_data) {}
  void on_open(const reassembly::FlowInfo&) override {}
  void on_tcp(reassembly::FlowId, const reassembly::TcpEvent&) override {}
  void on_gap(reassembly::FlowId, reassembly::Direction, std::uint64_t, reassembly::GapKind, Timestamp) override {}
  void on_close(reassembly::FlowId, reassembly::CloseReason, Timestamp, const reassembly::FlowStats&) override {}
  void on_end(Timestamp) override {}
  bool on_data(reassembly::FlowId, reassembly::Direction, std::span<const std::uint8_t> data, Timestamp,
               std::uint64_t) override {
    bytes += data.size();
    return want_data_;
  }
  std::uint64_t bytes = 0;

 private:
  bool want_data_;
};

// Counts TLS events and drops them.
class CountingTlsSink final : public tls::TlsEventSink {
 public:
  void on_open(const reassembly::FlowInfo&) override {}
  void on_tcp(reassembly::FlowId, const reassembly::TcpEvent&) override {}
  void on_gap(reassembly::FlowId, reassembly::Direction, std::uint64_t, reassembly::GapKind, Timestamp) override {}
  void on_close(reassembly::FlowId, reassembly::CloseReason, Timestamp, const reassembly::FlowStats&) override {}
  void on_end(Timestamp) override {}
  void on_tls(const tls::TlsEvent&) override { ++events; }
  std::uint64_t events = 0;
};

}  // namespace tlsdiag::bench
