#include "tlsdiag/analysis/finalizer.h"

#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/analysis/correlator.h"

namespace tlsdiag::analysis {

Finalizer::Finalizer(FlowSink& next, x509_store_st* trust)
    : next_(next), trust_(trust), certificates_(std::make_unique<CertificateCache>()) {}

Finalizer::~Finalizer() = default;

void Finalizer::on_flow(const FlowRecord& flow) {
  FlowRecord judged = flow;
  finalize(judged, trust_, certificates_.get());
  next_.on_flow(judged);
}

void Finalizer::take_flow(std::unique_ptr<FlowRecord> flow) {
  finalize(*flow, trust_, certificates_.get());
  next_.take_flow(std::move(flow));
}

std::unique_ptr<HeldFlow> Finalizer::hold(FlowRecord&& flow) {
  finalize(flow, trust_, certificates_.get());
  return next_.hold(std::move(flow));
}

}  // namespace tlsdiag::analysis
