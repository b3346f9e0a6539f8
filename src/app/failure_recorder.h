#pragma once
// FailureRecorder: --write-failures. A FlowSink placed between the correlator and the report:
// for a finished flow whose verdict is "failed" it writes the packets the PacketRing kept for
// that connection (its last packets up to the verdict) to the pcap, for any other flow it just
// forgets them; then it hands the flow on, unchanged, to |next|. The PacketRing is fed by the
// live pipeline before the decoder sees each packet, so a flow that ends on a packet (RST, the
// last FIN) has that packet in the ring when its verdict arrives.
// A write error does not stop the capture: it is counted, and kept for the caller to print.
#include <cstdint>
#include <optional>
#include <string>

#include "packet_ring.h"
#include "pcap_writer.h"
#include "tlsdiag/analysis/flow_sink.h"

namespace tlsdiag::app {

struct FailureRecorderStats {
  std::uint64_t flows_written = 0;
  std::uint64_t packets_written = 0;
  std::uint64_t flows_without_packets = 0;  // failed, but the ring had nothing (dropped by its cap)
  std::uint64_t write_errors = 0;
};

class FailureRecorder : public analysis::FlowSink {
 public:
  FailureRecorder(analysis::FlowSink& next, PacketRing& ring, PcapWriter& writer)
      : next_(next), ring_(ring), writer_(writer) {}

  void on_flow(const analysis::FlowRecord& flow) override;
  void on_input_done(const analysis::InputResult& result) override { next_.on_input_done(result); }
  void on_finish() override { next_.on_finish(); }

  const FailureRecorderStats& stats() const { return stats_; }
  // The last write error not yet taken, for the caller to print once.
  std::optional<std::string> take_error();

 private:
  analysis::FlowSink& next_;
  PacketRing& ring_;
  PcapWriter& writer_;
  FailureRecorderStats stats_;
  std::optional<std::string> error_;
};

}  // namespace tlsdiag::app
