#pragma once
// Capture files for tests: classic pcap (µs or ns, either byte order) and a minimal pcapng, as
// bytes (to cut or corrupt) or straight to a file, plus a self-removing temp directory.
//
//   TempDir dir;
//   write_file(dir.file("a.pcap"), pcap_bytes({.link_type = 1}, {{.ts = t, .data = frame}}));
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "support/packet_builder.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::test {

enum class Endian : std::uint8_t { Little, Big };

struct PcapRecord {
  Timestamp ts{};
  Bytes data{};                    // captured bytes (caplen = data.size())
  std::uint32_t wire_len = 0;      // original length; 0 = data.size()
  std::uint32_t interface_id = 0;  // pcapng only
};

// https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/ : 24-byte file header (magic
// 0xa1b2c3d4, or 0xa1b23c4d for nanoseconds; version 2.4), then 16-byte record headers.
struct PcapFormat {
  int link_type = 1;  // LINKTYPE_* as stored in the file (101 for raw IP, not DLT_RAW)
  std::uint32_t snaplen = 262144;
  bool nanosecond = false;
  Endian endian = Endian::Little;
};
Bytes pcap_bytes(const PcapFormat& format, const std::vector<PcapRecord>& records);

// https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/ : one Section Header Block, one
// Interface Description Block per interface (if_tsresol = 9 when nanosecond), then one Enhanced
// Packet Block per record.
struct PcapngInterface {
  int link_type = 1;
  std::uint32_t snaplen = 262144;
  bool nanosecond = false;
};
Bytes pcapng_bytes(const std::vector<PcapngInterface>& interfaces,
                   const std::vector<PcapRecord>& records, Endian endian = Endian::Little);

// Offset in pcap_bytes() output where record |index| (0-based) starts.
std::size_t pcap_record_offset(const std::vector<PcapRecord>& records, std::size_t index);

void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path file(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace tlsdiag::test
