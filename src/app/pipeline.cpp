#include "pipeline.h"

#include "tlsdiag/analysis/correlator.h"
#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/net/packet_decoder.h"
#include "tlsdiag/reassembly/stream_table.h"
#include "tlsdiag/tls/dissector.h"

namespace tlsdiag::app {

analysis::InputStats input_stats(const net::DecodeStats& d, const reassembly::ReassemblyStats& r) {
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
  return s;
}

analysis::InputResult analyze_file(const std::string& path, const PipelineOptions& options, analysis::FlowSink& report) {
  analysis::InputResult result;
  result.info.path = path;
  capture::FileSource source(path, capture::FileSourceOptions{options.bpf_filter});
  if (auto err = source.open()) {
    result.error = err->message;
    result.error_offset = err->offset;
    return result;
  }
  result.info = source.info();
  analysis::Correlator correlator(report, path, /*ordered=*/true, options.trust);
  tls::Dissector dissector(correlator, options.keys);
  reassembly::ReassemblyLimits limits;
  limits.max_flows = options.max_flows;
  reassembly::StreamTable streams(dissector, limits);
  net::PacketDecoder decoder(streams);
  if (auto err = source.run(decoder)) {
    result.error = err->message;
    result.error_offset = err->offset;
  }
  result.stats = input_stats(decoder.stats(), streams.stats());
  return result;
}

}  // namespace tlsdiag::app
