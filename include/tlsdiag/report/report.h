#pragma once
// Report: the base of every output format, and the factory that picks one.
// A Report is the FlowSink at the end of the chain. It counts every flow and input in its Summary,
// prints the flows its options select (ReportOptions::only_failures), and writes its summary in
// on_finish. It writes to an ostream it does not own, which must outlive it.
#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/report/spill_store.h"
#include "tlsdiag/report/summary.h"

namespace tlsdiag::report {

enum class Format { Text, Json, Jsonl };

// "text", "json", "jsonl" (case-sensitive, the --format spelling); nullopt otherwise.
std::optional<Format> parse_format(std::string_view name);
std::string_view name(Format fmt);

inline constexpr std::string_view kToolName = "tlsdiag";
inline constexpr std::string_view kToolVersion = "0.1.0";

struct ReportOptions {
  bool only_failures = false;      // print only flows whose status is "failed"; all still counted
  bool show_ok = false;            // text: list successful flows one per line (else just a count)
  bool color = false;              // text: ANSI colours (the caller decides, e.g. stdout is a tty)
  std::size_t max_per_reason = 0;  // text: flows printed per reason group, 0 = no limit
  bool flush_each_flow = false;    // jsonl: flush after every line (live mode)
  std::string tool_version = std::string(kToolVersion);  // "version" in JSON output
  TimeWindow window{};             // what selected the flows (the summary says so); not a filter
};

class Report : public analysis::FlowSink {
 public:
  explicit Report(ReportOptions opts) : opts_(std::move(opts)) { summary_.set_window(opts_.window); }

  void on_flow(const analysis::FlowRecord& flow) final;
  void on_input_done(const analysis::InputResult& result) final;
  void on_finish() final;
  // A flow waiting for an earlier one is counted and rendered at once; only its output waits
  // (in store()), and is written by release() exactly as on_flow would have written it.
  std::unique_ptr<analysis::HeldFlow> hold(analysis::FlowRecord&& flow) final;
  void release(std::unique_ptr<analysis::HeldFlow> held) final;
  // A held flow's output is in the store (its 4 MiB in memory, the rest in a file, outside the
  // budget): what stays per flow is a small handle.
  std::size_t held_bytes(std::size_t record_bytes) const final;

  const Summary& summary() const { return summary_; }
  const ReportOptions& options() const { return opts_; }
  // Whether |flow| is printed under these options.
  bool selected(const analysis::FlowRecord& flow) const;

 protected:
  // A selected flow's output, appended to |text| (empty; its capacity is reused from flow to
  // flow); returns the group it belongs to (formats that group flows, else 0), or nullopt when
  // this format prints nothing for the flow.
  virtual std::optional<std::size_t> render_flow(const analysis::FlowRecord& flow, std::string& text) = 0;
  // Output of render_flow, in flow order.
  virtual void write_rendered(std::size_t group, std::string_view text) = 0;
  // A held flow's output at its turn, at |ref| in store(); the report now owns the ref. By
  // default read back, released and written as write_rendered; a format that keeps its output
  // in the store until the end keeps the ref instead.
  virtual void write_held(std::size_t group, SpillStore::Ref ref);
  virtual void write_input(const analysis::InputResult& result) = 0;
  virtual void write_finish() = 0;  // Summary complete; write the rest and flush
  // Output kept for later (held flows, grouped or document formats): memory stays bounded.
  SpillStore& store() { return store_; }

 private:
  ReportOptions opts_;
  Summary summary_;
  SpillStore store_;
  std::string text_;  // the flow being rendered or released (its capacity is kept)
};

// The report for |fmt| writing to |out|. Converts to std::unique_ptr<analysis::FlowSink>.
std::unique_ptr<Report> make_report(Format fmt, std::ostream& out, ReportOptions opts);

}  // namespace tlsdiag::report
