#pragma once
// What a fatal alert means for the verdict, as data (RFC 8446 §6.2, RFC 5246 §7.2.2).
#include <cstdint>

#include "tlsdiag/analysis/verdict.h"

namespace tlsdiag::analysis {

struct AlertMeaning {
  std::uint8_t code;
  Reason reason;
  const char* client_fix;   // remediation when the client sent it (it rejected the server)
  const char* server_fix;   // remediation when the server sent it (it rejected the client)
};

// nullptr for codes without a specific meaning (reason other_alert).
const AlertMeaning* alert_meaning(std::uint8_t code);
// The first alert whose meaning is |reason|, for the remediation of an inferred reason.
const AlertMeaning* alert_meaning_for(Reason reason);

}  // namespace tlsdiag::analysis
