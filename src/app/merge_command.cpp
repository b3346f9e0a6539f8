#include "merge_command.h"

#include <fstream>
#include <iostream>
#include <boost/program_options.hpp>

#include "command_line.h"
#include "report_output.h"
#include "tlsdiag/report/json_report.h"
#include "tlsdiag/report/report.h"

namespace tlsdiag::app {

namespace po = boost::program_options;

namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string output;
};

po::options_description describe(MergeOptions& o) {
  po::options_description desc(
      "tlsdiag merge [options] REPORT.json...\n"
      "Combines the `tlsdiag analyze --format json` reports of separate runs (shards of a set of\n"
      "captures) into one, as if their inputs had been analysed in one run in the order given:\n"
      "inputs and flows follow each other, the summary is recomputed from the reports' merge_state.\n"
      "\n"
      "Options");
  desc.add_options()
      ("help,h", "show this help")
      ("output,o", po::value(&o.output), "write the merged report to this file instead of stdout");
  return desc;
}

// Reads every report into |merge|; false after a message when one cannot be read or merged.
bool read_reports(const std::vector<std::string>& paths, report::JsonMerge& merge) {
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "tlsdiag merge: cannot read " << path << "\n";
      return false;
    }
    std::string error;
    if (!merge.add(in, error)) {
      std::cerr << "tlsdiag merge: " << path << ": " << error << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int merge_command(int argc, char** argv) {
  MergeOptions o;
  const po::options_description desc = describe(o);
  if (int rc = parse_command_line("merge", argc, argv, desc, o.inputs); rc >= 0) return rc;
  report::JsonMerge merge;
  // Nothing is written unless every report merges: a report short of a shard would look whole.
  if (!read_reports(o.inputs, merge)) return 2;
  ReportOutput output;
  if (auto error = output.open(o.output)) {
    std::cerr << "tlsdiag merge: " << *error << "\n";
    return 2;
  }
  std::ostream& out = output.stream();
  merge.write(out, report::kToolVersion);
  if (auto error = output.finish()) {
    std::cerr << "tlsdiag merge: " << *error << "\n";
    return 2;
  }
  return merge.summary().exit_code();
}

}  // namespace tlsdiag::app
