#pragma once
// append_server_row_json / append_client_row_json: a by_server or by_client row of the summary
// as compact JSON text, exactly the bytes of dump_json(server_row_json(row)) and
// dump_json(client_row_json(row)) (flow_json.h), written straight to text: a summary holds up to
// 10,000 rows of each, and building a nlohmann::json per row made writing it the longest step
// after the last packet.
//
// They mirror fleet_json.cpp field for field: a change to one needs the same change to the other.
// tests/unit/report/fleet_json_text_test.cpp compares the two.
#include <string>

#include "tlsdiag/report/fleet.h"

namespace tlsdiag::report {

void append_server_row_json(std::string& out, const ServerView& row);
void append_client_row_json(std::string& out, const ClientView& row);

}  // namespace tlsdiag::report
