#pragma once
// Running a command from a test (the built tlsdiag, mostly): through /bin/sh, with its standard
// output, its exit status and, when asked for, its standard error.
#include <string>

namespace tlsdiag::test {

struct CommandResult {
  int exit_code = -1;  // -1: could not start, or ended by a signal
  std::string out;
  std::string err;  // only with keep_stderr
};

// |s| as one shell word.
std::string shell_quote(const std::string& s);

// Runs |command| with sh -c. Standard error is dropped, or with |keep_stderr| collected through a
// temporary file.
CommandResult run_command(const std::string& command, bool keep_stderr = false);

}  // namespace tlsdiag::test
