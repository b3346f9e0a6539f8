#pragma once
// Summary: counts over every flow and input a report saw, including flows a report chose not to
// print (--only-failures). Input: FlowRecords and InputResults, in any order, or the Summaries of
// other runs (merge; summary_state.h reads them from JSON). Output: totals, counts by reason and
// by rejecting side, the failing servers, flows and failures per client fingerprint (JA4), the
// input errors. Memory grows with the number of distinct failing servers, client fingerprints (at
// most kMaxClientFingerprints) and failed inputs, and with the fleet views' servers, clients and
// pairs (each capped, see fleet.h), not with the number of flows.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tlsdiag/analysis/flow_record.h"
#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/analysis/verdict.h"
#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/report/fleet.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::report {

inline constexpr std::size_t kReasonCount = static_cast<std::size_t>(analysis::Reason::kCount);
inline constexpr std::size_t kRejectedByCount = static_cast<std::size_t>(analysis::RejectedBy::kCount);

struct InputError {
  std::string path;
  std::string message;
  std::optional<std::uint64_t> offset;
};

// One row of the "top failing servers" view: "192.0.2.1:443 (example.com)" and its failures.
struct ServerFailures {
  std::string server;
  std::uint64_t failed = 0;
  analysis::Reason top_reason = analysis::Reason::Ok;  // its most frequent failure reason
};

// One row of the per-client-fingerprint view: how a client build fared, whichever servers it met.
struct ClientFingerprintFailures {
  std::string ja4;
  std::uint64_t flows = 0;
  std::uint64_t failed = 0;
  std::optional<analysis::Reason> top_reason;  // its most frequent failure reason; none if none failed
  net::IpAddress example_client;  // a client that sent it: the first failing one, else the first
  std::string example_sni;        // that flow's SNI, empty without
};

// Flows whose fingerprint arrived after kMaxClientFingerprints others: counted, not itemised.
struct UntrackedFingerprints {
  std::uint64_t flows = 0;
  std::uint64_t failed = 0;
};

// --since / --until: only flows whose first packet is in [since, until) are reported and counted.
struct TimeWindow {
  std::optional<Timestamp> since;
  std::optional<Timestamp> until;
  bool empty() const { return !since && !until; }
  bool contains(Timestamp ts) const { return (!since || ts >= *since) && (!until || ts < *until); }
  bool operator==(const TimeWindow&) const = default;
};

class Summary {
 public:
  // Distinct JA4 values tallied one by one; later ones go to untracked_fingerprints().
  static constexpr std::size_t kMaxClientFingerprints = 10'000;
  // Distinct failing servers ("address:port (SNI)") tallied one by one: a capture can name a new
  // one in every flow (a scan, random SNIs). Failures of later ones go to failing_servers_other().
  static constexpr std::size_t kMaxFailingServers = 10'000;

  void add_flow(const analysis::FlowRecord& flow);
  void add_input(const analysis::InputResult& input);
  // Adds |other|'s flows and inputs as if they had come after this one's (tlsdiag merge): counts
  // add up, errors and notes follow this one's, capped views stay capped (FleetViews::merge).
  // Equal to one Summary over both whenever no cap is reached. False, merging nothing, when
  // |other| was selected by a different time window.
  bool merge(const Summary& other);

  std::uint64_t flows() const { return flows_; }
  std::uint64_t ok() const { return ok_; }
  std::uint64_t established() const { return established_; }
  std::uint64_t failed() const { return failed_; }
  std::uint64_t incomplete() const { return incomplete_; }
  std::uint64_t resumed() const { return resumed_; }
  std::uint64_t client_hellos() const { return client_hellos_; }
  std::uint64_t server_hellos() const { return server_hellos_; }
  std::uint64_t inputs() const { return inputs_; }

  // Indexed by analysis::Reason / analysis::RejectedBy: vocabulary order.
  const std::array<std::uint64_t, kReasonCount>& by_reason() const { return by_reason_; }
  const std::array<std::uint64_t, kRejectedByCount>& by_rejected_by() const { return by_rejected_by_; }
  std::uint64_t count(analysis::Reason r) const { return by_reason_[static_cast<std::size_t>(r)]; }
  // Per cause: for one reason, how many flows each side rejected.
  std::uint64_t count(analysis::Reason r, analysis::RejectedBy who) const {
    return by_cause_[static_cast<std::size_t>(r)][static_cast<std::size_t>(who)];
  }

