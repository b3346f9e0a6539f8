#pragma once
// The parsing every command that takes capture files shares: options from |desc|, the rest of
// the arguments as inputs. Returns -1 to go on, or the exit status (0 after --help, 2 on a usage
// error, with the message and the options on stderr).
#include <string>
#include <string_view>
#include <vector>
#include <boost/program_options.hpp>

namespace tlsdiag::app {

int parse_command_line(std::string_view command, int argc, char** argv,
                       const boost::program_options::options_description& desc, std::vector<std::string>& inputs);

}  // namespace tlsdiag::app
