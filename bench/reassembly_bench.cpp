// Reassembly: DirectionBuffer::add for a direction's segments, in order (delivered as views of the
// segment, no copy) and with every pair swapped (the first one held, then both delivered), and
// the whole StreamTable path for one connection's data.
#include <benchmark/benchmark.h>

#include "bench_inputs.h"
#include "tlsdiag/reassembly/direction_buffer.h"
#include "tlsdiag/reassembly/stream_table.h"

namespace tlsdiag::bench {
namespace {

class CountingDelivery final : public reassembly::DeliverySink {
 public:
  bool deliver(std::span<const std::uint8_t> data, const reassembly::Origin&) override {
    bytes += data.size();
    return true;
  }
  void skip(std::uint64_t, reassembly::GapKind) override {}
  std::uint64_t bytes = 0;
};

void BM_ReassemblyInOrder(benchmark::State& state) {
  const Bytes payload(kMss, 0x17);
  reassembly::DirectionBuffer buffer;
  CountingDelivery out;
  std::uint32_t seq = 1000;
  buffer.start(seq);
  for (auto _ : state) {
    buffer.add(seq, payload, kMss, reassembly::Origin{}, out);
    seq += kMss;
  }
  benchmark::DoNotOptimize(out.bytes);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kMss));
}
BENCHMARK(BM_ReassemblyInOrder);

void BM_ReassemblySwappedPairs(benchmark::State& state) {
  const Bytes payload(kMss, 0x17);
  reassembly::DirectionBuffer buffer;
  CountingDelivery out;
  std::uint32_t seq = 1000;
  buffer.start(seq);
  for (auto _ : state) {
    buffer.add(seq + kMss, payload, kMss, reassembly::Origin{}, out);  // held (copied)
    buffer.add(seq, payload, kMss, reassembly::Origin{}, out);         // fills the hole: both go
    seq += 2 * kMss;
  }
  benchmark::DoNotOptimize(out.bytes);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(2 * kMss));
}
BENCHMARK(BM_ReassemblySwappedPairs);

// StreamTable::on_segment for data segments of one open connection: lookup, bookkeeping,
// DirectionBuffer, delivery to the next stage.
void BM_StreamTableData(benchmark::State& state) {
  const Bytes payload(kMss, 0x17);
  NullStreamSink sink;
  reassembly::StreamTable table(sink);
  net::Segment seg;
  seg.src.ip.bytes = {10, 0, 0, 1};
  seg.src.port = 40000;
  seg.dst.ip.bytes = {172, 16, 0, 1};
  seg.dst.port = 443;
  seg.flags = net::tcp_flags::kSyn;
  seg.seq = 999;
  table.on_segment(seg);
  seg.flags = net::tcp_flags::kAck | net::tcp_flags::kPsh;
  seg.seq = 1000;
  seg.payload = payload;
  seg.payload_len = kMss;
  for (auto _ : state) {
    ++seg.packet_number;
    table.on_segment(seg);
    seg.seq += kMss;
  }
  benchmark::DoNotOptimize(sink.bytes);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kMss));
}
BENCHMARK(BM_StreamTableData);

}  // namespace
}  // namespace tlsdiag::bench
