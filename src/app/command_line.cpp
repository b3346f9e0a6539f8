#include "command_line.h"

#include <iostream>

namespace tlsdiag::app {

namespace po = boost::program_options;

int parse_command_line(std::string_view command, int argc, char** argv, const po::options_description& desc,
                       std::vector<std::string>& inputs) {
  po::options_description hidden;
  hidden.add_options()("input", po::value(&inputs));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "tlsdiag " << command << ": " << e.what() << "\n" << desc;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  if (inputs.empty()) {
    std::cerr << "tlsdiag " << command << ": no input files\n" << desc;
    return 2;
  }
  return -1;
}

}  // namespace tlsdiag::app
