#include "support/pcap_file_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace tlsdiag::test {
namespace {

class Writer {
 public:
  explicit Writer(Endian endian) : endian_(endian) {}
  void u8(std::uint32_t v) { out_.push_back(static_cast<std::uint8_t>(v)); }
  void u16(std::uint32_t v) { put(v, 2); }
  void u32(std::uint32_t v) { put(v, 4); }
  void raw(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void pad4() {
    while (out_.size() % 4 != 0) out_.push_back(0);
  }
  std::size_t size() const { return out_.size(); }
  void patch_u32(std::size_t at, std::uint32_t v) {
    Writer w(endian_);
    w.u32(v);
    std::copy(w.out_.begin(), w.out_.end(), out_.begin() + static_cast<std::ptrdiff_t>(at));
  }
  Bytes take() { return std::move(out_); }

 private:
  void put(std::uint32_t v, int n) {
    for (int i = 0; i < n; ++i) {
      const int shift = endian_ == Endian::Big ? 8 * (n - 1 - i) : 8 * i;
      out_.push_back(static_cast<std::uint8_t>(v >> shift));
    }
  }
  Endian endian_;
  Bytes out_;
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

}  // namespace

Bytes pcap_bytes(const PcapFormat& format, const std::vector<PcapRecord>& records) {
  Writer w(format.endian);
  w.u32(format.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);   // magic
  w.u16(2);                                             // version_major
  w.u16(4);                                             // version_minor
  w.u32(0);                                             // thiszone
  w.u32(0);                                             // sigfigs
  w.u32(format.snaplen);                                // snaplen
  w.u32(static_cast<std::uint32_t>(format.link_type));  // linktype
  const std::int64_t unit = format.nanosecond ? 1 : 1000;
  for (const PcapRecord& r : records) {
    const std::int64_t sec = floor_div(r.ts.ns, 1'000'000'000);
    w.u32(static_cast<std::uint32_t>(sec));                                     // ts_sec
    w.u32(static_cast<std::uint32_t>((r.ts.ns - sec * 1'000'000'000) / unit));  // ts_usec/nsec
    w.u32(static_cast<std::uint32_t>(r.data.size()));                           // incl_len
    w.u32(r.wire_len != 0 ? r.wire_len : static_cast<std::uint32_t>(r.data.size()));  // orig_len
    w.raw(r.data);
  }
  return w.take();
}

std::size_t pcap_record_offset(const std::vector<PcapRecord>& records, std::size_t index) {
  std::size_t at = 24;
  for (std::size_t i = 0; i < index; ++i) at += 16 + records.at(i).data.size();
  return at;
}

Bytes pcapng_bytes(const std::vector<PcapngInterface>& interfaces,
                   const std::vector<PcapRecord>& records, Endian endian) {
  Writer w(endian);
  // Section Header Block.
  w.u32(0x0a0d0d0a);  // block type
  w.u32(28);          // block total length
  w.u32(0x1a2b3c4d);  // byte-order magic
  w.u16(1);           // major version
  w.u16(0);           // minor version
  w.u32(0xffffffff);  // section length: unknown (-1, 64 bits)
  w.u32(0xffffffff);
  w.u32(28);
  for (const PcapngInterface& i : interfaces) {
    const std::size_t start = w.size();
    w.u32(1);  // block type: Interface Description
    w.u32(0);  // block total length, patched below
    w.u16(static_cast<std::uint32_t>(i.link_type));
    w.u16(0);  // reserved
    w.u32(i.snaplen);
    if (i.nanosecond) {
      w.u16(9);  // option if_tsresol
      w.u16(1);
      w.u8(9);  // 10^-9 s
      w.pad4();
      w.u16(0);  // opt_endofopt
      w.u16(0);
    }
    w.u32(0);  // trailing block total length
    const auto total = static_cast<std::uint32_t>(w.size() - start);
    w.patch_u32(start + 4, total);
    w.patch_u32(w.size() - 4, total);
  }
  for (const PcapRecord& r : records) {
    const bool ns = r.interface_id < interfaces.size() && interfaces[r.interface_id].nanosecond;
    const auto units = static_cast<std::uint64_t>(ns ? r.ts.ns : r.ts.ns / 1000);
    const std::size_t start = w.size();
    w.u32(6);  // block type: Enhanced Packet
    w.u32(0);  // block total length, patched below
    w.u32(r.interface_id);
    w.u32(static_cast<std::uint32_t>(units >> 32));  // timestamp (high)
    w.u32(static_cast<std::uint32_t>(units));        // timestamp (low)
    w.u32(static_cast<std::uint32_t>(r.data.size()));
    w.u32(r.wire_len != 0 ? r.wire_len : static_cast<std::uint32_t>(r.data.size()));
    w.raw(r.data);
    w.pad4();
    w.u32(0);
    const auto total = static_cast<std::uint32_t>(w.size() - start);
    w.patch_u32(start + 4, total);
    w.patch_u32(w.size() - 4, total);
  }
  return w.take();
}

void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) throw std::runtime_error("cannot create " + path.string());
  const std::size_t written = bytes.empty() ? 0 : std::fwrite(bytes.data(), 1, bytes.size(), out);
  if (std::fclose(out) != 0 || written != bytes.size()) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tlsdiag-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp");
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace tlsdiag::test
