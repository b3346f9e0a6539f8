#pragma once
// ReportOutput: where `analyze` and `merge` write their report, the file named by --output
// (truncated) or standard output, through one 256 KiB buffer that write(2) sees whole.
// std::cout on stdio wrote each character of the JSON document's summary through a locked putc,
// and stdio's 4 KiB buffer, like std::ofstream (which writes anything over 1 KiB straight
// through), made one write(2) per JSON Lines flow: 37,000 for a 1 GB capture. A terminal keeps
// std::cout and its line buffering, so a user watching sees lines as they come.
#include <memory>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>

namespace tlsdiag::app {

// A std::streambuf on a file descriptor with one large buffer: characters go into
// std::streambuf's put area inline, strings are copied in unless they are larger than the buffer.
// A failed write(2) makes every later one fail (the stream goes bad); error() says why.
class FdStreamBuf : public std::streambuf {
 public:
  FdStreamBuf(int fd, std::size_t buffer_bytes);
  ~FdStreamBuf() override;  // writes what is left; does not close the descriptor
  FdStreamBuf(const FdStreamBuf&) = delete;
  FdStreamBuf& operator=(const FdStreamBuf&) = delete;

  const std::string& error() const { return error_; }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool write_out(const char* data, std::size_t size);
  bool flush_buffer();

  int fd_;
  std::unique_ptr<char[]> buffer_;
  std::size_t size_;
  std::string error_;
};

class ReportOutput {
 public:
  static constexpr std::size_t kBufferBytes = 256 << 10;

  ReportOutput() = default;
  ~ReportOutput();
  ReportOutput(const ReportOutput&) = delete;
  ReportOutput& operator=(const ReportOutput&) = delete;

  // Opens |path| for writing (truncating), or takes standard output when |path| is empty; the
  // error to print when the file cannot be opened.
  std::optional<std::string> open(const std::string& path);
  std::ostream& stream() { return *stream_; }
  // Writes out what is buffered; why the report could not be written whole, if it could not.
  std::optional<std::string> finish();

 private:
  int fd_ = -1;  // --output's descriptor, closed here
  std::unique_ptr<FdStreamBuf> buf_;
  std::unique_ptr<std::ostream> own_stream_;
  std::ostream* stream_ = nullptr;
};

}  // namespace tlsdiag::app
