#pragma once
// A report stand-in for the sinks between a correlator and its report (DeferredSink): logs every
// call ("flow 3", "hold 4", "release 4") and the thread it came on. hold() returns null for flows
// it "does not print" (first_packet divisible by 5), like a report under --only-failures; a call
// equal to throw_at throws instead, like a report that cannot write.
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tlsdiag/analysis/flow_sink.h"

namespace tlsdiag::app {

class CallLog final : public analysis::FlowSink {
 public:
  struct Held final : analysis::HeldFlow {
    explicit Held(std::uint64_t n) : first_packet(n) {}
    std::uint64_t first_packet;
  };
  void on_flow(const analysis::FlowRecord& flow) override { add("flow " + std::to_string(flow.first_packet)); }
  std::unique_ptr<analysis::HeldFlow> hold(analysis::FlowRecord&& flow) override {
    add("hold " + std::to_string(flow.first_packet));
    if (flow.first_packet % 5 == 0) return nullptr;
    return std::make_unique<Held>(flow.first_packet);
  }
  void release(std::unique_ptr<analysis::HeldFlow> held) override {
    add("release " + std::to_string(static_cast<Held&>(*held).first_packet));
  }
  void on_input_done(const analysis::InputResult&) override { add("input"); }
  void on_finish() override { add("finish"); }

  std::vector<std::string> log;
  std::vector<std::thread::id> threads;
  std::string throw_at;

 private:
  void add(std::string call) {
    if (call == throw_at) throw std::runtime_error("report failed at " + call);
    log.push_back(std::move(call));
    threads.push_back(std::this_thread::get_id());
  }
};

}  // namespace tlsdiag::app
