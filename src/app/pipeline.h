#pragma once
// Builds the offline chain for one input (a capture file, or the rotated pieces of one capture),
// from the end (the given FlowSink) back to the source, runs it, and returns the input's counters
// and error. One chain per input and no shared state, so inputs may run on several threads, each
// with its own FlowSink.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "tlsdiag/analysis/correlator.h"
#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/net/decode_stats.h"
#include "tlsdiag/reassembly/stream_table.h"
#include "tlsdiag/tls/dissector.h"

struct x509_store_st;

namespace tlsdiag::tls {
class KeyLog;
}

namespace tlsdiag::app {

// The order in which an input's flows reach the report: of their first packet, or as each one
// ends (the Correlator's unordered mode: nothing waits behind a long flow).
enum class FlowOrder : std::uint8_t { Start, End };

struct PipelineOptions {
  std::string bpf_filter;
  std::size_t max_flows = 1'000'000;
  std::size_t memory_limit = 0;  // bytes of per-flow state before the oldest flows are evicted; 0 = none
  reassembly::ReassemblyLimits reassembly;  // its buffer caps (max_flows is the one above)
  tls::TlsLimits tls;
  x509_store_st* trust = nullptr;  // CA store for the certificate trust check; null = no check
  const tls::KeyLog* keys = nullptr;  // secrets to decrypt protected records; null = none
  bool read_ahead = false;  // read the capture on a second thread (capture/read_ahead.h)
  bool event_thread = false;  // correlate, judge and report on a thread of its own (event_thread.h)
  FlowOrder order = FlowOrder::Start;
};

// The input counters of the summary, from the stages' own (also live mode's).
analysis::InputStats input_stats(const net::DecodeStats& d, const reassembly::ReassemblyStats& r,
                                 const tls::DissectorStats& t, const analysis::CorrelatorStats& c);

// The input note for flows evicted by the memory budget.
std::string memory_note(std::uint64_t evicted, std::size_t limit);

analysis::InputResult analyze_file(const std::string& path, const PipelineOptions& options, analysis::FlowSink& report);

// One input: one file, or (several paths) the pieces of one rotated capture read as one
// time-ordered stream (capture::MergedSource). |progress|, when set, receives the bytes of the
// files read so far, from time to time.
analysis::InputResult analyze_input(const std::vector<std::string>& paths, const PipelineOptions& options,
                                    analysis::FlowSink& report, std::atomic<std::uint64_t>* progress = nullptr);

}  // namespace tlsdiag::app
