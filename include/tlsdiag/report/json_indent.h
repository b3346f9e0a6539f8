#pragma once
// append_indented_json: lays compact JSON text out as dump_json(value, 2) would, as if nested
// |depth| levels deep in a 2-space document (every newline followed by 2 * depth more spaces).
// Input: compact JSON as dump_json(value) writes it (the JsonTextWriter's output). Output: the
// same bytes nlohmann's pretty printer gives for the value, so a --format json document can be
// written from the JSON Lines hot path without building a nlohmann::json per flow.
#include <string>
#include <string_view>

namespace tlsdiag::report {

void append_indented_json(std::string& out, std::string_view compact, int depth);

}  // namespace tlsdiag::report
