#pragma once
// BatchRunner: analyses many inputs on N threads into one report, with the output of one thread.
//
// Input: BatchInputs in output order (files as given, directories sorted, rotated pieces
// grouped). Output: for each input in that order, its flows (in the order its Correlator gives
// them: of their first packet, or as they end) and then report.on_input_done(result) — the same
// calls, in the same order, whatever the number of threads, so the output is byte-identical to
// -j 1.
//
// How: each worker runs one input's whole chain (pipeline.h) into the input's DeferredSink. The
// main thread takes inputs in order: it connects the next input's DeferredSink to the report
// (replaying what the input already recorded; from then on that input writes straight through),
// waits for the input to finish, reports it, and moves on. At most 2 x jobs inputs are started
// and not yet reported, so a slow early input bounds the records waiting behind it. Only the
// input being reported touches the report, from its worker or from the main thread, never both
// at once.
// Does not call report.on_finish(): the caller does, after the last input.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline.h"
#include "tlsdiag/analysis/flow_sink.h"

namespace tlsdiag::app {

// One unit of work: a capture file, or the rotated pieces of one capture (read as one).
struct BatchInput {
  std::vector<std::string> paths;
  std::uint64_t bytes = 0;  // size on disk (all pieces), for progress
  // Known bad before reading (a directory that could not be walked): reported, not analysed.
  std::optional<std::string> error;
};

struct BatchProgress {
  std::size_t inputs_done = 0;
  std::size_t inputs_total = 0;
  std::uint64_t bytes_done = 0;   // bytes of the files on disk read so far
  std::uint64_t bytes_total = 0;
};

// What the caller sees as inputs finish; main thread only.
class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  // After report.on_input_done(result), in input order.
  virtual void on_input_done(std::size_t index, const analysis::InputResult& result) = 0;
  // About every BatchOptions::tick while inputs run, and once at the end.
  virtual void on_progress(const BatchProgress& progress) = 0;
};

struct BatchOptions {
  unsigned jobs = 1;  // worker threads; 0 = std::thread::hardware_concurrency()
  std::chrono::milliseconds tick{200};
};

// jobs as given, or the number of cores for 0 (at least 1).
unsigned effective_jobs(unsigned jobs);

// Runs every input; see the file comment. |observer| may be null.
void run_batch(const std::vector<BatchInput>& inputs, const PipelineOptions& pipeline,
               const BatchOptions& options, analysis::FlowSink& report, BatchObserver* observer);

}  // namespace tlsdiag::app
