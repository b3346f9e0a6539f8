// tlsdiag: explains why TLS handshakes in packet captures failed.
// Subcommands: analyze (files and directories), live (an interface, as traffic passes), whatif
// (which clients a stricter server policy would break), merge (JSON reports of separate runs).
// Boost.Program_options lives only in src/app/.
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
}  // namespace

int main(int argc, char** argv) {
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
