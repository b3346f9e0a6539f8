// The event thread's hand-over (app::EventThread): the dissector's calls to a sink that only
// counts them, made directly (Arg 0) or through the event thread (Arg 1), so the difference is
// what a call costs the two threads. An encrypted record travels inside its call; a ClientHello
// (parsed once, copied into each event as the dissector's parse would allocate it) beside it.
#include <benchmark/benchmark.h>

#include <memory>

#include "app/event_thread.h"
#include "bench_inputs.h"
#include "tlsdiag/tls/hello_parsers.h"

namespace tlsdiag::bench {
namespace {

template <class MakeBody>
void hand_over(benchmark::State& state, MakeBody make_body) {
  CountingTlsSink counted;
  std::unique_ptr<app::EventThread> threaded;
  if (state.range(0) == 1) threaded = std::make_unique<app::EventThread>(counted, nullptr);
  tls::TlsEventSink& sink = threaded ? static_cast<tls::TlsEventSink&>(*threaded) : counted;
  std::uint64_t n = 0;
  for (auto _ : state)
    sink.take_tls(tls::TlsEvent{1, reassembly::Direction::ServerToClient, Timestamp{}, ++n, make_body()});
  if (threaded) threaded->drain();
  if (counted.events != n) state.SkipWithError("events lost");
  state.SetItemsProcessed(state.iterations());
}

void BM_EventThreadEncryptedRecord(benchmark::State& state) {
  hand_over(state, [] { return tls::EncryptedRecord{23, 1400}; });
}
BENCHMARK(BM_EventThreadEncryptedRecord)->Arg(0)->Arg(1)->UseRealTime();

void BM_EventThreadClientHello(benchmark::State& state) {
  const Bytes message = browser_client_hello();
  const auto parsed = tls::parse_client_hello(ByteReader(std::span<const std::uint8_t>(message).subspan(4)));
  if (!parsed) return state.SkipWithError("ClientHello did not parse");
  hand_over(state, [&] { return *parsed; });
}
BENCHMARK(BM_EventThreadClientHello)->Arg(0)->Arg(1)->UseRealTime();

}  // namespace
}  // namespace tlsdiag::bench
