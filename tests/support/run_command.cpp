#include "support/run_command.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace tlsdiag::test {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

namespace {
// A new empty file in the temporary directory, for a command's standard error.
std::string temporary_file() {
  std::string path = (std::filesystem::temp_directory_path() / "tlsdiag-test-stderr-XXXXXX").string();
  const int fd = mkstemp(path.data());
  if (fd < 0) return "/dev/null";
  close(fd);
  return path;
}
}  // namespace

CommandResult run_command(const std::string& command, bool keep_stderr) {
  CommandResult r;
  const std::string err_file = keep_stderr ? temporary_file() : "/dev/null";
  const std::string line = command + " 2>" + shell_quote(err_file);
  FILE* pipe = popen(line.c_str(), "r");
  if (pipe != nullptr) {
    std::array<char, 65536> buf{};
    for (std::size_t n = 0; (n = fread(buf.data(), 1, buf.size(), pipe)) > 0;) r.out.append(buf.data(), n);
    const int status = pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  if (err_file != "/dev/null") {
    std::ifstream err(err_file);
    r.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
    std::error_code ec;
    std::filesystem::remove(err_file, ec);
  }
  return r;
}

}  // namespace tlsdiag::test
