#include "event_thread.h"

#include <cstring>
#include <type_traits>
#include <utility>

namespace tlsdiag::app {

namespace {

// A TLS body travels inside its call when it is a few plain bytes (an alert, a record's type and
// length, a handshake message's type and length); hellos, certificates and the like go beside.
template <class T>
constexpr bool kInline = std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(std::uint64_t);

template <std::size_t I>
tls::TlsEventBody unpack_inline(std::uint64_t bytes) {
  using T = std::variant_alternative_t<I, tls::TlsEventBody>;
  if constexpr (kInline<T>) {
    T value;
    std::memcpy(static_cast<void*>(&value), &bytes, sizeof(T));
    return tls::TlsEventBody(std::in_place_index<I>, value);
  } else {
    return {};  // never called: such bodies travel beside the call
  }
}

// By the body's alternative index: whether it travels inside the call, and how to unpack it.
struct InlineBody {
  bool travels_inside = false;
  tls::TlsEventBody (*unpack)(std::uint64_t) = nullptr;
};
template <std::size_t... I>
constexpr auto inline_bodies(std::index_sequence<I...>) {
  return std::array<InlineBody, sizeof...(I)>{
      InlineBody{kInline<std::variant_alternative_t<I, tls::TlsEventBody>>, &unpack_inline<I>}...};
}
constexpr auto kInlineBodies = inline_bodies(std::make_index_sequence<std::variant_size_v<tls::TlsEventBody>>{});

}  // namespace

void EventThread::Batch::clear() {
  calls.clear();
  bodies.clear();
  opens.clear();
  closes.clear();
}

EventThread::EventThread(tls::TlsEventSink& next, MemoryBudget* downstream)
    : next_(next), downstream_(downstream), thread_([this] { run(); }) {
  filling_.calls.reserve(kBatchCalls);
}

EventThread::~EventThread() {
  if (budget_ != nullptr) budget_->set_settle({});
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  work_ready_.notify_one();
  thread_.join();
}

void EventThread::set_memory_budget(MemoryBudget* budget) {
  if (budget_ != nullptr) budget_->set_settle({});
  budget_ = budget;
  if (budget_ != nullptr) budget_->set_settle([this] { drain(); });
}

// Rethrows what |next| threw; hands the batch over when it is full, before anything of the next
// call goes into it or beside it.
void EventThread::make_room() {
  if (failed_.load(std::memory_order_acquire)) {
    std::lock_guard lock(mutex_);
    std::rethrow_exception(error_);
  }
  if (filling_.calls.size() >= kBatchCalls) hand_over();
}

// Cannot throw: the calls' capacity is kBatchCalls, so nothing is left half added.
EventThread::Call& EventThread::add(Kind kind, reassembly::FlowId flow, Timestamp ts) {
  Call& call = filling_.calls.emplace_back();
  call.kind = kind;
  call.flow = flow;
  call.ts = ts;
  return call;
}

void EventThread::on_open(const reassembly::FlowInfo& flow) {
  make_room();
  filling_.opens.push_back(flow);
  add(Kind::Open, flow.id, flow.first_seen).value = filling_.opens.size() - 1;
}

void EventThread::on_tcp(reassembly::FlowId flow, const reassembly::TcpEvent& event) {
  make_room();
  Call& call = add(Kind::Tcp, flow, event.ts);
  call.dir = event.dir;
  call.code = static_cast<std::uint8_t>(event.kind);
  call.ttl = event.ttl;
  call.prior_ttl = event.prior_ttl;
  call.packet_number = event.packet_number;
}

void EventThread::on_gap(reassembly::FlowId flow, reassembly::Direction dir, std::uint64_t missing,
                         reassembly::GapKind kind, Timestamp ts) {
  make_room();
  Call& call = add(Kind::Gap, flow, ts);
  call.dir = dir;
  call.code = static_cast<std::uint8_t>(kind);
  call.value = missing;
}

void EventThread::on_tls(const tls::TlsEvent& event) { take_tls(tls::TlsEvent(event)); }

void EventThread::take_tls(tls::TlsEvent&& event) {
  make_room();
  const std::size_t alternative = event.body.index();
  std::uint64_t value = 0;
  if (kInlineBodies.at(alternative).travels_inside) {
    std::visit(
        [&value](const auto& body) {
          if constexpr (kInline<std::decay_t<decltype(body)>>) std::memcpy(&value, &body, sizeof(body));
        },
        event.body);
  } else {
    value = filling_.bodies.size();
    filling_.bodies.push_back(std::move(event.body));
  }
  Call& call = add(Kind::Tls, event.flow, event.ts);
  call.dir = event.dir;
  call.packet_number = event.packet_number;
  call.code = static_cast<std::uint8_t>(alternative);
  call.value = value;
}

void EventThread::on_close(reassembly::FlowId flow, reassembly::CloseReason why, Timestamp ts,
                           const reassembly::FlowStats& stats) {
  make_room();
  filling_.closes.push_back(stats);
  Call& call = add(Kind::Close, flow, ts);
  call.code = static_cast<std::uint8_t>(why);
  call.value = filling_.closes.size() - 1;
}

void EventThread::on_end(Timestamp last) {
  make_room();
  add(Kind::End, 0, last);
}

// Hands the filling batch over, waits until at most kLag are in flight, and tells the budget
// what |next| held after the batch kLag before this one.
void EventThread::hand_over() {
  std::unique_lock lock(mutex_);
  queue_.push_back(std::move(filling_));
  ++handed_;
  work_ready_.notify_one();
  done_.wait(lock, [&] { return delivered_ + kLag >= handed_ || error_ != nullptr; });
  if (error_ != nullptr) std::rethrow_exception(error_);
  if (budget_ != nullptr) {
    const std::size_t held = handed_ > kLag ? held_after_[(handed_ - kLag - 1) % held_after_.size()] : 0;
    budget_->set_elsewhere(held);
  }
  if (spare_.empty()) {
    filling_.calls.reserve(kBatchCalls);
    return;
  }
  filling_ = std::move(spare_.back());
  spare_.pop_back();
  lock.unlock();
  filling_.clear();  // frees the bodies this thread allocated
}

void EventThread::drain() {
  if (!filling_.calls.empty()) hand_over();
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return delivered_ == handed_ || error_ != nullptr; });
  if (error_ != nullptr) std::rethrow_exception(error_);
  if (budget_ != nullptr && handed_ > 0) budget_->set_elsewhere(held_after_[(handed_ - 1) % held_after_.size()]);
}

