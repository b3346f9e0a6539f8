#pragma once
// Summary: counts over every flow and input a report saw, including flows a report chose not to
// print (--only-failures). Input: FlowRecords and InputResults, in any order. Output: totals,
// counts by reason and by rejecting side, the failing servers, the input errors. Memory grows with
// the number of distinct failing servers and failed inputs, not with the number of flows.
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

class Summary {
 public:
  void add_flow(const analysis::FlowRecord& flow);
  void add_input(const analysis::InputResult& input);

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

  // Servers with failed handshakes, most failures first (ties by name), at most |limit| (0 = all).
  std::vector<ServerFailures> top_failing_servers(std::size_t limit) const;

  // Process exit status: 2 when an input had an error, else 1 when a handshake failed, else 0.
  int exit_code() const;

 private:
  // One per distinct failing server, so kept small: the reasons it failed with, and how often
  // (usually one or two reasons, in the order first seen).
  struct ServerTally {
    std::uint64_t failed = 0;
    std::vector<std::pair<analysis::Reason, std::uint64_t>> by_reason;
  };

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
  std::map<std::string, ServerTally> failing_servers_;
};

// "192.0.2.1:443 (example.com)", or without the parenthesis when the flow had no SNI.
std::string server_label(const analysis::FlowRecord& flow);

}  // namespace tlsdiag::report
