// ClientHello parse: parse_client_hello on a browser's ClientHello (16 suites, 16 extensions),
// and the ServerHello of TLS 1.3 for comparison.
#include <benchmark/benchmark.h>

#include "bench_inputs.h"
#include "tlsdiag/tls/hello_parsers.h"

namespace tlsdiag::bench {
namespace {

constexpr std::size_t kHandshakeHeader = 4;

void BM_ParseClientHello(benchmark::State& state) {
  const Bytes message = browser_client_hello();
  const auto body = std::span<const std::uint8_t>(message).subspan(kHandshakeHeader);
  for (auto _ : state) {
    auto hello = tls::parse_client_hello(ByteReader(body));
    benchmark::DoNotOptimize(hello);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParseClientHello);

void BM_ParseServerHello(benchmark::State& state) {
  test::ServerHelloSpec spec;
  spec.cipher_suite = 0x1302;
  spec.session_id = Bytes(32, 0x5a);
  spec.extensions = std::vector<Bytes>{test::ext_selected_version(0x0304), test::ext_key_share_server(0x001d)};
  const Bytes message = test::server_hello(spec);
  const auto body = std::span<const std::uint8_t>(message).subspan(kHandshakeHeader);
  for (auto _ : state) {
    auto hello = tls::parse_server_hello(ByteReader(body));
    benchmark::DoNotOptimize(hello);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseServerHello);

}  // namespace
}  // namespace tlsdiag::bench
