#pragma once
// Rotation: which capture files are pieces of one capture, by name and link type (pure; no I/O).
//
// The rule (docs/batch.md): two files are pieces of one capture when they are in the same
// directory, have the same link type, and have the same rotation stem. The stem of a file name:
//   1. drop one compression suffix (.gz, .zst, .xz);
//   2. drop digits after a capture extension (tcpdump -C numbers pieces after the whole name:
//      trace.pcap, trace.pcap1, trace.pcap2);
//   3. set aside a capture extension (.pcap, .pcapng, .cap, .dmp) if the name ends with one;
//   4. drop the name's trailing run of digits, separators (_ - . :) and the T of an ISO 8601
//      date-time, from the run's first separator on, if it holds a digit (piece numbers and
//      timestamps: editcap -c's trace_00001_20260102030405, tcpdump -G's
//      trace-2026-01-02T03:04:05); a number glued to the name (eth0) stays;
//   5. stem = what is left + the extension.
// So trace.pcap, trace.pcap1 and trace.pcap2.gz share "trace.pcap"; trace_00000_20260102030405.pcap
// and trace_00001_20260102031405.pcap share "trace.pcap"; eth0.pcap and eth1.pcap do not.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tlsdiag::capture {

std::string rotation_stem(std::string_view file_name);

// Natural order of file names: digit runs compare as numbers (trace.pcap2 < trace.pcap10).
bool natural_less(std::string_view a, std::string_view b);

struct RotationCandidate {
  std::string path;
  int link_type = -1;  // -1: unknown (the file could not be opened); never grouped
};

// |files| grouped into captures: each group lists indexes into |files| in natural name order;
// groups come in the order of their earliest index. A file with no sibling is a group of one.
std::vector<std::vector<std::size_t>> group_rotated(const std::vector<RotationCandidate>& files);

}  // namespace tlsdiag::capture
