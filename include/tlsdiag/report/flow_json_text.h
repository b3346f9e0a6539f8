#pragma once
// append_flow_json: the JSON Lines hot path. Appends to |out| exactly the bytes of
// dump_json(flow_to_json(flow)) (flow_json.h), written straight to text instead of through an
// nlohmann::json value: no map nodes and no allocation per field. |leading| is raw member text
// placed first, before the sorted keys (JsonlReport passes "\"type\":\"flow\"").
//
// It mirrors flow_to_json field for field: a change to one needs the same change to the other.
// tests/unit/report/flow_json_text_test.cpp compares the two on fixtures and random flows.
#include <string>
#include <string_view>

#include "tlsdiag/analysis/flow_record.h"

namespace tlsdiag::report {

void append_flow_json(std::string& out, const analysis::FlowRecord& flow,
                      std::string_view leading = {});

}  // namespace tlsdiag::report