  // Capture and decode counters summed over every input.
  const analysis::InputStats& totals() const { return totals_; }
  const std::vector<InputError>& input_errors() const { return input_errors_; }
  // What the inputs said about themselves (overlapping rotated pieces, ...): path, note.
  const std::vector<std::pair<std::string, std::string>>& input_notes() const { return input_notes_; }

  // Servers with failed handshakes, most failures first (ties by name), at most |limit| (0 = all).
  std::vector<ServerFailures> top_failing_servers(std::size_t limit) const;
  // Failed flows to servers that came after kMaxFailingServers others: counted, not itemised.
  std::uint64_t failing_servers_other() const { return failing_servers_other_; }

  // Client fingerprints (JA4 of each flow's first ClientHello), most failures first, ties by JA4;
  // at most |limit| (0 = all). |failing_only| leaves out those that never failed.
  std::vector<ClientFingerprintFailures> client_fingerprints(std::size_t limit,
                                                             bool failing_only = false) const;
  const UntrackedFingerprints& untracked_fingerprints() const { return untracked_fingerprints_; }

  // Per server, per client, per reason: see fleet.h.
  const FleetViews& fleet() const { return fleet_; }

  // The time window the flows were selected by (the caller's filter; the summary only says so).
  void set_window(const TimeWindow& window) { window_ = window; }
  const TimeWindow& window() const { return window_; }

  // Process exit status: 2 when an input had an error, else 1 when a handshake failed, else 0.
  int exit_code() const;

 private:
  friend class StateCodec;  // summary_state.cpp: the accumulated state as JSON (merge_state) and back

  // One per distinct failing server, so kept small: the reasons it failed with, and how often
  // (usually one or two reasons, in the order first seen).
  struct ServerTally {
    std::uint64_t failed = 0;
    std::vector<std::pair<analysis::Reason, std::uint64_t>> by_reason;
  };
  // One per distinct client fingerprint, up to kMaxClientFingerprints: a few hundred bytes.
  using Ja4 = std::array<char, 36>;  // a JA4 is always 36 characters
  struct FingerprintTally {
    std::uint64_t flows = 0;
    std::uint64_t failed = 0;
    std::vector<std::pair<analysis::Reason, std::uint64_t>> by_reason;  // failures only
    net::IpAddress example_client;
    bool example_failed = false;
    std::string example_sni;
  };

  ServerTally* failing_server(std::string label, std::uint64_t failed);
  void add_failing_server(const analysis::FlowRecord& flow);
  void add_client_fingerprint(const analysis::FlowRecord& flow, const std::string& ja4);
  static void merge_fingerprint(FingerprintTally& to, const FingerprintTally& from);

  std::uint64_t flows_ = 0;
  std::uint64_t ok_ = 0;
  std::uint64_t established_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t incomplete_ = 0;
  std::uint64_t resumed_ = 0;
  std::uint64_t client_hellos_ = 0;
  std::uint64_t server_hellos_ = 0;
  std::uint64_t inputs_ = 0;
  std::array<std::uint64_t, kReasonCount> by_reason_{};
  std::array<std::uint64_t, kRejectedByCount> by_rejected_by_{};
  std::array<std::array<std::uint64_t, kRejectedByCount>, kReasonCount> by_cause_{};
  analysis::InputStats totals_;
  std::vector<InputError> input_errors_;
  std::vector<std::pair<std::string, std::string>> input_notes_;
  std::map<std::string, ServerTally> failing_servers_;  // at most kMaxFailingServers
  std::uint64_t failing_servers_other_ = 0;
  std::map<Ja4, FingerprintTally> client_fingerprints_;
  UntrackedFingerprints untracked_fingerprints_;
  FleetViews fleet_;
  TimeWindow window_;
};

// "192.0.2.1:443 (example.com)", or without the parenthesis when the flow had no SNI.
std::string server_label(const analysis::FlowRecord& flow);

}  // namespace tlsdiag::report
