#pragma once
// InputInfo: what a capture source is (file or interface), as known after opening it.
#include <cstdint>
#include <optional>
#include <string>

namespace tlsdiag::capture {

struct InputInfo {
  std::string path;        // file path, or interface name in live mode
  std::string format;      // "pcap", "pcapng", "live"
  int link_type = 0;       // LINKTYPE_* of the first interface
  std::string link_name;   // "EN10MB", "LINUX_SLL2", ...
  std::uint32_t snaplen = 0;
  bool nanosecond = false; // file stored nanosecond timestamps
};

// A capture that could not be opened or broke while reading. offset is the byte position in the
// file where reading stopped, when known.
struct CaptureError {
  std::string message;
  std::optional<std::uint64_t> offset;
};

}  // namespace tlsdiag::capture
