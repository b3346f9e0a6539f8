#pragma once
// ReportOutput: where `analyze` and `merge` write their report, the file named by --output
// (truncated) or standard output, through a 256 KiB stdio buffer. With stdio's own buffer (the
// device's block size, 4 KiB) or std::ofstream (which writes anything over 1 KiB straight
// through), a JSON Lines report made one write(2) per flow line: 37,000 for a 1 GB capture.
// A terminal keeps its line buffering, so a user watching sees lines as they come.
#include <cstdio>
#include <ext/stdio_sync_filebuf.h>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace tlsdiag::app {

class ReportOutput {
 public:
  static constexpr std::size_t kBufferBytes = 256 << 10;

  ReportOutput() = default;
  ~ReportOutput();  // flushes and closes the file
  ReportOutput(const ReportOutput&) = delete;
  ReportOutput& operator=(const ReportOutput&) = delete;

  // Opens |path| for writing (truncating), or takes standard output when |path| is empty; the
  // error to print when the file cannot be opened. Call before anything is written to stdout.
  std::optional<std::string> open(const std::string& path);
  std::ostream& stream() { return *stream_; }

 private:
  std::FILE* file_ = nullptr;  // --output; nullptr for standard output
  std::unique_ptr<char[]> buffer_;
  std::unique_ptr<__gnu_cxx::stdio_sync_filebuf<char>> file_buf_;  // what std::cout is to stdout
  std::unique_ptr<std::ostream> file_stream_;
  std::ostream* stream_ = nullptr;
};

}  // namespace tlsdiag::app