void EventThread::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_ready_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Batch batch = std::move(queue_.front());
    queue_.erase(queue_.begin());
    lock.unlock();
    std::exception_ptr error;
    try {
      deliver(batch);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    held_after_[delivered_ % held_after_.size()] = downstream_ != nullptr ? downstream_->used() : 0;
    ++delivered_;
    spare_.push_back(std::move(batch));
    if (error != nullptr && error_ == nullptr) {
      error_ = error;
      failed_.store(true, std::memory_order_release);
    }
    done_.notify_one();
    if (error_ != nullptr) return;
  }
}

void EventThread::deliver(Batch& batch) {
  for (const Call& call : batch.calls) {
    switch (call.kind) {
      case Kind::Open:
        next_.on_open(batch.opens[call.value]);
        break;
      case Kind::Tcp:
        next_.on_tcp(call.flow, reassembly::TcpEvent{static_cast<reassembly::TcpEventKind>(call.code), call.dir,
                                                     call.ts, call.ttl, call.prior_ttl, call.packet_number});
        break;
      case Kind::Gap:
        next_.on_gap(call.flow, call.dir, call.value, static_cast<reassembly::GapKind>(call.code), call.ts);
        break;
      case Kind::Tls:
        deliver_tls(batch, call);
        break;
      case Kind::Close:
        next_.on_close(call.flow, static_cast<reassembly::CloseReason>(call.code), call.ts, batch.closes[call.value]);
        break;
      case Kind::End:
        next_.on_end(call.ts);
        break;
    }
  }
}

void EventThread::deliver_tls(Batch& batch, const Call& call) {
  const InlineBody& kind = kInlineBodies[call.code];
  tls::TlsEventBody body = kind.travels_inside ? kind.unpack(call.value) : tls::TlsEventBody(batch.bodies[call.value]);
  next_.take_tls(tls::TlsEvent{call.flow, call.dir, call.ts, call.packet_number, std::move(body)});
}

}  // namespace tlsdiag::app
