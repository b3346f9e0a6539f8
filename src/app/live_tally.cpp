#include "live_tally.h"

#include "tlsdiag/net/endpoint.h"

namespace tlsdiag::app {

using analysis::Status;

void LiveCounts::add(const analysis::FlowRecord& flow) {
  ++flows;
  const analysis::Verdict& v = flow.verdict;
  switch (v.status) {
    case Status::Ok: ++ok; break;
    case Status::Failed: ++failed; break;
    case Status::Incomplete: ++incomplete; break;
    case Status::kCount: break;
  }
  if (flow.established) ++established;
  if (flow.resumed) ++resumed;
  if (flow.client_hello) ++client_hellos;
  if (flow.server_hello) ++server_hellos;
  const auto reason = static_cast<std::size_t>(v.reason);
  const auto who = static_cast<std::size_t>(v.rejected_by);
  if (reason < by_reason.size()) ++by_reason[reason];
  if (who < by_rejected_by.size()) ++by_rejected_by[who];
}

void LiveTally::add(const analysis::FlowRecord& flow) {
  interval_.add(flow);
  total_.add(flow);
  if (flow.verdict.status != Status::Failed) return;
  const std::string server = report::server_label(flow);
  const std::string client = net::to_string(flow.client.ip);
  interval_servers_.add(server, flow.verdict.reason);
  interval_clients_.add(client, flow.verdict.reason);
  total_servers_.add(server, flow.verdict.reason);
  total_clients_.add(client, flow.verdict.reason);
}

void LiveTally::start_interval() {
  interval_ = LiveCounts{};
  interval_servers_.clear();
  interval_clients_.clear();
}

}  // namespace tlsdiag::app
