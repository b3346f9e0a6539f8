#pragma once
// FlowStatsQuery: the counters of a connection that is still open, for a stage that reports a
// flow before it closes (live mode emits a verdict as soon as the handshake's outcome is known).
#include <optional>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/reassembly/flow.h"

namespace tlsdiag::reassembly {

class FlowStatsQuery {
 public:
  virtual ~FlowStatsQuery() = default;
  // The flow between |client| and |server|, its directions as the caller names them; nullopt
  // when no such flow is open.
  virtual std::optional<FlowStats> current_stats(const net::Endpoint& client, const net::Endpoint& server) const = 0;
};

}  // namespace tlsdiag::reassembly
