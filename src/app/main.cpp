// tlsdiag: explains why TLS handshakes in packet captures failed.
// Subcommands: analyze (files and directories), live (an interface, as traffic passes), whatif
// (which clients a stricter server policy would break), merge (JSON reports of separate runs).
// Boost.Program_options lives only in src/app/.
#include <malloc.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include "analyze_command.h"
#include "live_command.h"
#include "merge_command.h"
#include "whatif_command.h"

namespace {
constexpr std::string_view kUsage =
    "usage: tlsdiag <command> [options]\n"
    "\n"
    "commands:\n"
    "  analyze   read capture files (pcap, pcapng) and explain every TLS handshake\n"
    "  live      capture on an interface and explain failed TLS handshakes as they happen\n"
    "  whatif    which clients in the captures would fail under a stricter server policy\n"
    "  merge     combine the JSON reports (analyze -f json) of separate runs into one\n"
    "\n"
    "Run 'tlsdiag <command> --help' for the options of a command.\n";

// Flows allocate and free their buffers all the time. By default glibc gives the heap's free top
// back to the kernel once it passes 128 KiB and serves blocks over 128 KiB with mmap, so the same
// pages are unmapped and faulted in again: 10-15 % of a run went to page faults. Keep what the
// heap has grown to (peak RSS is bounded by --memory-limit anyway). With mimalloc (the default
// build) glibc's heap is not used and there is nothing to set.
void keep_heap_pages() {
#if defined(__GLIBC__) && !defined(TLSDIAG_MIMALLOC)
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 4 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
}
}  // namespace

int main(int argc, char** argv) {
  keep_heap_pages();
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "analyze") return tlsdiag::app::analyze_command(argc - 1, argv + 1);
  if (command == "whatif") return tlsdiag::app::whatif_command(argc - 1, argv + 1);
  if (command == "live") return tlsdiag::app::live_command(argc - 1, argv + 1);
  if (command == "merge") return tlsdiag::app::merge_command(argc - 1, argv + 1);
  if (command == "--version" || command == "version") {
    std::cout << "tlsdiag 0.1.0\n";
    return 0;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << "tlsdiag: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
