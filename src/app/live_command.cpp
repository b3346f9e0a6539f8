#include "live_command.h"

#include <pwd.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <boost/program_options.hpp>

#include "byte_size.h"
#include "cap_options.h"
#include "duration.h"
#include "failure_recorder.h"
#include "line_output.h"
#include "live_loop.h"
#include "live_pipeline.h"
#include "live_report.h"
#include "packet_ring.h"
#include "pcap_writer.h"
#include "privileges.h"
#include "signal_watch.h"
#include "trust_options.h"
#include "tlsdiag/capture/live_source.h"

namespace tlsdiag::app {

namespace po = boost::program_options;

namespace {

// libpcap's default is 2 MiB: on a replay of the bench workload at 100k packets/s that dropped
// about 1% of the packets, at 125k 8%; 64 MiB dropped none up to the 139k/s tcpreplay reached
// (docs/live.md). It is locked kernel memory, allocated once.
constexpr int kDefaultBufferMib = 64;

struct LiveOptions {
  std::string interface;
  bool list_interfaces = false;
  std::string filter = "tcp";
  bool no_promiscuous = false;
  int buffer_mib = kDefaultBufferMib;
  bool immediate = false;
  std::string format = "text";
  std::string output;
  bool all = false;
  bool incomplete = false;
  std::string stats_interval = "0";
  std::string flow_timeout = "60s";
  std::size_t max_flows = 1'000'000;
  std::string memory_limit = "1G";
  CapOptions caps;
  std::string write_failures;
  std::string user;
  bool allow_root = false;
  std::uint64_t count = 0;
  std::string duration = "0";
  TrustOptions trust;
};

po::options_description describe(LiveOptions& o) {
  po::options_description desc("tlsdiag live -i INTERFACE [options]");
  desc.add_options()
      ("help,h", "show this help")
      ("interface,i", po::value(&o.interface), "interface to capture on ('any': every interface)")
      ("list-interfaces,D", po::bool_switch(&o.list_interfaces), "list the interfaces that can be captured on, and exit")
      ("filter", po::value(&o.filter)->default_value("tcp"), "BPF filter (e.g. 'tcp port 443')")
      ("no-promiscuous,p", po::bool_switch(&o.no_promiscuous), "do not put the interface in promiscuous mode")
      ("buffer-size,B", po::value(&o.buffer_mib)->default_value(kDefaultBufferMib),
       "kernel capture buffer in MiB (raise it if the stats show kernel drops)")
      ("immediate-mode", po::bool_switch(&o.immediate),
       "hand over each packet as it arrives (default: in batches, at most 100 ms late; holds fewer packets)")
      ("format,f", po::value(&o.format)->default_value("text"), "output format: text, jsonl")
      ("output,o", po::value(&o.output), "append the lines to this file (reopened on SIGHUP) instead of stdout")
      ("all", po::bool_switch(&o.all), "a line for every flow, successes too (default: failed handshakes)")
      ("incomplete", po::bool_switch(&o.incomplete), "also a line for incomplete handshakes")
      ("stats-interval", po::value(&o.stats_interval)->default_value("0"),
       "a stats line this often (e.g. 60s, 5m); 0 = only one, on exit")
      ("flow-timeout", po::value(&o.flow_timeout)->default_value("60s"), "close (and judge) flows idle this long")
      ("max-flows", po::value(&o.max_flows)->default_value(1'000'000),
       "open-flow table cap; past it the least recently active flow is evicted (counted)")
      ("memory-limit", po::value(&o.memory_limit)->default_value("1G"),
       "memory for per-flow state; past it the least recently active flows are judged early "
       "(e.g. 256M, 2G; 0 = no limit)");
  add_cap_options(desc, o.caps);
  desc.add_options()
      ("write-failures", po::value(&o.write_failures),
       "append the packets of every failed handshake to this pcap file")
      ("user,Z", po::value(&o.user), "drop to this user once the interface is open (default when root: nobody)")
      ("allow-root", po::bool_switch(&o.allow_root), "when started as root without -Z, keep parsing as root")
      ("count,c", po::value(&o.count), "stop after this many packets")
      ("duration", po::value(&o.duration)->default_value("0"), "stop after this long (e.g. 30s); 0 = no limit")
      ("ca-file", po::value(&o.trust.ca_files)->composing(), "PEM CA bundle to check server chains against")
      ("ca-path", po::value(&o.trust.ca_paths)->composing(), "directory of hashed CA certificates (c_rehash)")
      ("trust", po::value(&o.trust.trust), "'system': check server chains against the system's CA store")
      ("keylog", po::value(&o.trust.keylogs)->composing(),
       "NSS key log (SSLKEYLOGFILE) to decrypt handshakes; may be repeated (read once, at start)");
  return desc;
}

// -1: go on; otherwise the exit status.
int parse(int argc, char** argv, LiveOptions& o) {
  auto desc = describe(o);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "tlsdiag live: " << e.what() << "\n" << desc;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  if (!o.list_interfaces && o.interface.empty()) {
    std::cerr << "tlsdiag live: no interface (-i IFACE; --list-interfaces lists them)\n" << desc;
    return 2;
  }
  return -1;
}

// tcpdump -D's layout: "1.eth0 (description) [Up, Running, Connected]".
int print_interfaces() {
  std::string error;
  const auto interfaces = capture::list_interfaces(error);
  if (!error.empty()) {
    std::cerr << "tlsdiag live: " << error << "\n";
    return 2;
  }
  int n = 0;
  for (const capture::InterfaceInfo& i : interfaces) {
    std::cout << ++n << "." << i.name;
    if (!i.description.empty()) std::cout << " (" << i.description << ")";
    std::cout << " [";
    for (std::size_t k = 0; k < i.flags.size(); ++k) std::cout << (k ? ", " : "") << i.flags[k];
    std::cout << (i.flags.empty() ? "none]\n" : "]\n");
  }
  return 0;
}

struct Settings {
  LiveFormat format = LiveFormat::Text;
  LiveLoopSettings loop;
  std::size_t memory_limit = 0;
  Caps caps;
};

std::optional<Settings> validate(const LiveOptions& o) {
  Settings s;
  if (o.format == "jsonl") s.format = LiveFormat::Jsonl;
  else if (o.format != "text") {
    std::cerr << "tlsdiag live: unknown format '" << o.format << "' (text, jsonl)\n";
    return std::nullopt;
  }
  const auto stats = parse_duration_ns(o.stats_interval);
  const auto timeout = parse_duration_ns(o.flow_timeout);
  const auto duration = parse_duration_ns(o.duration);
  if (!stats || !timeout || !duration || *timeout == 0) {
    std::cerr << "tlsdiag live: durations look like 60, 60s, 500ms, 5m or 1h (--flow-timeout above 0)\n";
    return std::nullopt;
  }
  if (o.max_flows == 0 || o.buffer_mib < 1 || o.buffer_mib > 2047) {
    std::cerr << "tlsdiag live: --max-flows must be at least 1, --buffer-size 1..2047 MiB\n";
    return std::nullopt;
  }
  const auto memory_limit = parse_byte_size(o.memory_limit);
  if (!memory_limit) {
    std::cerr << "tlsdiag live: --memory-limit: not a size: '" << o.memory_limit << "' (e.g. 512M, 2G)\n";
    return std::nullopt;
  }
  s.memory_limit = *memory_limit;
  std::string cap_error;
  const std::optional<Caps> caps = parse_caps(o.caps, cap_error);
  if (!caps) {
    std::cerr << "tlsdiag live: " << cap_error << "\n";
    return std::nullopt;
  }
  s.caps = *caps;
  s.loop = LiveLoopSettings{o.count, *duration, *stats, *timeout};
  return s;
}

std::string current_user_name() {
  const passwd* pw = getpwuid(getuid());
  return pw != nullptr ? pw->pw_name : "";
}

// Everything that needs privileges or start-up files, in order: CA and key files, the device, the
// output files; then the privileges go, before the first packet is parsed.
struct Opened {
  std::optional<analysis::TrustStore> trust;
  std::optional<tls::KeyLog> keys;
  std::unique_ptr<capture::LiveSource> source;
  std::unique_ptr<LineOutput> output;
  std::unique_ptr<PcapWriter> failures_pcap;
};

bool open_all(const LiveOptions& o, Opened& x) {
  try {
    x.trust = load_trust(o.trust);
    x.keys = load_keylogs(o.trust);
  } catch (const std::exception& e) {
    std::cerr << "tlsdiag live: " << e.what() << "\n";
    return false;
  }
  x.source = std::make_unique<capture::LiveSource>(
      capture::LiveSourceOptions{o.interface, o.filter, o.buffer_mib * 1024 * 1024, !o.no_promiscuous,
                                 o.immediate ? 0 : capture::kDefaultBatchMs});
  if (auto error = x.source->open()) {
    std::cerr << "tlsdiag live: " << error->message << "\n";
    return false;
  }
  for (const std::string& w : x.source->warnings()) std::cerr << "tlsdiag live: warning: " << w << "\n";
  x.output = o.output.empty() ? std::make_unique<LineOutput>() : std::make_unique<LineOutput>(o.output);
  if (auto error = x.output->open()) {
    std::cerr << "tlsdiag live: " << *error << "\n";
    return false;
  }
  if (!o.write_failures.empty()) {
    const capture::InputInfo& info = x.source->info();
    x.failures_pcap = std::make_unique<PcapWriter>(o.write_failures, pcap_link_type(info.link_type), info.snaplen);
    if (auto error = x.failures_pcap->open()) {
      std::cerr << "tlsdiag live: " << *error << "\n";
      return false;
    }
  }
  return true;
}

bool drop_privileges(const LiveOptions& o) {
  std::string error;
  const auto plan = plan_privileges(geteuid(), current_user_name(), PrivilegeRequest{o.user, o.allow_root}, error);
  if (!plan) {
    std::cerr << "tlsdiag live: " << error << "\n";
    return false;
  }
  if (auto failed = apply_privileges(*plan)) {
    std::cerr << "tlsdiag live: cannot drop privileges: " << *failed << "\n";
    return false;
  }
  if (plan->stay_root) std::cerr << "tlsdiag live: warning: parsing packets as root (--allow-root)\n";
  return true;
}

// On stderr, like tcpdump's "listening on": also the cue that capturing has started.
void announce(const LiveOptions& o, const capture::LiveSource& source) {
  const capture::InputInfo& info = source.info();
  std::cerr << "tlsdiag live: listening on " << info.path << ", link-type " << info.link_name << ", snapshot length "
            << info.snaplen << " bytes, filter \"" << o.filter << "\"; parsing as " << describe_identity() << std::endl;
}

int run(const LiveOptions& o, const Settings& s, Opened& x) {
  const std::int64_t start = steady_now_ns();
  LiveReport report(*x.output, LiveReportOptions{s.format, o.all, o.incomplete, o.interface}, start);
  std::unique_ptr<PacketRing> ring;
  std::unique_ptr<FailureRecorder> recorder;
  analysis::FlowSink* sink = &report;
  if (x.failures_pcap) {
    ring = std::make_unique<PacketRing>();
    recorder = std::make_unique<FailureRecorder>(report, *ring, *x.failures_pcap);
    sink = recorder.get();
  }
  LivePipelineOptions popts;
  popts.source = o.interface;
  popts.max_flows = o.max_flows;
  popts.memory_limit = s.memory_limit;
  popts.reassembly = s.caps.reassembly;
  popts.tls = s.caps.tls;
  popts.flow_timeout_ns = s.loop.flow_timeout_ns;
  popts.trust = x.trust ? x.trust->get() : nullptr;
  popts.keys = x.keys ? &*x.keys : nullptr;
  LivePipeline pipeline(*sink, popts, ring.get());
  SignalWatch signals;
  LiveParts parts{*x.source, pipeline, report, *x.output, recorder.get(), x.failures_pcap.get()};
  return run_live_loop(parts, s.loop, signals);
}

}  // namespace

int live_command(int argc, char** argv) {
  LiveOptions o;
  if (int rc = parse(argc, argv, o); rc >= 0) return rc;
  if (o.list_interfaces) return print_interfaces();
  const auto settings = validate(o);
  if (!settings) return 2;
  Opened opened;
  if (!open_all(o, opened)) return 2;
  if (!drop_privileges(o)) return 2;
  announce(o, *opened.source);
  return run(o, *settings, opened);
}

}  // namespace tlsdiag::app
