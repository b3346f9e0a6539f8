#pragma once
// Builds the offline chain for one capture file, from the end (the shared report) back to the
// source, runs it, and returns the input's counters and error.
#include <string>

#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/net/decode_stats.h"
#include "tlsdiag/reassembly/stream_table.h"

struct x509_store_st;

namespace tlsdiag::tls {
class KeyLog;
}

namespace tlsdiag::app {

struct PipelineOptions {
  std::string bpf_filter;
  std::size_t max_flows = 1'000'000;
  x509_store_st* trust = nullptr;  // CA store for the certificate trust check; null = no check
  const tls::KeyLog* keys = nullptr;  // secrets to decrypt protected records; null = none
};

// The input counters of the summary, from the decoder's and the flow table's (also live mode's).
analysis::InputStats input_stats(const net::DecodeStats& d, const reassembly::ReassemblyStats& r);

analysis::InputResult analyze_file(const std::string& path, const PipelineOptions& options, analysis::FlowSink& report);

}  // namespace tlsdiag::app
