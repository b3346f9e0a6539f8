#pragma once
// LineOutput: where live mode's lines go, standard output or a file (--output), one whole line
// per write(2). Nothing is buffered in the process, so `tail -f` and log shippers see each line
// as soon as it is written, and a file opened with O_APPEND keeps lines whole when logrotate's
// copytruncate empties it under us.
//
// reopen() (on SIGHUP) opens the same path again: after logrotate renamed the file, lines go to
// a new one. If the new open fails the old descriptor stays in use and the error is returned.
// A write that fails sets a sticky state: BrokenPipe (the reader went away, EPIPE: SIGPIPE must
// be ignored) or Error (disk full, ...; error() says why); later writes do nothing.
#include <optional>
#include <string>
#include <string_view>

namespace tlsdiag::app {

class LineOutput {
 public:
  enum class State { Ok, BrokenPipe, Error };

  // Standard output.
  LineOutput() = default;
  // A file, created (mode 0640) if missing, appended to.
  explicit LineOutput(std::string path) : path_(std::move(path)) {}
  ~LineOutput();
  LineOutput(const LineOutput&) = delete;
  LineOutput& operator=(const LineOutput&) = delete;

  std::optional<std::string> open();
  std::optional<std::string> reopen();  // nothing to do for standard output
  // Writes |line| and a newline. Returns false once the state is not Ok.
  bool write_line(std::string_view line);

  State state() const { return state_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }  // empty: standard output

 private:
  std::optional<std::string> open_file(int& fd) const;

  std::string path_;
  int fd_ = 1;
  State state_ = State::Ok;
  std::string error_;
};

}  // namespace tlsdiag::app
