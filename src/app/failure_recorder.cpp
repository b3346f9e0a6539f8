#include "failure_recorder.h"

#include <utility>
#include <vector>

namespace tlsdiag::app {

void FailureRecorder::on_flow(const analysis::FlowRecord& flow) {
  const std::vector<StoredPacket> packets = ring_.take(flow.client, flow.server);
  if (flow.verdict.status == analysis::Status::Failed) {
    if (packets.empty()) {
      ++stats_.flows_without_packets;
    } else {
      std::vector<PcapPacket> view;
      view.reserve(packets.size());
      for (const StoredPacket& p : packets) view.push_back(PcapPacket{p.ts, p.wire_len, p.data});
      if (auto error = writer_.write_packets(view)) {
        ++stats_.write_errors;
        error_ = std::move(error);
      } else {
        ++stats_.flows_written;
        stats_.packets_written += view.size();
      }
    }
  }
  next_.on_flow(flow);
}

std::optional<std::string> FailureRecorder::take_error() { return std::exchange(error_, std::nullopt); }

}  // namespace tlsdiag::app
