#include "live_pipeline.h"

#include "pipeline.h"

namespace tlsdiag::app {

namespace {
// Packets of a connection arriving just after its flow closed (trailing ACKs) should not
// outlive it in the packet ring by much; ones of a flow still open are refreshed by its packets.
constexpr std::int64_t kRingGraceNs = 5'000'000'000;
}  // namespace

reassembly::ReassemblyLimits LivePipeline::limits_for(const LivePipelineOptions& options) {
  reassembly::ReassemblyLimits limits = options.reassembly;
  limits.max_flows = options.max_flows;
  return limits;
}

LivePipeline::LivePipeline(analysis::FlowSink& sink, const LivePipelineOptions& options, PacketRing* ring)
    : flow_timeout_ns_(options.flow_timeout_ns),
      budget_(options.memory_limit),
      correlator_(sink, options.source, /*ordered=*/false, options.trust),
      dissector_(correlator_, options.keys, options.tls),
      streams_(dissector_, limits_for(options)),
      decoder_(streams_),
      ring_(ring) {
  correlator_.report_when_decided(streams_);
  streams_.set_memory_budget(&budget_);
  dissector_.set_memory_budget(&budget_);
  correlator_.set_memory_budget(&budget_);
}

void LivePipeline::on_packet(const capture::Packet& packet) {
  if (!newest_ || packet.ts > *newest_) newest_ = packet.ts;
  if (ring_ != nullptr) ring_->add(packet);
  decoder_.on_packet(packet);
}

void LivePipeline::on_end(Timestamp last) { decoder_.on_end(last); }

void LivePipeline::expire(Timestamp now) {
  streams_.expire_idle(now, flow_timeout_ns_);
  if (ring_ != nullptr) ring_->expire(now, flow_timeout_ns_ + kRingGraceNs);
}

analysis::InputStats LivePipeline::stats() const {
  return input_stats(decoder_.stats(), streams_.stats(), dissector_.stats(), correlator_.stats());
}

}  // namespace tlsdiag::app
