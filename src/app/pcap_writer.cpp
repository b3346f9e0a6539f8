#include "pcap_writer.h"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "tlsdiag/capture/link_types.h"

namespace tlsdiag::app {

namespace {

constexpr std::uint32_t kMagicNanosecond = 0xa1b23c4d;
constexpr std::size_t kFileHeaderBytes = 24;

// Host byte order, as libpcap writes: readers tell the order from the magic.
template <std::size_t N>
void put_u32(std::array<std::uint8_t, N>& out, std::size_t at, std::uint32_t v) {
  std::memcpy(out.data() + at, &v, sizeof v);
}

std::string io_error(const std::string& path, const char* what) {
  return path + ": " + what + ": " + std::strerror(errno);
}

}  // namespace

int pcap_link_type(int dlt) {
  namespace lt = capture::link_type;
  return dlt == lt::kDltRaw || dlt == lt::kDltRawOpenBsd ? lt::kRaw : dlt;
}

PcapWriter::PcapWriter(std::string path, int link_type, std::uint32_t snaplen)
    : path_(std::move(path)), link_type_(link_type), snaplen_(snaplen) {}

PcapWriter::~PcapWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

std::optional<std::string> PcapWriter::open() {
  // "a+": every write goes to the end, whoever else truncated or grew the file; reads (of an
  // existing header) are allowed.
  std::FILE* f = std::fopen(path_.c_str(), "a+b");
  if (f == nullptr) return io_error(path_, "cannot open");
  if (file_ != nullptr) std::fclose(file_);
  file_ = f;
  return check_or_write_header();
}

std::optional<std::string> PcapWriter::reopen() {
  std::FILE* old = file_;
  file_ = nullptr;
  auto error = open();
  if (error) {
    file_ = old;  // keep writing where we were rather than lose packets
    return error;
  }
  if (old != nullptr) std::fclose(old);
  return std::nullopt;
}

std::optional<std::string> PcapWriter::write_header() {
  std::array<std::uint8_t, kFileHeaderBytes> h{};
  put_u32(h, 0, kMagicNanosecond);
  const std::uint16_t version[2] = {2, 4};
  std::memcpy(h.data() + 4, version, sizeof version);
  // bytes 8..15: thiszone and sigfigs, always 0
  put_u32(h, 16, snaplen_);
  put_u32(h, 20, static_cast<std::uint32_t>(link_type_));
  // Flushed at once: write_packets() tells an empty file by its size on disk.
  if (std::fwrite(h.data(), 1, h.size(), file_) != h.size() || std::fflush(file_) != 0)
    return io_error(path_, "cannot write");
  return std::nullopt;
}

std::optional<std::string> PcapWriter::check_or_write_header() {
  struct stat st {};
  if (fstat(fileno(file_), &st) != 0) return io_error(path_, "cannot stat");
  if (st.st_size == 0) return write_header();
  std::array<std::uint8_t, kFileHeaderBytes> h{};
  std::rewind(file_);
  if (std::fread(h.data(), 1, h.size(), file_) != h.size()) return path_ + ": exists but is not a pcap file; move it away";
  std::uint32_t magic = 0, link = 0;
  std::memcpy(&magic, h.data(), 4);
  std::memcpy(&link, h.data() + 20, 4);
  if (magic != kMagicNanosecond || link != static_cast<std::uint32_t>(link_type_)) {
    return path_ + ": exists with another pcap format or link type (want " +
           capture::link_type_name(link_type_) + ", nanosecond); move it away";
  }
  return std::nullopt;
}

std::optional<std::string> PcapWriter::write_packets(std::span<const PcapPacket> packets) {
  if (file_ == nullptr) return path_ + ": not open";
  // Emptied under us (logrotate copytruncate): a pcap needs its header again.
  struct stat st {};
  if (fstat(fileno(file_), &st) == 0 && st.st_size == 0) {
    if (auto error = write_header()) return error;
  }
  for (const PcapPacket& p : packets) {
    std::array<std::uint8_t, 16> rec{};
    const std::int64_t sec = p.ts.ns / 1'000'000'000;
    put_u32(rec, 0, static_cast<std::uint32_t>(sec));
    put_u32(rec, 4, static_cast<std::uint32_t>(p.ts.ns - sec * 1'000'000'000));
    put_u32(rec, 8, static_cast<std::uint32_t>(p.data.size()));
    put_u32(rec, 12, p.wire_len);
    if (std::fwrite(rec.data(), 1, rec.size(), file_) != rec.size() ||
        std::fwrite(p.data.data(), 1, p.data.size(), file_) != p.data.size())
      return io_error(path_, "cannot write");
  }
  if (std::fflush(file_) != 0) return io_error(path_, "cannot write");
  return std::nullopt;
}

}  // namespace tlsdiag::app
