#pragma once
// write_summary_json: the summary object written as dump_json(summary_to_json(summary)) would
// print it, without building it whole: its per-entry arrays (by_server, by_client,
// by_client_fingerprint; thousands of rows over an archive) are rendered and written one row at
// a time, so writing the summary costs one row of memory instead of a tree of every row.
#include <ostream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tlsdiag/report/summary.h"

namespace tlsdiag::report {

struct SummaryLayout {
  int indent = -1;  // as dump_json: < 0 one line, else pretty with this many spaces per level
  int depth = 0;    // pretty: the object sits this many levels deep (its lines are padded so)
  std::string_view first_fields;  // written first, raw ("\"type\":\"summary\""), or empty
};

// |extra| fields (an object, may be empty) are merged into the summary's keys, in key order.
void write_summary_json(std::ostream& out, const Summary& summary, const nlohmann::json& extra,
                        const SummaryLayout& layout);

}  // namespace tlsdiag::report
