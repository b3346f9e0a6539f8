#pragma once
// InputInfo: what a capture source is (file or interface), as known after opening it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tlsdiag::capture {

struct InputInfo {
  std::string path;        // file path, or interface name in live mode
  std::string format;      // "pcap", "pcapng", "live"
  int link_type = 0;       // LINKTYPE_* of the first interface
  std::string link_name;   // "EN10MB", "LINUX_SLL2", ...
  std::uint32_t snaplen = 0;
  bool nanosecond = false; // file stored nanosecond timestamps
  std::string compression; // "gzip", "zstd", "xz" when read through a decompressor; else empty
  // Rotated pieces read as one input (--merge-rotated): every file, in name order; path is the
  // first. Empty for a single file.
  std::vector<std::string> parts;
  std::vector<std::string> notes;  // what the user should know about the input as a whole
};

// A capture that could not be opened or broke while reading. offset is the byte position in the
// file where reading stopped, when known. In a compressed file it counts compressed bytes when the
// compressed stream is at fault, decompressed bytes when a record is; the message says which.
struct CaptureError {
  std::string message;
  std::optional<std::uint64_t> offset;
};

}  // namespace tlsdiag::capture
