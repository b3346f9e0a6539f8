#pragma once
// JSON building blocks shared by JsonReport and JsonlReport (and the golden tests): one function
// per output object. Field names and types are documented in docs/output.md and checked by
// docs/tlsdiag-output.schema.json. Strings taken from the capture may hold invalid UTF-8: dump
// with dump_json() (or error_handler_t::replace), never a plain dump().
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tlsdiag/analysis/flow_record.h"
#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/report/summary.h"

namespace tlsdiag::report {

nlohmann::json flow_to_json(const analysis::FlowRecord& flow);
nlohmann::json client_hello_to_json(const tls::ClientHello& hello);
nlohmann::json server_hello_to_json(const tls::ServerHello& hello,
                                    std::optional<std::uint16_t> server_key_exchange_group);
nlohmann::json certificate_to_json(const analysis::CertificateRecord& cert, std::size_t index);
nlohmann::json alert_to_json(const analysis::AlertRecord& alert);
nlohmann::json verdict_to_json(const analysis::Verdict& verdict);
nlohmann::json input_to_json(const analysis::InputResult& input);
// An input's (or the totals') breakdowns: malformed_by_kind holds only the kinds that occurred,
// caps_hit every cap (analysis/input_counters.h).
nlohmann::json malformed_by_kind_json(const analysis::InputStats& stats);
nlohmann::json caps_hit_json(const analysis::InputStats& stats);
nlohmann::json summary_to_json(const Summary& summary);
// The summary without the rows of its per-entry arrays (by_client_fingerprint, by_server,
// by_client: empty arrays), which can hold thousands of rows each: write_summary_json streams
// them (summary_writer.h); summary_to_json fills them in.
nlohmann::json summary_head_json(const Summary& summary);
nlohmann::json fingerprint_row_json(const ClientFingerprintFailures& row);
nlohmann::json server_row_json(const ServerView& row);   // fleet_json.cpp
nlohmann::json client_row_json(const ClientView& row);   // fleet_json.cpp
// Adds the fleet views (by_server and by_client without rows, by_reason_detail; window when
// set) to |out|, a summary head (fleet_json.cpp).
void add_fleet_json(nlohmann::json& out, const Summary& summary);

// dump() that never throws: invalid UTF-8 becomes U+FFFD. indent < 0: one line.
std::string dump_json(const nlohmann::json& value, int indent = -1);

}  // namespace tlsdiag::report
