#include "deferred_sink.h"

#include <utility>

namespace tlsdiag::app {

// A flow held through this sink: the number of its Hold call, and the report's own held form
// once the report has seen the hold (directly, or by replay).
struct DeferredSink::Token final : analysis::HeldFlow {
  std::uint64_t id = 0;
  bool held_by_report = false;  // hold() happened after forward_to: |held| is the report's
  std::unique_ptr<analysis::HeldFlow> held;
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
  auto token = std::make_unique<Token>();
  token->id = next_token_++;
  if (report_ != nullptr) {
    token->held_by_report = true;
    token->held = report_->hold(std::move(flow));
  } else {
    calls_.push_back({Kind::Hold, token->id, std::make_unique<analysis::FlowRecord>(std::move(flow))});
  }
  // Never null, unlike a report's: whether the report wants the release is not known yet.
  return token;
}

void DeferredSink::release(std::unique_ptr<analysis::HeldFlow> held) {
  std::lock_guard lock(mutex_);
  auto& token = static_cast<Token&>(*held);
  if (token.held_by_report) {
    if (token.held) report_->release(std::move(token.held));
  } else if (report_ != nullptr) {
    release_to_report(token.id);
  } else {
    calls_.push_back({Kind::Release, token.id, nullptr});
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
  for (Call& call : calls_) replay(call);
  calls_.clear();
  calls_.shrink_to_fit();
}

std::size_t DeferredSink::recorded() const {
  std::lock_guard lock(mutex_);
  return calls_.size();
}

}  // namespace tlsdiag::app
