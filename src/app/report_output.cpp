#include "report_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace tlsdiag::app {

FdStreamBuf::FdStreamBuf(int fd, std::size_t buffer_bytes)
    : fd_(fd), buffer_(std::make_unique<char[]>(buffer_bytes)), size_(buffer_bytes) {
  setp(buffer_.get(), buffer_.get() + size_);
}

FdStreamBuf::~FdStreamBuf() { flush_buffer(); }

bool FdStreamBuf::write_out(const char* data, std::size_t size) {
  while (size > 0 && error_.empty()) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? std::strerror(errno) : "nothing written";
      break;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return error_.empty();
}

bool FdStreamBuf::flush_buffer() {
  const auto used = static_cast<std::size_t>(pptr() - pbase());
  setp(buffer_.get(), buffer_.get() + size_);
  return write_out(buffer_.get(), used);
}

FdStreamBuf::int_type FdStreamBuf::overflow(int_type c) {
  if (!flush_buffer()) return traits_type::eof();
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

std::streamsize FdStreamBuf::xsputn(const char* s, std::streamsize n) {
  const auto size = static_cast<std::size_t>(n);
  if (size > static_cast<std::size_t>(epptr() - pptr())) {
    if (!flush_buffer()) return 0;
    if (size >= size_) return write_out(s, size) ? n : 0;
  }
  std::memcpy(pptr(), s, size);
  pbump(static_cast<int>(size));
  return n;
}

int FdStreamBuf::sync() { return flush_buffer() ? 0 : -1; }

ReportOutput::~ReportOutput() {
  if (own_stream_) own_stream_->flush();
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> ReportOutput::open(const std::string& path) {
  if (path.empty() && isatty(STDOUT_FILENO) != 0) {
    stream_ = &std::cout;
    return std::nullopt;
  }
  int fd = STDOUT_FILENO;
  if (!path.empty()) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) return "cannot write " + path + ": " + std::strerror(errno);
    fd_ = fd;
  }
  buf_ = std::make_unique<FdStreamBuf>(fd, kBufferBytes);
  own_stream_ = std::make_unique<std::ostream>(buf_.get());
  stream_ = own_stream_.get();
  return std::nullopt;
}

std::optional<std::string> ReportOutput::finish() {
  stream_->flush();
  if (buf_ && !buf_->error().empty()) return "writing the report failed: " + buf_->error();
  if (!*stream_) return "writing the report failed";
  return std::nullopt;
}

}  // namespace tlsdiag::app
