#pragma once
// Batch progress: the one-line progress display of `tlsdiag analyze` on a terminal, and the
// BatchObserver that prints it along with each bad input's error and each input's notes.
//
//   [#######.............]  35/100 files  1.2 GB/3.4 GB  85.3 MB/s  ETA 0:27
//
// The line is redrawn in place (\r, erase to end of line) at most every BatchOptions::tick
// (200 ms) and erased before any other line and at the end, so that it never mixes with
// messages or stays on the screen. Nothing is drawn when disabled (stderr is not a terminal, or
// --quiet); errors and notes are printed either way (--quiet keeps the errors only).
#include <chrono>
#include <ostream>
#include <string>

#include "batch_runner.h"

namespace tlsdiag::app {

// The progress line for |p| after |elapsed| seconds (pure: no terminal codes).
std::string format_progress(const BatchProgress& p, double elapsed_seconds);

// "1.2 GB", "850 kB", "12 B": decimal units, three significant digits at most.
std::string format_bytes(std::uint64_t bytes);

class ConsoleObserver final : public BatchObserver {
 public:
  ConsoleObserver(std::ostream& err, bool draw_progress, bool quiet);
  ~ConsoleObserver() override;

  void on_input_done(std::size_t index, const analysis::InputResult& result) override;
  void on_progress(const BatchProgress& progress) override;
  // Erases the progress line (also done by the destructor).
  void clear();

 private:
  std::ostream& err_;
  bool draw_;
  bool quiet_;
  bool shown_ = false;  // a progress line is on the screen
  std::chrono::steady_clock::time_point start_;
};

}  // namespace tlsdiag::app
