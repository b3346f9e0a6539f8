#include "line_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace tlsdiag::app {

LineOutput::~LineOutput() {
  if (!path_.empty() && fd_ >= 0) ::close(fd_);
}

std::optional<std::string> LineOutput::open_file(int& fd) const {
  fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return path_ + ": cannot open for appending: " + std::strerror(errno);
  return std::nullopt;
}

std::optional<std::string> LineOutput::open() {
  if (path_.empty()) return std::nullopt;
  int fd = -1;
  if (auto error = open_file(fd)) return error;
  fd_ = fd;
  return std::nullopt;
}

std::optional<std::string> LineOutput::reopen() {
  if (path_.empty()) return std::nullopt;
  int fd = -1;
  if (auto error = open_file(fd)) return error;
  ::close(fd_);
  fd_ = fd;
  return std::nullopt;
}

bool LineOutput::write_line(std::string_view line) {
  if (state_ != State::Ok) return false;
  std::string buf;
  buf.reserve(line.size() + 1);
  buf.append(line);
  buf.push_back('\n');
  std::size_t done = 0;
  while (done < buf.size()) {
    const ssize_t n = ::write(fd_, buf.data() + done, buf.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;  // a signal (SIGHUP, SIGINT) came in: finish the line first
    if (errno == EPIPE) {
      state_ = State::BrokenPipe;
    } else {
      state_ = State::Error;
      error_ = (path_.empty() ? std::string("standard output") : path_) + ": cannot write: " + std::strerror(errno);
    }
    return false;
  }
  return true;
}

}  // namespace tlsdiag::app
