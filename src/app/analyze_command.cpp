#include "analyze_command.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <boost/program_options.hpp>

#include "pipeline.h"
#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/report/report.h"
#include "tlsdiag/tls/keylog.h"

namespace tlsdiag::app {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

struct AnalyzeOptions {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string output;
  std::string color = "auto";
  bool only_failures = false;
  bool show_ok = false;
  std::vector<std::string> ca_files, ca_paths;
  std::string trust;
  std::vector<std::string> keylogs;
  PipelineOptions pipeline;
};

bool looks_like_capture(const fs::path& p) {
  const std::string name = p.filename().string();
  for (std::string_view ext : {".pcap", ".pcapng", ".cap", ".dmp"})
    if (name.size() >= ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) return true;
  return false;
}

// Files as given; directories walked recursively for capture files, sorted for determinism.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (!fs::is_directory(in, ec)) {
      files.push_back(in);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(in, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->is_regular_file(ec) && looks_like_capture(it->path())) found.push_back(it->path().string());
    std::ranges::sort(found);
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

po::options_description describe(AnalyzeOptions& o) {
  po::options_description desc("tlsdiag analyze [options] FILE_OR_DIR...");
  desc.add_options()
      ("help,h", "show this help")
      ("format,f", po::value(&o.format)->default_value("text"), "output format: text, json, jsonl")
      ("output,o", po::value(&o.output), "write the report to this file instead of stdout")
      ("filter", po::value(&o.pipeline.bpf_filter), "BPF filter applied while reading (e.g. 'tcp port 8443')")
      ("only-failures", po::bool_switch(&o.only_failures), "report only failed handshakes (all are still counted)")
      ("show-ok", po::bool_switch(&o.show_ok), "text: list successful handshakes too")
      ("color", po::value(&o.color)->default_value("auto"), "text colours: auto, always, never")
      ("max-flows", po::value(&o.pipeline.max_flows)->default_value(1'000'000), "open-flow table cap per input")
      ("ca-file", po::value(&o.ca_files)->composing(), "PEM CA bundle to check server chains against (at capture time)")
      ("ca-path", po::value(&o.ca_paths)->composing(), "directory of hashed CA certificates (c_rehash) to check against")
      ("trust", po::value(&o.trust), "'system': check server chains against the system's CA store")
      ("keylog", po::value(&o.keylogs)->composing(),
       "NSS key log (SSLKEYLOGFILE) to decrypt TLS 1.3 handshakes and TLS 1.2 records; may be repeated");
  return desc;
}

int parse(int argc, char** argv, AnalyzeOptions& o) {
  auto desc = describe(o);
  po::options_description hidden;
  hidden.add_options()("input", po::value(&o.inputs));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "tlsdiag analyze: " << e.what() << "\n" << desc;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  if (o.inputs.empty()) {
    std::cerr << "tlsdiag analyze: no input files\n" << desc;
    return 2;
  }
  return -1;
}

// Builds the CA store from --ca-file / --ca-path / --trust system; none given = no trust check.
std::optional<analysis::TrustStore> load_trust(const AnalyzeOptions& o) {
  if (o.ca_files.empty() && o.ca_paths.empty() && o.trust.empty()) return std::nullopt;
  if (!o.trust.empty() && o.trust != "system") throw std::runtime_error("--trust takes 'system'");
  analysis::TrustStore store;
  for (const auto& f : o.ca_files) store.add_file(f);
  for (const auto& d : o.ca_paths) store.add_dir(d);
  if (o.trust == "system") store.add_system_default();
  return store;
}

// Reads every --keylog file into one key log; a bad line is a warning (with its line number), a
// file that cannot be read an error.
std::optional<tls::KeyLog> load_keylogs(const AnalyzeOptions& o) {
  if (o.keylogs.empty()) return std::nullopt;
  tls::KeyLog all;
  for (const std::string& path : o.keylogs) {
    std::string error;
    std::optional<tls::KeyLog> log = tls::KeyLog::load(path, error);
    if (!log) throw std::runtime_error(error);
    for (const tls::KeyLogWarning& w : log->warnings()) std::cerr << "tlsdiag: " << path << ": " << w.message << "\n";
    all.merge(*log);
  }
  return all;
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
  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::out | std::ios::trunc);
    if (!file) {
      std::cerr << "tlsdiag analyze: cannot write " << o.output << "\n";
      return 2;
    }
  }
  std::ostream& out = o.output.empty() ? std::cout : file;
  report::ReportOptions ropts;
  ropts.only_failures = o.only_failures;
  ropts.show_ok = o.show_ok;
  ropts.color = o.color == "always" || (o.color == "auto" && o.output.empty() && isatty(STDOUT_FILENO));
  std::optional<analysis::TrustStore> trust;
  std::optional<tls::KeyLog> keys;
  try {
    trust = load_trust(o);
    keys = load_keylogs(o);
  } catch (const std::exception& e) {
    std::cerr << "tlsdiag analyze: " << e.what() << "\n";
    return 2;
  }
  if (trust) o.pipeline.trust = trust->get();
  if (keys) o.pipeline.keys = &*keys;
  auto rep = report::make_report(*format, out, ropts);

  bool input_error = false;
  const auto files = expand_inputs(o.inputs);
  if (files.empty()) {
    std::cerr << "tlsdiag analyze: no capture files found\n";
    input_error = true;
  }
  for (const std::string& path : files) {
    analysis::InputResult result = analyze_file(path, o.pipeline, *rep);
    if (result.error) {
      input_error = true;
      // The capture stage's message names the file and, where it knows it, the byte offset.
      std::cerr << "tlsdiag: " << *result.error << "\n";
    }
    rep->on_input_done(result);
  }
  rep->on_finish();
  out.flush();
  if (input_error) return 2;
  return rep->summary().failed() > 0 ? 1 : 0;
}

}  // namespace tlsdiag::app
