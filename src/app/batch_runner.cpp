#include "batch_runner.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "deferred_sink.h"

namespace tlsdiag::app {
namespace {

using Clock = std::chrono::steady_clock;

// One started input: where its chain writes, how far it has read, and its result when done.
struct Slot {
  DeferredSink sink;
  std::atomic<std::uint64_t> bytes_read{0};
  std::optional<analysis::InputResult> result;  // under Batch::mutex
};

// State shared by the workers and the main thread.
class Batch {
 public:
  Batch(const std::vector<BatchInput>& inputs, const PipelineOptions& pipeline, unsigned jobs)
      : inputs_(inputs), pipeline_(pipeline), window_(2 * std::size_t{jobs}), slots_(inputs.size()) {
    for (const BatchInput& input : inputs_) bytes_total_ += input.bytes;
  }

  void work();
  void report_all(analysis::FlowSink& report, BatchObserver* observer, Clock::duration tick);
  // The main thread gives up (the report threw): workers finish their input and stop.
  void abandon();

 private:
  Slot& slot(std::size_t i);  // under mutex_
  analysis::InputResult analyze(std::size_t i, Slot& slot) const;
  BatchProgress progress() const;  // under mutex_

  const std::vector<BatchInput>& inputs_;
  const PipelineOptions& pipeline_;
  const std::size_t window_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<Slot>> slots_;  // started (or being reported) inputs only
  std::size_t next_to_start_ = 0;
  std::size_t next_to_report_ = 0;
  std::uint64_t bytes_reported_ = 0;
  std::uint64_t bytes_total_ = 0;
  bool abandoned_ = false;
};

Slot& Batch::slot(std::size_t i) {
  if (!slots_[i]) slots_[i] = std::make_unique<Slot>();
  return *slots_[i];
}

analysis::InputResult Batch::analyze(std::size_t i, Slot& slot) const {
  const BatchInput& input = inputs_[i];
  analysis::InputResult result;
  result.info.path = input.paths.empty() ? std::string() : input.paths.front();
  if (input.error) {
    result.error = *input.error;
    return result;
  }
  try {
    return analyze_input(input.paths, pipeline_, slot.sink, &slot.bytes_read);
  } catch (const std::exception& e) {
    // Not a per-packet path: out of memory, or a bug. Reported like a bad file; the rest goes on.
    result.error = result.info.path + ": internal error: " + e.what();
    return result;
  }
}

void Batch::work() {
  for (;;) {
    std::size_t i = 0;
    Slot* s = nullptr;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] {
        return abandoned_ || next_to_start_ >= inputs_.size() ||
               next_to_start_ < next_to_report_ + window_;
      });
      if (abandoned_ || next_to_start_ >= inputs_.size()) return;
      i = next_to_start_++;
      s = &slot(i);
    }
    analysis::InputResult result = analyze(i, *s);
    {
      std::lock_guard lock(mutex_);
      s->result = std::move(result);
    }
    changed_.notify_all();
  }
}

BatchProgress Batch::progress() const {
  BatchProgress p;
  p.inputs_done = next_to_report_;
  p.inputs_total = inputs_.size();
  p.bytes_done = bytes_reported_;
  for (std::size_t i = next_to_report_; i < next_to_start_; ++i) {
    if (slots_[i]) p.bytes_done += slots_[i]->bytes_read.load(std::memory_order_relaxed);
  }
  p.bytes_total = bytes_total_;
  return p;
}

void Batch::abandon() {
  {
    std::lock_guard lock(mutex_);
    abandoned_ = true;
  }
  changed_.notify_all();
}

void Batch::report_all(analysis::FlowSink& report, BatchObserver* observer, Clock::duration tick) {
  Clock::time_point last_tick = Clock::now();
  auto maybe_tick = [&](std::unique_lock<std::mutex>& lock) {
    if (observer == nullptr || Clock::now() - last_tick < tick) return;
    last_tick = Clock::now();
    const BatchProgress p = progress();
    lock.unlock();
    observer->on_progress(p);
    lock.lock();
  };
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    Slot* s = nullptr;
    {
      std::lock_guard lock(mutex_);
      s = &slot(i);
    }
    s->sink.forward_to(report);  // its turn: what it recorded goes out, the rest goes straight
    analysis::InputResult result;
    {
      std::unique_lock lock(mutex_);
      while (!s->result) {
        changed_.wait_for(lock, tick);
        maybe_tick(lock);
      }
      result = std::move(*s->result);
    }
    report.on_input_done(result);
    if (observer != nullptr) observer->on_input_done(i, result);
    {
      std::unique_lock lock(mutex_);
      slots_[i].reset();
      bytes_reported_ += inputs_[i].bytes;
      ++next_to_report_;
      maybe_tick(lock);
    }
    changed_.notify_all();
  }
  if (observer != nullptr) {
    std::unique_lock lock(mutex_);
    const BatchProgress p = progress();
    lock.unlock();
    observer->on_progress(p);
  }
}

}  // namespace

unsigned effective_jobs(unsigned jobs) {
  if (jobs == 0) jobs = std::thread::hardware_concurrency();
  return jobs == 0 ? 1 : jobs;
}

void run_batch(const std::vector<BatchInput>& inputs, const PipelineOptions& pipeline,
               const BatchOptions& options, analysis::FlowSink& report, BatchObserver* observer) {
  const unsigned jobs = effective_jobs(options.jobs);
  const std::size_t threads = std::min<std::size_t>(jobs, inputs.size());
  PipelineOptions per_chain = pipeline;  // the memory limit is shared by the inputs run at once
  if (threads > 1) per_chain.memory_limit /= threads;
  // Cores no input would use take stages off each input's analysis thread: first what follows
  // the dissector (correlating, judging, the report: two threads per input), then also its
  // reading (three). On two cores and one input, the event thread alone measured fastest
  // (docs/performance.md): reading ahead as well made three threads share two cores.
  per_chain.event_thread = per_chain.event_thread || 2 * threads <= jobs;
  per_chain.read_ahead = per_chain.read_ahead || 3 * threads <= jobs;
  Batch batch(inputs, per_chain, jobs);
  std::vector<std::jthread> workers;
  for (std::size_t t = 0; t < threads; ++t) workers.emplace_back([&batch] { batch.work(); });
  try {
    batch.report_all(report, observer, options.tick);
  } catch (...) {
    batch.abandon();  // so that the workers end and the jthreads can join
    throw;
  }
}

}  // namespace tlsdiag::app
