// Flow lookup: StreamTable::on_segment for a pure ACK on one of N open connections, visited in a
// scrambled order: the 5-tuple hash, the open-addressing index probe and the flow's slot. With
// thousands of flows every lookup misses the cache, as in a real capture.
#include <benchmark/benchmark.h>

#include <numeric>

#include "bench_inputs.h"
#include "tlsdiag/reassembly/flow_index.h"
#include "tlsdiag/reassembly/stream_table.h"

namespace tlsdiag::bench {
namespace {

namespace flags = net::tcp_flags;

net::Endpoint client(std::size_t i) {
  net::Endpoint ep;
  ep.ip.family = 4;
  ep.ip.bytes[0] = 10;
  ep.ip.bytes[1] = static_cast<std::uint8_t>(i >> 16);
  ep.ip.bytes[2] = static_cast<std::uint8_t>(i >> 8);
  ep.ip.bytes[3] = static_cast<std::uint8_t>(i);
  ep.port = static_cast<std::uint16_t>(32768 + i % 28000);
  return ep;
}

net::Endpoint server(std::size_t i) {
  net::Endpoint ep;
  ep.ip.family = 4;
  ep.ip.bytes = {172, 16, 0, static_cast<std::uint8_t>(1 + i % 150)};
  ep.port = 443;
  return ep;
}

// A visiting order that jumps around the table (a multiplicative permutation of 0..n-1).
std::vector<std::uint32_t> scrambled(std::size_t n) {
  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>((i * 2654435761u) % n);
  return order;
}

void BM_FlowLookup(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  NullStreamSink sink;
  reassembly::StreamTable table(sink);
  std::vector<net::Segment> acks(n);
  Timestamp now{1'700'000'000'000'000'000};
  for (std::size_t i = 0; i < n; ++i) {
    net::Segment syn;
    syn.src = client(i);
    syn.dst = server(i);
    syn.flags = flags::kSyn;
    syn.seq = 1000;
    syn.ts = now;
    table.on_segment(syn);
    acks[i] = syn;
    acks[i].flags = flags::kAck;
    acks[i].seq = 1001;
  }
  const std::vector<std::uint32_t> order = scrambled(n);
  std::size_t k = 0;
  for (auto _ : state) {
    net::Segment& ack = acks[order[k]];
    ack.ts = now;
    table.on_segment(ack);
    if (++k == n) k = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["open_flows"] = static_cast<double>(table.open_flows());
}
BENCHMARK(BM_FlowLookup)->Arg(64)->Arg(5000)->Arg(100000);

// The index alone: hash_tuple and SlotIndex::find (the key check reads a separate array).
void BM_SlotIndexFind(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<reassembly::TupleKey> keys(n);
  std::vector<std::uint64_t> hashes(n);
  reassembly::SlotIndex index;
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = reassembly::TupleKey::of(client(i), server(i));
    hashes[i] = reassembly::hash_tuple(keys[i]);
    index.insert(hashes[i], static_cast<std::uint32_t>(i));
  }
  const std::vector<std::uint32_t> order = scrambled(n);
  std::size_t k = 0;
  for (auto _ : state) {
    const reassembly::TupleKey& key = keys[order[k]];
    const std::uint32_t slot = index.find(reassembly::hash_tuple(key), [&](std::uint32_t s) { return keys[s] == key; });
    benchmark::DoNotOptimize(slot);
    if (++k == n) k = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SlotIndexFind)->Arg(64)->Arg(5000)->Arg(100000);

}  // namespace
}  // namespace tlsdiag::bench
