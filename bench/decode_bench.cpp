// Decode: PacketDecoder from an Ethernet frame to a TCP Segment (link, IPv4, TCP headers).
#include <benchmark/benchmark.h>

#include "bench_inputs.h"
#include "tlsdiag/capture/packet.h"
#include "tlsdiag/net/packet_decoder.h"

namespace tlsdiag::bench {
namespace {

constexpr int kLinkTypeEthernet = 1;

// RFC 7323 timestamps, padded as Linux sends them: NOP NOP TS(10).
const Bytes kTimestampOption = {0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2};

void decode(benchmark::State& state, std::size_t payload_bytes) {
  test::TcpSpec tcp;
  tcp.options = kTimestampOption;
  const Bytes frame = test::eth_ipv4_tcp(tcp, Bytes(payload_bytes, 0x17));
  CountingSegmentSink sink;
  net::PacketDecoder decoder(sink);
  capture::Packet packet;
  packet.link_type = kLinkTypeEthernet;
  packet.data = frame;
  packet.wire_len = static_cast<std::uint32_t>(frame.size());
  for (auto _ : state) {
    ++packet.number;
    decoder.on_packet(packet);
  }
  benchmark::DoNotOptimize(sink.segments);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame.size()));
}

// A full-sized data frame (1514 bytes), most of a capture's bytes.
void BM_DecodeDataFrame(benchmark::State& state) { decode(state, kMss); }
BENCHMARK(BM_DecodeDataFrame);

// A pure ACK (66 bytes), about half of a capture's packets.
void BM_DecodeAck(benchmark::State& state) { decode(state, 0); }
BENCHMARK(BM_DecodeAck);

}  // namespace
}  // namespace tlsdiag::bench
