#include "report_thread.h"

#include <utility>

#include "tlsdiag/util/memory_budget.h"

namespace tlsdiag::app {

struct ReportThread::Token final : analysis::HeldFlow {
  explicit Token(std::uint64_t i) : id(i) {}
  std::uint64_t id;
};

ReportThread::ReportThread(analysis::FlowSink& next) : next_(next), thread_([this] { run(); }) {}

ReportThread::~ReportThread() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  work_ready_.notify_one();
  thread_.join();
}

void ReportThread::on_flow(const analysis::FlowRecord& flow) {
  take_flow(std::make_unique<analysis::FlowRecord>(flow));
}

void ReportThread::take_flow(std::unique_ptr<analysis::FlowRecord> flow) {
  push(Call{Kind::Flow, 0, std::move(flow)});
}

std::unique_ptr<analysis::HeldFlow> ReportThread::hold(analysis::FlowRecord&& flow) {
  return take_and_hold(std::make_unique<analysis::FlowRecord>(std::move(flow)));
}

std::unique_ptr<analysis::HeldFlow> ReportThread::take_and_hold(std::unique_ptr<analysis::FlowRecord> flow) {
  const std::uint64_t id = next_token_++;
  push(Call{Kind::Hold, id, std::move(flow)});
  return std::make_unique<Token>(id);
}

void ReportThread::release(std::unique_ptr<analysis::HeldFlow> held) {
  push(Call{Kind::Release, static_cast<const Token&>(*held).id, nullptr});
}

std::size_t ReportThread::held_bytes(std::size_t record_bytes) const {
  return heap_block(sizeof(Token)) + sizeof(held_.front()) + next_.held_bytes(record_bytes);
}

void ReportThread::push(Call call) {
  if (failed_.load(std::memory_order_acquire)) {
    std::lock_guard lock(mutex_);
    std::rethrow_exception(error_);
  }
  outbox_.push_back(std::move(call));
  if (outbox_.size() >= kWakeBatch) hand_over();
}

void ReportThread::hand_over() {
  std::unique_lock lock(mutex_);
  room_.wait(lock, [&] { return in_flight_ + outbox_.size() <= kMaxQueued || error_ != nullptr; });
  if (error_ != nullptr) std::rethrow_exception(error_);
  for (Call& call : outbox_) queue_.push_back(std::move(call));
  in_flight_ += outbox_.size();
  outbox_.clear();
  work_ready_.notify_one();
  free_returned(lock);
}

// Frees, outside the lock, the records the report thread is done with.
void ReportThread::free_returned(std::unique_lock<std::mutex>& lock) {
  if (returned_.empty()) return;
  std::vector<std::unique_ptr<analysis::FlowRecord>> done;
  done.swap(returned_);
  lock.unlock();
  done.clear();
  lock.lock();
}

void ReportThread::drain() {
  if (!outbox_.empty()) hand_over();
  std::unique_lock lock(mutex_);
  room_.wait(lock, [&] { return in_flight_ == 0 || error_ != nullptr; });
  free_returned(lock);
  if (error_ != nullptr) std::rethrow_exception(error_);
}

void ReportThread::run() {
  std::vector<Call> batch;
  std::vector<std::unique_ptr<analysis::FlowRecord>> done;
  std::unique_lock lock(mutex_);
  for (;;) {
    work_ready_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    batch.swap(queue_);
    lock.unlock();
    std::exception_ptr error;
    try {
      for (Call& call : batch) deliver(call);
    } catch (...) {
      error = std::current_exception();
    }
    for (Call& call : batch)
      if (call.flow) done.push_back(std::move(call.flow));
    const std::size_t delivered = batch.size();
    batch.clear();
    lock.lock();
    for (auto& record : done) returned_.push_back(std::move(record));
    done.clear();
    in_flight_ -= delivered;
    if (error != nullptr && error_ == nullptr) {
      error_ = error;
      failed_.store(true, std::memory_order_release);
    }
    room_.notify_one();
    if (error_ != nullptr) return;
  }
}

void ReportThread::deliver(Call& call) {
  switch (call.kind) {
    case Kind::Flow:
      next_.on_flow(*call.flow);
      return;
    case Kind::Hold:
      held_.push_back(next_.hold(std::move(*call.flow)));  // tokens come in order: this is call.token
      return;
    case Kind::Release: {
      if (call.token < first_held_ || call.token - first_held_ >= held_.size()) return;
      std::unique_ptr<analysis::HeldFlow> held = std::move(held_[call.token - first_held_]);
      for (; !held_.empty() && !held_.front(); ++first_held_) held_.pop_front();
      if (held) next_.release(std::move(held));
      return;
    }
  }
}

}  // namespace tlsdiag::app
