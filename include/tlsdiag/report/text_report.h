#pragma once
// TextReport: the terminal report (--format text). Collects one pre-formatted block per printed
// flow and writes everything in on_finish: failures grouped by reason (vocabulary order, a header
// with the count per reason), then incomplete flows (shorter), then the successes (one line each
// with show_ok, else a count), then a summary table and the input errors. Plain ASCII apart from
// the names taken from the capture, which are escaped so they cannot drive the terminal.
#include <array>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tlsdiag/report/ref_list.h"
#include "tlsdiag/report/report.h"

namespace tlsdiag::report {

class TextReport : public Report {
 public:
  TextReport(std::ostream& out, ReportOptions opts) : Report(std::move(opts)), out_(out) {}

 protected:
  std::optional<std::size_t> render_flow(const analysis::FlowRecord& flow, std::string& text) override;
  void write_rendered(std::size_t group, std::string_view text) override;
  void write_input(const analysis::InputResult& result) override;
  void write_finish() override;

 private:
  void write_group(analysis::Status status, analysis::Reason reason);
  void write_successes();
  void write_summary();
  void write_failing_fingerprints();

  std::ostream& out_;
  // Formatted blocks, [status][reason], in the order flows arrived; the text is in store().
  std::array<std::array<RefList, kReasonCount>, 3> blocks_;
};

// The fleet sections of the text summary: the servers with most failures (at most
// |servers_shown|) with their inferred policy and certificates, then per failure reason its first
// and last capture time and top client -> server pairs. Bold headings when |color|.
void write_fleet_text(std::ostream& out, const FleetViews& fleet, std::size_t servers_shown, bool color);

// Escapes control characters and invalid UTF-8 in text from the capture (SNI, ALPN, payload):
// "\x1b" instead of the byte, so a crafted name cannot move the cursor or change colours.
std::string terminal_safe(std::string_view text);

}  // namespace tlsdiag::report
