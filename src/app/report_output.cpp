#include "report_output.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace tlsdiag::app {

namespace {

// Standard output's buffer: stdio may use it until exit, after every object here is gone.
char stdout_buffer[ReportOutput::kBufferBytes];

}  // namespace

ReportOutput::~ReportOutput() {
  if (file_ == nullptr) return;
  file_stream_->flush();
  std::fclose(file_);  // before buffer_ goes
}

std::optional<std::string> ReportOutput::open(const std::string& path) {
  if (path.empty()) {
    // std::cout writes through stdout (synchronised with stdio), so stdout's buffer is the one.
    if (isatty(STDOUT_FILENO) == 0) std::setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer);
    stream_ = &std::cout;
    return std::nullopt;
  }
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr) return "cannot write " + path + ": " + std::strerror(errno);
  buffer_ = std::make_unique<char[]>(kBufferBytes);
  std::setvbuf(file_, buffer_.get(), _IOFBF, kBufferBytes);
  file_buf_ = std::make_unique<__gnu_cxx::stdio_sync_filebuf<char>>(file_);
  file_stream_ = std::make_unique<std::ostream>(file_buf_.get());
  stream_ = file_stream_.get();
  return std::nullopt;
}

}  // namespace tlsdiag::app
