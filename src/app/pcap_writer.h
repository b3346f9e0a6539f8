#pragma once
// PcapWriter: appends packets to a classic pcap file (nanosecond timestamps, magic 0xa1b23c4d,
// https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/), written by hand so libpcap stays in
// capture/. Used by --write-failures.
//
// The file is opened for appending: packets from an earlier run are kept when its header matches
// (same magic and link type), and a file that is empty when written to (new, or emptied by
// logrotate's copytruncate) gets a header first. reopen() starts over on the same path (after a
// rename by logrotate: a new file). Each write_packets() call ends with a flush, so Wireshark
// can open the file at any time. Errors are returned, never thrown, after open().
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>

#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::app {

struct PcapPacket {
  Timestamp ts;
  std::uint32_t wire_len = 0;
  std::span<const std::uint8_t> data;
};

class PcapWriter {
 public:
  // |link_type| is the LINKTYPE_ value stored in the file (see pcap_link_type()).
  PcapWriter(std::string path, int link_type, std::uint32_t snaplen);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // Opens (or creates) the file; the error names the path and the cause.
  std::optional<std::string> open();
  std::optional<std::string> reopen();
  // Writes the packets in order and flushes.
  std::optional<std::string> write_packets(std::span<const PcapPacket> packets);
  const std::string& path() const { return path_; }

 private:
  std::optional<std::string> check_or_write_header();
  std::optional<std::string> write_header();

  std::string path_;
  int link_type_;
  std::uint32_t snaplen_;
  std::FILE* file_ = nullptr;
};

// The LINKTYPE_ value to store for a pcap_datalink() DLT_ value: they are equal except DLT_RAW
// (12 on Linux, 14 on OpenBSD), which files spell LINKTYPE_RAW (101).
int pcap_link_type(int dlt);

}  // namespace tlsdiag::app
