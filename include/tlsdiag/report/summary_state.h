#pragma once
// The merge state: everything a Summary (with its FleetViews) has accumulated, as JSON, so that
// the summaries of separate runs can be merged as if their inputs had been analysed in one run
// (`tlsdiag merge`, Summary::merge). The rendered summary is not enough for that: it shows client
// sets as counts, pairs as the top 5, and leaves out the failing-server tallies. --format json
// writes the state as "merge_state", after "summary"; its layout is in docs/output.md.
// Exact: state_to_json(summary_from_state(state_to_json(s))) == state_to_json(s).
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "tlsdiag/report/summary.h"

namespace tlsdiag::report {

// "format" of the state this build writes and reads; a change of layout gets a new number.
// Format 2 added totals.malformed_by_kind and totals.caps_hit.
inline constexpr unsigned kMergeStateFormat = 2;

nlohmann::json state_to_json(const Summary& summary);
// Writes dump_json(state_to_json(summary), 2) as if nested |depth| levels deep (--format json's
// "merge_state"), building one element of each long list at a time: at the views' caps the whole
// tree is tens of MB of nodes.
void write_state_json(std::ostream& out, const Summary& summary, int depth);

// The Summary a state describes; nullopt with |error| set ("\"servers\": \"flows\" is not a
// count") when |state| is not a state of this format or breaks its limits (a cap, a reason name).
std::optional<Summary> summary_from_state(const nlohmann::json& state, std::string& error);

}  // namespace tlsdiag::report
