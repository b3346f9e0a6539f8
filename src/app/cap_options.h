#pragma once
// The per-flow caps analyze and live share: --max-reassembly-buffer, --max-out-of-order-segments,
// --max-handshake-message, --max-certificates, --max-extensions. Their options, and the stage
// limits they give; the defaults are the stages' own (docs/hostile-input.md). Each hit is counted
// in the input's caps_hit (analysis/input_counters.h). --max-flows and --memory-limit stay with
// each command: live and analyze describe them differently.
#include <cstddef>
#include <optional>
#include <string>
#include <boost/program_options.hpp>

#include "tlsdiag/reassembly/stream_table.h"
#include "tlsdiag/tls/dissector.h"

namespace tlsdiag::app {

// As typed: sizes are text (byte_size.h), counts numbers.
struct CapOptions {
  std::string reassembly_buffer = "1M";
  std::size_t out_of_order_segments = 4096;
  std::string handshake_message = "256K";
  std::size_t certificates = 10;
  std::size_t extensions = 128;
};

struct Caps {
  reassembly::ReassemblyLimits reassembly;  // max_flows and tombstone_ns left at their defaults
  tls::TlsLimits tls;
};

void add_cap_options(boost::program_options::options_description& desc, CapOptions& o);

// The limits |o| asks for; nullopt with |error| set ("--max-handshake-message: not a size: 'x'
// (e.g. 64K, 1M)") when a size does not parse or a cap is 0 or out of range.
std::optional<Caps> parse_caps(const CapOptions& o, std::string& error);

}  // namespace tlsdiag::app
