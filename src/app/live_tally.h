#pragma once
// LiveTally: what live mode's stats lines and final summary count. Input: every finished flow
// (add). Output: counts by status and reason for the current stats interval and for the whole
// run, and the failing servers ("ip:port (sni)", as report::server_label spells them) and
// clients (ip) with the most failures, per interval and for the run. Memory is bounded whatever
// the run's length: counts are fixed arrays and the failing peers are TopCounters.
#include <array>
#include <cstdint>

#include "tlsdiag/analysis/flow_record.h"
#include "tlsdiag/report/summary.h"
#include "top_counter.h"

namespace tlsdiag::app {

// Flows by verdict, counted exactly as report::Summary counts them (the summary line's fields).
struct LiveCounts {
  std::uint64_t flows = 0;
  std::uint64_t ok = 0;
  std::uint64_t established = 0;
  std::uint64_t failed = 0;
  std::uint64_t incomplete = 0;
  std::uint64_t resumed = 0;
  std::uint64_t client_hellos = 0;
  std::uint64_t server_hellos = 0;
  std::array<std::uint64_t, report::kReasonCount> by_reason{};
  std::array<std::uint64_t, report::kRejectedByCount> by_rejected_by{};

  void add(const analysis::FlowRecord& flow);
};

class LiveTally {
 public:
  // Failing peers tracked per TopCounter: beyond this many distinct ones, counts are estimates.
  static constexpr std::size_t kPeersTracked = 1000;

  void add(const analysis::FlowRecord& flow);
  // Starts a new stats interval: its counts and top lists start from zero.
  void start_interval();

  const LiveCounts& interval() const { return interval_; }
  const LiveCounts& total() const { return total_; }
  const TopCounter& interval_servers() const { return interval_servers_; }
  const TopCounter& interval_clients() const { return interval_clients_; }
  const TopCounter& total_servers() const { return total_servers_; }
  const TopCounter& total_clients() const { return total_clients_; }

 private:
  LiveCounts interval_;
  LiveCounts total_;
  TopCounter interval_servers_{kPeersTracked};
  TopCounter interval_clients_{kPeersTracked};
  TopCounter total_servers_{kPeersTracked};
  TopCounter total_clients_{kPeersTracked};
};

}  // namespace tlsdiag::app
