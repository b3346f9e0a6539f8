#pragma once
// Finalizer: the stage that judges finished flows. Input: a Correlator's FlowSink calls with
// records whose verdict is not filled in yet (Correlator::defer_finalize). Output: the same calls
// on |next|, each record first completed by finalize() (established, certificate findings,
// verdict). The offline chain judges here (Correlator::defer_finalize); it became a stage of its
// own to run on the report's thread (session 7), and the correlator now shares that thread.
// Owns the certificate cache, so it is used from one thread at a time.
#include <memory>

#include "tlsdiag/analysis/flow_sink.h"

struct x509_store_st;

namespace tlsdiag::analysis {

class CertificateCache;  // certificate_check.h

class Finalizer final : public FlowSink {
 public:
  // |trust| (optional) is the X509_STORE chains are checked against; it must outlive this.
  explicit Finalizer(FlowSink& next, x509_store_st* trust = nullptr);
  ~Finalizer() override;
  Finalizer(const Finalizer&) = delete;
  Finalizer& operator=(const Finalizer&) = delete;

  void on_flow(const FlowRecord& flow) override;  // judges a copy
  void take_flow(std::unique_ptr<FlowRecord> flow) override;
  std::unique_ptr<HeldFlow> hold(FlowRecord&& flow) override;
  void release(std::unique_ptr<HeldFlow> held) override { next_.release(std::move(held)); }
  std::size_t held_bytes(std::size_t record_bytes) const override { return next_.held_bytes(record_bytes); }
  void on_input_done(const InputResult& result) override { next_.on_input_done(result); }
  void on_finish() override { next_.on_finish(); }

 private:
  FlowSink& next_;
  x509_store_st* trust_;
  std::unique_ptr<CertificateCache> certificates_;  // each server's chain parsed once
};

}  // namespace tlsdiag::analysis
