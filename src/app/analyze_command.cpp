#include "analyze_command.h"

#include <unistd.h>

#include <iostream>
#include <boost/program_options.hpp>

#include "batch_inputs.h"
#include "batch_progress.h"
#include "batch_runner.h"
#include "byte_size.h"
#include "cap_options.h"
#include "command_line.h"
#include "huge_page_heap.h"
#include "pipeline.h"
#include "report_output.h"
#include "time_window.h"
#include "trust_options.h"
#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/report/report.h"
#include "tlsdiag/tls/keylog.h"

namespace tlsdiag::app {

namespace po = boost::program_options;

namespace {

struct AnalyzeOptions {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string order;  // start, end; empty: the format's default
  std::string output;
  std::string color = "auto";
  bool only_failures = false;
  bool show_ok = false;
  TrustOptions trust;  // --ca-file, --ca-path, --trust, --keylog
  std::vector<std::string> globs;
  unsigned jobs = 0;
  bool merge_rotated = false;
  bool quiet = false;
  std::string since, until;
  std::string memory_limit;
  CapOptions caps;
  PipelineOptions pipeline;
};

po::options_description describe(AnalyzeOptions& o) {
  po::options_description desc("tlsdiag analyze [options] FILE_OR_DIR...");
  desc.add_options()
      ("help,h", "show this help")
      ("format,f", po::value(&o.format)->default_value("text"), "output format: text, json, jsonl")
      ("output,o", po::value(&o.output), "write the report to this file instead of stdout")
      ("order", po::value(&o.order),
       "order of the flows within an input: start (of their first packet; the default for text "
       "and json) or end (as each flow ends, as Zeek's logs do; the default for jsonl, whose "
       "lines then stream out as flows finish)")
      ("filter", po::value(&o.pipeline.bpf_filter), "BPF filter applied while reading (e.g. 'tcp port 8443')")
      ("only-failures", po::bool_switch(&o.only_failures), "report only failed handshakes (all are still counted)")
      ("show-ok", po::bool_switch(&o.show_ok), "text: list successful handshakes too")
      ("color", po::value(&o.color)->default_value("auto"), "text colours: auto, always, never")
      ("max-flows", po::value(&o.pipeline.max_flows)->default_value(1'000'000), "open-flow table cap per input")
      ("memory-limit", po::value(&o.memory_limit)->default_value("1G"),
       "memory for per-flow state (flows, buffered bytes, handshakes being read), shared by the "
       "inputs analysed at once; past it the least recently active flows are judged early "
       "(e.g. 512M, 4G; 0 = no limit)");
  add_cap_options(desc, o.caps);
  desc.add_options()
      ("ca-file", po::value(&o.trust.ca_files)->composing(), "PEM CA bundle to check server chains against (at capture time)")
      ("ca-path", po::value(&o.trust.ca_paths)->composing(), "directory of hashed CA certificates (c_rehash) to check against")
      ("trust", po::value(&o.trust.trust), "'system': check server chains against the system's CA store")
      ("keylog", po::value(&o.trust.keylogs)->composing(),
       "NSS key log (SSLKEYLOGFILE) to decrypt TLS 1.3 handshakes and TLS 1.2 records; may be repeated")
      ("glob", po::value(&o.globs)->composing(),
       "directories: take files whose name matches this shell pattern (e.g. '*.pcap*'); may be "
       "repeated. Default: *.pcap *.pcapng *.cap *.dmp *.pcap[0-9]*, each also .gz .zst .xz")
      ("jobs,j", po::value(&o.jobs)->default_value(0, "cores"),
       "analyse N files at once (0 = one per core); the output is the same for any N. With at "
       "least twice as many jobs as files, each file's flows are correlated, judged and reported on "
       "a second thread while it is analysed; with three times as many, it is also read on a third")
      ("merge-rotated", po::bool_switch(&o.merge_rotated),
       "read the rotated pieces of one capture (trace.pcap, trace.pcap1, ...; same directory "
       "and link type) as one time-ordered stream")
      ("quiet,q", po::bool_switch(&o.quiet), "no progress line and no warnings on stderr (errors still)")
      ("since", po::value(&o.since),
       "report and count only flows whose first packet is at or after TIME (RFC 3339, e.g. "
       "2024-01-02T03:04:05Z, or a date: its midnight UTC)")
      ("until", po::value(&o.until),
       "report and count only flows whose first packet is before TIME (RFC 3339, or a date: "
       "the whole day is included)");
  return desc;
}

int parse(int argc, char** argv, AnalyzeOptions& o) {
  auto desc = describe(o);
  if (int rc = parse_command_line("analyze", argc, argv, desc, o.inputs); rc >= 0) return rc;
  return -1;
}

// --order: start or end; empty: end for JSON Lines (its lines stream out as flows end), start
// for the text report and the JSON document.
std::optional<FlowOrder> flow_order(const std::string& order, report::Format format) {
  if (order.empty()) return format == report::Format::Jsonl ? FlowOrder::End : FlowOrder::Start;
  if (order == "start") return FlowOrder::Start;
  if (order == "end") return FlowOrder::End;
  return std::nullopt;
}

}  // namespace

int analyze_command(int argc, char** argv) {
  AnalyzeOptions o;
  if (int rc = parse(argc, argv, o); rc >= 0) return rc;
  const auto format = report::parse_format(o.format);
  if (!format) {
    std::cerr << "tlsdiag analyze: unknown format '" << o.format << "' (text, json, jsonl)\n";
    return 2;
  }
  const std::optional<FlowOrder> order = flow_order(o.order, *format);
  if (!order) {
    std::cerr << "tlsdiag analyze: unknown order '" << o.order << "' (start, end)\n";
    return 2;
  }
  o.pipeline.order = *order;
  const std::optional<std::size_t> memory_limit = parse_byte_size(o.memory_limit);
  if (!memory_limit) {
    std::cerr << "tlsdiag analyze: --memory-limit: not a size: '" << o.memory_limit << "' (e.g. 512M, 2G)\n";
    return 2;
  }
  o.pipeline.memory_limit = *memory_limit;
  std::string cap_error;
  const std::optional<Caps> caps = parse_caps(o.caps, cap_error);
  if (!caps) {
    std::cerr << "tlsdiag analyze: " << cap_error << "\n";
    return 2;
  }
  o.pipeline.reassembly = caps->reassembly;
  o.pipeline.tls = caps->tls;
  ReportOutput output;
  if (auto error = output.open(o.output)) {
    std::cerr << "tlsdiag analyze: " << *error << "\n";
    return 2;
  }
  std::ostream& out = output.stream();
  report::ReportOptions ropts;
  ropts.only_failures = o.only_failures;
  ropts.show_ok = o.show_ok;
  ropts.color = o.color == "always" || (o.color == "auto" && o.output.empty() && isatty(STDOUT_FILENO));
  std::optional<analysis::TrustStore> trust;
  std::optional<tls::KeyLog> keys;
  try {
    trust = load_trust(o.trust);
    keys = load_keylogs(o.trust);
  } catch (const std::exception& e) {
    std::cerr << "tlsdiag analyze: " << e.what() << "\n";
    return 2;
  }
  if (trust) o.pipeline.trust = trust->get();
  if (keys) o.pipeline.keys = &*keys;
  const std::optional<report::TimeWindow> window = parse_window(o.since, o.until, "analyze");
  if (!window) return 2;
  ropts.window = *window;
  auto rep = report::make_report(*format, out, ropts);
  WindowSink windowed(*rep, *window);
  analysis::FlowSink& sink = window->empty() ? static_cast<analysis::FlowSink&>(*rep) : windowed;

  std::vector<BatchInput> inputs = find_inputs(o.inputs, o.globs);
  if (o.merge_rotated) inputs = group_rotated_inputs(std::move(inputs));
  bool input_error = false;
  if (inputs.empty()) {
    std::cerr << "tlsdiag analyze: no capture files found\n";
    input_error = true;
  }
  // A progress line would mix with flows streamed to the same terminal (jsonl).
  const bool stdout_busy = *format == report::Format::Jsonl && o.output.empty() && isatty(STDOUT_FILENO);
  ConsoleObserver console(std::cerr, isatty(STDERR_FILENO) && !stdout_busy, o.quiet);
  use_huge_page_heap();
  run_batch(inputs, o.pipeline, BatchOptions{.jobs = o.jobs}, sink, &console);
  console.clear();
  rep->on_finish();
  if (auto error = output.finish()) {  // a full disk, a closed pipe: the report is not whole
    std::cerr << "tlsdiag analyze: " << *error << "\n";
    return 2;
  }
  // Exit status 2 when an input was bad (the summary counts those), after all the output.
  if (input_error) return 2;
  return rep->summary().exit_code();
}

}  // namespace tlsdiag::app
