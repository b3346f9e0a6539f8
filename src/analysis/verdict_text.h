#pragma once
// Small phrase builders shared by the verdict rules (private to the analysis stage).
#include <string>

#include "tlsdiag/analysis/flow_facts.h"

namespace tlsdiag::analysis::text {

std::string version(std::uint16_t v);
std::string offered_versions(const FlowRecord& f);    // "TLS 1.3, TLS 1.2"
std::string highest_offered(const FlowRecord& f);     // "TLS 1.0"
std::string server_version(const FlowRecord& f);      // "TLS 1.2" or "?"
std::string alert(const AlertRecord& a);              // "fatal protocol_version (70)"
std::string sni_clause(const FlowRecord& f);          // " for example.com" or ""
std::string sender(Direction d);                       // "client" / "server"
std::string evidence_alert(const AlertRecord& a);      // "#12 server alert fatal protocol_version"
std::string quoted_prefix(const std::vector<std::uint8_t>& bytes);  // "\"HTTP/1.1 400 Bad Request\""
std::string seconds(Timestamp from, Timestamp to);     // "3.2 s"

}  // namespace tlsdiag::analysis::text
