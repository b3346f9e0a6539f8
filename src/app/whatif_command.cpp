#include "whatif_command.h"

#include <iostream>
#include <boost/program_options.hpp>

#include "batch_inputs.h"
#include "batch_runner.h"
#include "command_line.h"
#include "huge_page_heap.h"
#include "pipeline.h"
#include "time_window.h"
#include "tlsdiag/report/whatif.h"
#include "tlsdiag/tls/registry.h"

namespace tlsdiag::app {

namespace po = boost::program_options;

namespace {

struct WhatIfOptions {
  std::vector<std::string> inputs;
  std::string min_version;
  std::string ciphers;
  std::vector<std::string> servers;
  std::string format = "text";
  std::vector<std::string> globs;
  unsigned jobs = 0;
  std::size_t examples = 10;
  std::string since, until;
  PipelineOptions pipeline;
};

po::options_description describe(WhatIfOptions& o) {
  po::options_description desc("tlsdiag whatif [options] FILE_OR_DIR...");
  desc.add_options()
      ("help,h", "show this help")
      ("min-version", po::value(&o.min_version), "the new minimum protocol version (TLS1.2, TLS1.3, 0x0303)")
      ("ciphers", po::value(&o.ciphers),
       "the cipher suites the server would accept: IANA names or hex codes, comma-separated")
      ("server", po::value(&o.servers)->composing(),
       "apply the policy to this server only: ip:port, ip or SNI name; may be repeated (default: all)")
      ("format,f", po::value(&o.format)->default_value("text"), "output format: text, json")
      ("examples", po::value(&o.examples)->default_value(10), "text: clients listed per group")
      ("filter", po::value(&o.pipeline.bpf_filter), "BPF filter applied while reading")
      ("glob", po::value(&o.globs)->composing(), "directories: take files whose name matches this pattern")
      ("jobs,j", po::value(&o.jobs)->default_value(0, "cores"), "analyse N files at once (0 = one per core)")
      ("since", po::value(&o.since), "only connections whose first packet is at or after TIME (RFC 3339 or a date)")
      ("until", po::value(&o.until), "only connections whose first packet is before TIME (a date: the whole day)");
  return desc;
}

int parse(int argc, char** argv, WhatIfOptions& o) {
  auto desc = describe(o);
  if (int rc = parse_command_line("whatif", argc, argv, desc, o.inputs); rc >= 0) return rc;
  if (o.min_version.empty() && o.ciphers.empty()) {
    std::cerr << "tlsdiag whatif: give --min-version, --ciphers or both\n" << desc;
    return 2;
  }
  if (o.format != "text" && o.format != "json") {
    std::cerr << "tlsdiag whatif: unknown format '" << o.format << "' (text, json)\n";
    return 2;
  }
  return -1;
}

// The policy from the options; nullopt (after a message) when a value does not parse.
std::optional<report::WhatIfPolicy> make_policy(const WhatIfOptions& o) {
  report::WhatIfPolicy policy;
  if (!o.min_version.empty()) {
    const std::optional<std::uint16_t> v = tls::version_code(o.min_version);
    if (!v) {
      std::cerr << "tlsdiag whatif: --min-version: unknown version '" << o.min_version << "' (e.g. TLS1.2)\n";
      return std::nullopt;
    }
    policy.min_version = *v;
  }
  if (!o.ciphers.empty()) {
    std::string bad;
    std::optional<std::vector<std::uint16_t>> codes = report::parse_cipher_list(o.ciphers, bad);
    if (!codes || codes->empty()) {
      std::cerr << "tlsdiag whatif: --ciphers: unknown cipher suite '" << bad << "'\n";
      return std::nullopt;
    }
    policy.ciphers = std::move(*codes);
  }
  policy.servers = o.servers;
  return policy;
}

}  // namespace

int whatif_command(int argc, char** argv) {
  WhatIfOptions o;
  if (int rc = parse(argc, argv, o); rc >= 0) return rc;
  std::optional<report::WhatIfPolicy> policy = make_policy(o);
  if (!policy) return 2;
  const std::optional<report::TimeWindow> window = parse_window(o.since, o.until, "whatif");
  if (!window) return 2;
  const std::vector<BatchInput> inputs = find_inputs(o.inputs, o.globs);
  if (inputs.empty()) {
    std::cerr << "tlsdiag whatif: no capture files found\n";
    return 2;
  }
  report::WhatIfTally tally(std::move(*policy));
  WindowSink windowed(tally, *window);
  use_huge_page_heap();
  run_batch(inputs, o.pipeline, BatchOptions{.jobs = o.jobs}, windowed, nullptr);
  if (o.format == "json") std::cout << report::whatif_to_json(tally);
  else report::write_whatif_text(std::cout, tally, o.examples);
  std::cout.flush();
  return tally.exit_code();
}

}  // namespace tlsdiag::app
