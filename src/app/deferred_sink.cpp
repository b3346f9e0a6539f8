#include "deferred_sink.h"

#include <utility>

#include "tlsdiag/util/memory_budget.h"

namespace tlsdiag::app {

// A flow held through this sink before it was connected: the number of its Hold call (what the
// report's hold returns for it at the replay is kept in held_by_report_).
struct DeferredSink::Token final : analysis::HeldFlow {
  const DeferredSink* owner = nullptr;  // a report that is itself a DeferredSink has its own
  std::uint64_t id = 0;
};

void DeferredSink::on_flow(const analysis::FlowRecord& flow) {
  std::lock_guard lock(mutex_);
  if (report_ != nullptr) {
    report_->on_flow(flow);
    return;
  }
  calls_.push_back({Kind::Flow, 0, std::make_unique<analysis::FlowRecord>(flow)});
}

void DeferredSink::take_flow(std::unique_ptr<analysis::FlowRecord> flow) {
  std::lock_guard lock(mutex_);
  if (report_ != nullptr) return report_->take_flow(std::move(flow));
  calls_.push_back({Kind::Flow, 0, std::move(flow)});
}

std::unique_ptr<analysis::HeldFlow> DeferredSink::hold(analysis::FlowRecord&& flow) {
  std::lock_guard lock(mutex_);
  // Connected: the report's own answer, null or not (a flow waiting behind a long one then costs
  // what the report keeps of it, and no token on top).
  if (report_ != nullptr) return report_->hold(std::move(flow));
  auto token = std::make_unique<Token>();
  token->owner = this;
  token->id = next_token_++;
  calls_.push_back({Kind::Hold, token->id, std::make_unique<analysis::FlowRecord>(std::move(flow))});
  // Never null, unlike a report's: whether the report wants the release is not known yet.
  return token;
}

std::size_t DeferredSink::held_bytes(std::size_t record_bytes) const {
  if (const analysis::FlowSink* report = connected_.load(std::memory_order_acquire)) return report->held_bytes(record_bytes);
  return heap_block(sizeof(Token)) + record_bytes;
}

void DeferredSink::release(std::unique_ptr<analysis::HeldFlow> held) {
  std::lock_guard lock(mutex_);
  const auto* token = dynamic_cast<const Token*>(held.get());
  if (token == nullptr || token->owner != this) {
    report_->release(std::move(held));  // held while connected: the report's own
  } else if (report_ != nullptr) {
    release_to_report(token->id);
  } else {
    calls_.push_back({Kind::Release, token->id, nullptr});
  }
}

// Release of a flow whose hold was replayed: hand the report back what its hold() returned.
void DeferredSink::release_to_report(std::uint64_t token) {
  const auto it = held_by_report_.find(token);
  if (it == held_by_report_.end()) return;
  std::unique_ptr<analysis::HeldFlow> held = std::move(it->second);
  held_by_report_.erase(it);
  if (held) report_->release(std::move(held));
}

void DeferredSink::replay(Call& call) {
  switch (call.kind) {
    case Kind::Flow:
      report_->on_flow(*call.flow);
      break;
    case Kind::Hold:
      held_by_report_.emplace(call.token, report_->hold(std::move(*call.flow)));
      break;
    case Kind::Release:
      release_to_report(call.token);
      break;
  }
}

void DeferredSink::forward_to(analysis::FlowSink& report) {
  std::lock_guard lock(mutex_);
  report_ = &report;
  connected_.store(&report, std::memory_order_release);
  for (Call& call : calls_) replay(call);
  calls_.clear();
  calls_.shrink_to_fit();
}

std::size_t DeferredSink::recorded() const {
  std::lock_guard lock(mutex_);
  return calls_.size();
}

}  // namespace tlsdiag::app
