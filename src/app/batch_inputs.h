#pragma once
// Batch inputs: from the command line's files and directories to the list of BatchInputs, in
// output order.
//
//  - find_inputs: a file is taken as given (whatever its name); a directory is walked
//    recursively for files whose name matches one of the patterns (fnmatch on the file name;
//    by default kDefaultPatterns), sorted by path, so the order never depends on the file
//    system. A directory that cannot be walked becomes an input with its error.
//  - group_rotated_inputs (--merge-rotated): files that are pieces of one rotated capture
//    (capture/rotation.h: same directory, link type and rotation stem) become one input, at
//    the place of the first of them. Only files that share a stem with another are opened to
//    read their link type.
#include <string>
#include <string_view>
#include <vector>

#include "batch_runner.h"

namespace tlsdiag::app {

// Matched against the name without a .gz, .zst or .xz suffix. *.pcap[0-9]* is tcpdump -C's
// rotation (trace.pcap, trace.pcap1, ...).
inline constexpr std::string_view kDefaultPatterns[] = {"*.pcap", "*.pcapng", "*.cap", "*.dmp",
                                                        "*.pcap[0-9]*"};

// Whether a file found in a directory is taken: |patterns| empty = the default rule.
bool matches_capture_name(std::string_view file_name, const std::vector<std::string>& patterns);

std::vector<BatchInput> find_inputs(const std::vector<std::string>& args,
                                    const std::vector<std::string>& patterns);

std::vector<BatchInput> group_rotated_inputs(std::vector<BatchInput> inputs);

}  // namespace tlsdiag::app
