#include "pipeline.h"

#include <optional>

#include "event_thread.h"
#include "tlsdiag/analysis/correlator.h"
#include "tlsdiag/analysis/finalizer.h"
#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/capture/merged_source.h"
#include "tlsdiag/capture/read_ahead.h"
#include "tlsdiag/net/packet_decoder.h"
#include "tlsdiag/reassembly/stream_table.h"
#include "tlsdiag/tls/dissector.h"

namespace tlsdiag::app {

namespace {

// Packet kinds, a header cut by the snapshot length, then TLS kinds (analysis/input_counters.h).
void count_malformed(analysis::InputStats& s, const net::DecodeStats& d, const tls::DissectorStats& t) {
  for (net::MalformedKind k : net::kMalformedKinds) s.malformed_by_kind[analysis::kind_index(k)] = d.malformed_count(k);
  s.malformed_by_kind[analysis::kTruncatedHeaderKind] = d.truncated_headers;
  for (std::size_t i = 0; i < tls::kMalformedKindCount; ++i)
    s.malformed_by_kind[analysis::kFirstTlsKind + i] = t.malformed_by_kind[i];
}

// Each cap's counter is the stage's own: nothing is counted twice.
void count_caps(analysis::InputStats& s, const reassembly::ReassemblyStats& r, const tls::DissectorStats& t,
                const analysis::CorrelatorStats& correlator) {
  using analysis::Cap;
  auto cap = [&s](Cap c) -> std::uint64_t& { return s.caps_hit[static_cast<std::size_t>(c)]; };
  cap(Cap::ReassemblyBuffer) = r.bytes_cap_hits;
  cap(Cap::OutOfOrderSegments) = r.segments_cap_hits;
  cap(Cap::HandshakeMessage) = t.malformed_count(tls::MalformedKind::OversizedMessage);
  cap(Cap::Certificates) = t.certificate_chains_capped;
  cap(Cap::Extensions) = t.hellos_extensions_capped + correlator.client_hellos_extensions_capped;
  cap(Cap::Flows) = r.flows_evicted - r.memory_evictions;
  cap(Cap::Memory) = r.memory_evictions;
}

}  // namespace

analysis::InputStats input_stats(const net::DecodeStats& d, const reassembly::ReassemblyStats& r,
                                 const tls::DissectorStats& t, const analysis::CorrelatorStats& c) {
  analysis::InputStats s;
  s.packets = d.packets;
  s.bytes = d.bytes;
  s.wire_bytes = d.wire_bytes;
  s.tcp_packets = d.tcp_packets;
  s.non_ip = d.non_ip;
  s.non_tcp = d.non_tcp;
  s.truncated_packets = d.truncated_packets;
  s.ip_fragments = d.ip_fragments;
  s.malformed = d.malformed + d.truncated_headers;
  s.unsupported_link = d.unsupported_link;
  s.flows_seen = r.flows_seen;
  s.flows_evicted = r.flows_evicted;
  s.flows_reported = c.flows_reported;
  s.flows_not_tls = c.flows_not_tls;
  s.flows_without_payload = c.flows_without_payload;
  count_malformed(s, d, t);
  count_caps(s, r, t, c);
  return s;
}

std::string memory_note(std::uint64_t evicted, std::size_t limit) {
  return std::to_string(evicted) + " flows evicted early (judged on what they had sent) to stay under the memory limit of " +
         std::to_string(limit >> 20) + " MiB (--memory-limit)";
}

namespace {

// Source -> PacketDecoder -> StreamTable -> Dissector -> [EventThread ->] Correlator ->
// Finalizer -> |report|, for an opened capture::FileSource or capture::MergedSource. With an
// event thread, flows are correlated, judged and reported on it.
template <class Source>
void run_chain(Source& source, const PipelineOptions& options, analysis::FlowSink& report,
               analysis::InputResult& result) {
  MemoryBudget budget(options.memory_limit);  // first: the stages charge it until they are gone
  MemoryBudget correlator_budget;  // with an event thread: what the correlator holds, charged on it
  analysis::Finalizer finalizer(report, options.trust);
  analysis::Correlator correlator(finalizer, result.info.path, /*ordered=*/options.order == FlowOrder::Start);
  correlator.defer_finalize();
  std::optional<EventThread> event_thread;
  if (options.event_thread) {
    event_thread.emplace(correlator, &correlator_budget);
    event_thread->set_memory_budget(&budget);
    correlator.set_memory_budget(&correlator_budget);
  } else {
    correlator.set_memory_budget(&budget);
  }
  tls::Dissector dissector(event_thread ? static_cast<tls::TlsEventSink&>(*event_thread) : correlator, options.keys,
                           options.tls);
  reassembly::ReassemblyLimits limits = options.reassembly;
  limits.max_flows = options.max_flows;
  if (event_thread) dissector.defer_client_hellos();  // parsed on the event thread
  reassembly::StreamTable streams(dissector, limits);
  streams.set_memory_budget(&budget);
  dissector.set_memory_budget(&budget);
  net::PacketDecoder decoder(streams);
  auto read = [&source](capture::PacketSink& sink, const std::atomic<bool>* stop) { return source.run(sink, stop); };
  if (auto err = options.read_ahead ? capture::read_ahead(read, decoder) : read(decoder, nullptr)) {
    result.error = err->message;
    result.error_offset = err->offset;
  }
  if (event_thread) event_thread->drain();  // the caller reports the input once its flows are in
  result.info = source.info();  // run() may add notes
  result.stats = input_stats(decoder.stats(), streams.stats(), dissector.stats(), correlator.stats());
  if (const std::uint64_t n = streams.stats().memory_evictions; n > 0)
    result.info.notes.push_back(memory_note(n, options.memory_limit));
}

template <class Source>
analysis::InputResult open_and_run(Source& source, const std::string& path, const PipelineOptions& options,
                                   analysis::FlowSink& report) {
  analysis::InputResult result;
  result.info.path = path;
  if (auto err = source.open()) {
    result.error = err->message;
    result.error_offset = err->offset;
    return result;
  }
  result.info = source.info();
  run_chain(source, options, report, result);
  return result;
}

}  // namespace

analysis::InputResult analyze_file(const std::string& path, const PipelineOptions& options, analysis::FlowSink& report) {
  return analyze_input({path}, options, report);
}

analysis::InputResult analyze_input(const std::vector<std::string>& paths, const PipelineOptions& options,
                                    analysis::FlowSink& report, std::atomic<std::uint64_t>* progress) {
  const capture::FileSourceOptions source_options{options.bpf_filter, progress};
  if (paths.size() == 1) {
    capture::FileSource source(paths.front(), source_options);
    return open_and_run(source, paths.front(), options, report);
  }
  capture::MergedSource source(paths, source_options);
  analysis::InputResult result = open_and_run(source, paths.empty() ? std::string() : paths.front(), options, report);
  if (!result.info.parts.empty()) return result;
  result.info.parts = paths;  // open() failed: still say which files the input was
  return result;
}

}  // namespace tlsdiag::app
