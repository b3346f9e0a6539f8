// Record scan: cutting TLS records out of reassembled bytes. The record layer alone (header read
// and plausibility check over a stream of records, resynchronisation over noise), and the
// Dissector over a whole TLS 1.3 connection as TCP delivers it: the ClientHello, then the
// server's flight and 16 KiB application_data records in MSS-sized chunks (headers split across
// chunks, protected payloads counted, not buffered) until the direction is done.
#include <benchmark/benchmark.h>

#include <random>

#include "bench_inputs.h"
#include "tlsdiag/tls/dissector.h"
#include "tlsdiag/tls/record.h"

namespace tlsdiag::bench {
namespace {

constexpr std::uint8_t kHandshake = 22;

void BM_RecordHeaderScan(benchmark::State& state) {
  Bytes stream;
  for (int i = 0; i < 64; ++i) {
    const Bytes r = test::opaque_record(1024 + 37 * i);
    stream.insert(stream.end(), r.begin(), r.end());
  }
  std::uint64_t records = 0;
  for (auto _ : state) {
    std::size_t used = 0;
    tls::RecordHeader h;
    while (tls::read_record_header(std::span<const std::uint8_t>(stream).subspan(used), h) &&
           tls::plausible_record_header(h)) {
      used += tls::kRecordHeaderSize + h.length;
      ++records;
    }
    benchmark::DoNotOptimize(used);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}
BENCHMARK(BM_RecordHeaderScan);

void BM_FindPlausibleRecord(benchmark::State& state) {
  Bytes noise(64 * 1024);
  std::mt19937 rng(7);
  for (std::uint8_t& b : noise) b = static_cast<std::uint8_t>(rng() % 20);  // never a content type
  for (auto _ : state) benchmark::DoNotOptimize(tls::find_plausible_record(noise));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(noise.size()));
}
BENCHMARK(BM_FindPlausibleRecord);

void BM_DissectTls13Connection(benchmark::State& state) {
  const Bytes client = test::record(kHandshake, 0x0301, browser_client_hello());
  test::ServerHelloSpec hello;
  hello.cipher_suite = 0x1301;
  hello.session_id = Bytes(32, 0x5a);
  hello.extensions = std::vector<Bytes>{test::ext_selected_version(0x0304), test::ext_key_share_server(0x001d)};
  Bytes server = test::record(kHandshake, 0x0303, test::server_hello(hello));
  const Bytes ccs = test::change_cipher_spec_record();
  server.insert(server.end(), ccs.begin(), ccs.end());
  for (int i = 0; i < 20; ++i) {
    const Bytes r = test::opaque_record(i < 4 ? 300 + 50 * i : 16384);
    server.insert(server.end(), r.begin(), r.end());
  }
  CountingTlsSink sink;
  tls::Dissector dissector(sink);
  reassembly::FlowInfo info;
  info.syn_seen = true;
  const Timestamp ts{1'700'000'000'000'000'000};
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    ++info.id;
    dissector.on_open(info);
    dissector.on_data(info.id, reassembly::Direction::ClientToServer, client, ts, 4);
    bytes += client.size();
    for (std::size_t at = 0; at < server.size(); at += kMss) {
      const auto chunk = std::span<const std::uint8_t>(server).subspan(at, std::min(kMss, server.size() - at));
      bytes += chunk.size();
      if (!dissector.on_data(info.id, reassembly::Direction::ServerToClient, chunk, ts, 5)) break;
    }
    dissector.on_close(info.id, reassembly::CloseReason::Fin, ts, reassembly::FlowStats{});
  }
  benchmark::DoNotOptimize(sink.events);
  state.SetItemsProcessed(state.iterations());  // connections
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_DissectTls13Connection);

}  // namespace
}  // namespace tlsdiag::bench
