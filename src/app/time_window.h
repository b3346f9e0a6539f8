#pragma once
// --since / --until: parsing the times, and WindowSink, the FlowSink that keeps only the flows
// whose first packet falls in the window.
#include <optional>
#include <string>
#include <string_view>

#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/report/summary.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::app {

// RFC 3339 ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05.25+01:00", 't'/'z'/' ' accepted) or a
// date ("2024-01-02": midnight UTC, or with |end_of_day| the midnight after, so that
// --until DATE takes in the whole day). nullopt for anything else.
std::optional<Timestamp> parse_time(std::string_view text, bool end_of_day = false);

// --since / --until as given on the command line of |command| ("" = not given); nullopt, after
// a message on stderr, when one does not parse.
std::optional<report::TimeWindow> parse_window(const std::string& since, const std::string& until,
                                               std::string_view command);

// WindowSink: passes on the flows whose first packet is in |window| ([since, until)) and drops
// the others, counting them; each input's counters then say how many were dropped
// (flows_outside_window, taken out of flows_reported). Calls are forwarded in order; one input
// at a time, as BatchRunner makes them.
class WindowSink final : public analysis::FlowSink {
 public:
  WindowSink(analysis::FlowSink& next, report::TimeWindow window) : next_(next), window_(window) {}

  void on_flow(const analysis::FlowRecord& flow) override;
  std::unique_ptr<analysis::HeldFlow> hold(analysis::FlowRecord&& flow) override;
  void release(std::unique_ptr<analysis::HeldFlow> held) override;
  std::size_t held_bytes(std::size_t record_bytes) const override { return next_.held_bytes(record_bytes); }
  void on_input_done(const analysis::InputResult& result) override;
  void on_finish() override { next_.on_finish(); }

 private:
  analysis::FlowSink& next_;
  report::TimeWindow window_;
  std::uint64_t outside_ = 0;  // of the current input
};

}  // namespace tlsdiag::app
