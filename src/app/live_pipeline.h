#pragma once
// LivePipeline: the analysis chain of live mode, built from the end: the given FlowSink (the
// report, or the failure recorder in front of it) <- Correlator (unordered: each flow is handed
// on as soon as its handshake's outcome is known, or when it closes) <- Dissector <- StreamTable <- PacketDecoder. With a PacketRing, every
// packet is copied into it before the decoder sees it (--write-failures).
//
// Input: packets in capture order (a PacketSink, fed by LiveSource), the clock (expire), the
// end (on_end: every open flow is closed, as at the end of a file, and reported). Flows close
// on FIN/RST, when the flow table is full (the least recently active is evicted, counted), and
// on expire() when idle past the flow timeout.
#include <cstdint>
#include <optional>
#include <string>

#include "packet_ring.h"
#include "tlsdiag/analysis/correlator.h"
#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/capture/packet_sink.h"
#include "tlsdiag/net/packet_decoder.h"
#include "tlsdiag/reassembly/stream_table.h"
#include "tlsdiag/tls/dissector.h"

struct x509_store_st;

namespace tlsdiag::app {

struct LivePipelineOptions {
  std::string source;  // the interface: each flow's source.file, its packets numbered from 1
  std::size_t max_flows = 1'000'000;
  std::size_t memory_limit = 0;  // bytes of per-flow state (util/memory_budget.h); 0 = none
  reassembly::ReassemblyLimits reassembly;  // its buffer caps (max_flows is the one above)
  tls::TlsLimits tls;
  std::int64_t flow_timeout_ns = 60'000'000'000;
  x509_store_st* trust = nullptr;     // CA store for the certificate trust check; null = none
  const tls::KeyLog* keys = nullptr;  // secrets to decrypt protected records; null = none
};

class LivePipeline : public capture::PacketSink {
 public:
  LivePipeline(analysis::FlowSink& sink, const LivePipelineOptions& options, PacketRing* ring = nullptr);

  void on_packet(const capture::Packet& packet) override;
  void on_end(Timestamp last) override;
  // Closes the flows idle longer than the flow timeout as of |now| (packet clock), and forgets
  // packets kept for connections that quiet.
  void expire(Timestamp now);

  // The newest packet time seen; nullopt before the first packet.
  std::optional<Timestamp> newest_packet() const { return newest_; }
  analysis::InputStats stats() const;
  std::size_t open_flows() const { return streams_.open_flows(); }

 private:
  static reassembly::ReassemblyLimits limits_for(const LivePipelineOptions& options);

  std::int64_t flow_timeout_ns_;
  MemoryBudget budget_;
  analysis::Correlator correlator_;
  tls::Dissector dissector_;
  reassembly::StreamTable streams_;
  net::PacketDecoder decoder_;
  PacketRing* ring_;
  std::optional<Timestamp> newest_;
};

}  // namespace tlsdiag::app
