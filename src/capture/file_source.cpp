#include "tlsdiag/capture/file_source.h"

#include <pcap/pcap.h>
#include <stdio_ext.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "tlsdiag/capture/decompressed_stream.h"
#include "tlsdiag/capture/link_types.h"
#include "tlsdiag/capture/pcap_record_reader.h"
#include "tlsdiag/util/byte_reader.h"
#include "tlsdiag/util/hex.h"

namespace tlsdiag::capture {
namespace {

// glibc's default stdio buffer is 4 KiB: one read() per 4 KiB. 1 MiB measured 3.4x faster
// (shared/bench/floor/pcap_floor.c -b).
constexpr std::size_t kReadBufferBytes = 1 << 20;
// stdio's buffer for a file the PcapRecordReader will most likely read: libpcap reads only the
// 24-byte file header through it (a full buffer would read the file's first MiB twice), yet a
// file that turns out to be libpcap's after all (a link type it rewrites) is not read 4 KiB at a
// time.
constexpr std::size_t kHeaderReadBufferBytes = 64 << 10;
constexpr std::uint64_t kPcapFileHeaderBytes = 24;
constexpr std::uint64_t kPcapRecordHeaderBytes = 16;

// First four bytes of the capture (after decompression), as stored.
// https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap
enum class Magic { PcapMicro, PcapNano, Pcapng, Unknown };

Magic classify_magic(const std::uint8_t (&m)[4]) {
  const std::uint32_t be =
      std::uint32_t{m[0]} << 24 | std::uint32_t{m[1]} << 16 | std::uint32_t{m[2]} << 8 | m[3];
  switch (be) {
    case 0xa1b2c3d4:
    case 0xd4c3b2a1: return Magic::PcapMicro;
    case 0xa1b23c4d:
    case 0x4d3cb2a1: return Magic::PcapNano;
    case 0x0a0d0d0a: return Magic::Pcapng;  // Section Header Block type, palindromic
    default: break;
  }
  return Magic::Unknown;
}

// Up to |n| bytes from the start of |file| without touching its stdio state (pread), so that
// setvbuf may still follow. -1 with errno on failure.
ssize_t read_head(FILE* file, std::uint8_t* out, std::size_t n) {
  return ::pread(fileno(file), out, n, 0);
}

bool contains(const char* haystack, const char* needle) {
  return std::strstr(haystack, needle) != nullptr;
}

// Link types whose records libpcap hands over as stored. It rewrites the pseudo-headers of a
// few others (USB, NFLOG; Linux cooked captures from a machine of the other byte order): those
// stay with libpcap. Values as pcap_datalink() returns them (DLT_*).
bool records_as_stored(int link_type, bool other_byte_order) {
  switch (link_type) {
    case link_type::kNull:
    case link_type::kEthernet:
    case link_type::kDltRaw:
    case link_type::kDltRawOpenBsd:
    case link_type::kLoop:
    case link_type::kIpv4:
    case link_type::kIpv6: return true;
    case link_type::kLinuxSll:
    case link_type::kLinuxSll2: return !other_byte_order;
    default: return false;
  }
}

static_assert(kMaxRecordBytes <= PcapRecordReader::kLongestRecord);

bool is_regular_file(FILE* file) {
  struct stat st {};
  return fstat(fileno(file), &st) == 0 && S_ISREG(st.st_mode);
}

// Whether a file's first bytes are a classic pcap header of version 2.4 or later (earlier
// writers may have swapped the two length fields, which libpcap guesses at).
bool classic_pcap_2_4(std::span<const std::uint8_t> head) {
  ByteReader r(head);
  std::uint8_t m[4] = {};
  std::uint16_t major = 0, minor = 0;
  if (!r.read_u8(m[0]) || !r.read_u8(m[1]) || !r.read_u8(m[2]) || !r.read_u8(m[3]) || !r.read_u16(major) ||
      !r.read_u16(minor))
    return false;
  const Magic kind = classify_magic(m);
  if (kind != Magic::PcapMicro && kind != Magic::PcapNano) return false;
  if (m[0] != 0xa1) {  // little-endian file (d4c3b2a1, 4d3cb2a1 as stored)
    major = __builtin_bswap16(major);
    minor = __builtin_bswap16(minor);
  }
  return major == 2 && minor >= 4;
}

}  // namespace

struct FileSource::Handle {
  // Not zeroed: only the part a read fills is ever touched.
  std::unique_ptr<char[]> io_buffer;
  std::unique_ptr<DecompressedStream> stream;  // compressed files only; owns the file on disk
  FILE* file = nullptr;  // what libpcap reads (the decompressed stream's FILE*); owned by pcap once set
  pcap_t* pcap = nullptr;
  // Uncompressed classic pcap with a link type libpcap does not rewrite: records read in place
  // from the file descriptor, libpcap only opens and filters (pcap_record_reader.h).
  std::unique_ptr<PcapRecordReader> records;
  bpf_program filter{};
  bool has_filter = false;
  bool classic = false;  // classic pcap: record offsets are known exactly
  // Uncompressed regular file, classic pcap 2.4 or later: read in place unless its link type is
  // one libpcap rewrites (or the caller asked for libpcap).
  bool in_place_candidate = false;
  std::uint32_t record_limit = kMaxRecordBytes;

  ~Handle() {
    if (has_filter) pcap_freecode(&filter);
    if (pcap != nullptr) {
      pcap_close(pcap);  // also fcloses |file|
    } else if (file != nullptr) {
      std::fclose(file);
    }
    stream.reset();  // after the FILE* reading it is closed
  }
};

FileSource::FileSource(std::string path, FileSourceOptions options)
    : path_(std::move(path)), options_(std::move(options)) {}

FileSource::~FileSource() = default;

// Sets up h.file for libpcap: |raw| itself, or a decompressing stream over it when its first
// bytes are a gzip, zstd or xz magic number. Leaves the first four capture bytes in |magic|.
std::optional<CaptureError> FileSource::prepare(Handle& h, FILE* raw, std::uint8_t (&magic)[4]) {
  std::uint8_t head[8] = {};  // the longest compression magic (6), a pcap magic and version (8)
  const ssize_t got = read_head(raw, head, sizeof head);
  if (got < 0) {
    std::fclose(raw);
    return CaptureError{path_ + ": cannot read: " + std::strerror(errno), 0};
  }
  if (got == 0) {
    std::fclose(raw);
    return CaptureError{path_ + ": empty file, not a capture", 0};
  }
  const Compression codec = detect_compression({head, static_cast<std::size_t>(got)});
  std::span<const std::uint8_t> first(head, static_cast<std::size_t>(got));
  std::string after;  // " after gzip decompression", for messages about the content
  if (codec == Compression::None) {
    h.file = raw;
  } else {
    h.stream = std::make_unique<DecompressedStream>(raw, codec);
    info_.compression = std::string(compression_name(codec));
    after = " after " + info_.compression + " decompression";
    first = h.stream->peek(sizeof magic);
    if (first.size() < sizeof magic && h.stream->error()) {
      return CaptureError{path_ + ": " + h.stream->error()->message, h.stream->error()->offset};
    }
    h.file = h.stream->open_file();
    if (h.file == nullptr) return CaptureError{path_ + ": cannot open stream: " + std::strerror(errno), 0};
  }
  h.in_place_candidate = !h.stream && classic_pcap_2_4(first) && is_regular_file(h.file);
  const std::size_t buffer_bytes = h.in_place_candidate ? kHeaderReadBufferBytes : kReadBufferBytes;
  h.io_buffer.reset(new char[buffer_bytes]);
  std::setvbuf(h.file, h.io_buffer.get(), _IOFBF, buffer_bytes);
  // One thread at a time reads the file: stdio need not take its lock in each of the two freads
  // libpcap makes per packet (glibc).
  __fsetlocking(h.file, FSETLOCKING_BYCALLER);
  // Tells glibc the position (nothing was read through stdio yet), which keeps ftello() free of
  // system calls from then on.
  std::rewind(h.file);
  if (first.empty()) return CaptureError{path_ + ": empty" + after + ", not a capture", 0};
  if (first.size() < sizeof magic) {
    return CaptureError{
        path_ + ": only " + std::to_string(first.size()) + " bytes" + after + ", not a capture", 0};
  }
  std::copy_n(first.begin(), sizeof magic, magic);
  return std::nullopt;
}

std::optional<CaptureError> FileSource::open() {
  handle_.reset();
  packets_read_ = 0;
  next_record_ = kPcapFileHeaderBytes;
  last_ = {};
  error_.reset();
  info_ = {};
  auto h = std::make_unique<Handle>();
  FILE* raw = std::fopen(path_.c_str(), "rb");
  if (raw == nullptr) return CaptureError{path_ + ": cannot open: " + std::strerror(errno), {}};
  std::uint8_t magic[4] = {};
  if (auto error = prepare(*h, raw, magic)) return error;
  const Magic kind = classify_magic(magic);

  char errbuf[PCAP_ERRBUF_SIZE] = {};
  h->pcap = pcap_fopen_offline_with_tstamp_precision(h->file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (h->pcap == nullptr) {
    std::string message = path_ + ": ";
    if (kind == Magic::Unknown) {
      message += "not a pcap or pcapng capture";
      if (!info_.compression.empty()) message += " inside the " + info_.compression + " stream";
      message += " (starts with 0x" + hex_bytes(magic) + ")";
    } else if (h->stream && h->stream->error()) {
      return CaptureError{message + h->stream->error()->message, h->stream->error()->offset};
    } else {
      message += "unreadable capture header";
    }
    return CaptureError{message + ": libpcap: " + errbuf, 0};
  }

  if (!options_.bpf_filter.empty()) {
    // Filtered with pcap_offline_filter() in next() rather than pcap_setfilter(), so that packets
    // keep their position in the file as their number.
    if (pcap_compile(h->pcap, &h->filter, options_.bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) !=
        0) {
      return CaptureError{
          path_ + ": bad BPF filter \"" + options_.bpf_filter + "\": " + pcap_geterr(h->pcap), {}};
    }
    h->has_filter = true;
  }

  h->classic = kind == Magic::PcapMicro || kind == Magic::PcapNano;
  info_.path = path_;
  info_.format = kind == Magic::Pcapng ? "pcapng" : "pcap";
  info_.link_type = pcap_datalink(h->pcap);
  info_.link_name = link_type_name(info_.link_type);
  info_.snaplen = static_cast<std::uint32_t>(pcap_snapshot(h->pcap));
  info_.nanosecond = kind == Magic::PcapNano;
  // A record may not claim more than the snapshot length, nor more than 256 KiB.
  h->record_limit = std::min(info_.snaplen, kMaxRecordBytes);
  if (h->in_place_candidate && !options_.libpcap_reader &&
      records_as_stored(info_.link_type, pcap_is_swapped(h->pcap) != 0)) {
    const PcapRecordFormat format{.big_endian = magic[0] == 0xa1,
                                  .nanosecond = info_.nanosecond,
                                  .record_limit = h->record_limit};
    h->records = std::make_unique<PcapRecordReader>(fileno(h->file), kPcapFileHeaderBytes, format);
  }
  handle_ = std::move(h);
  return std::nullopt;
}

bool FileSource::reads_in_place() const { return handle_ && handle_->records; }

std::uint64_t FileSource::bytes_read() const {
  if (!handle_) return 0;
  if (handle_->stream) return handle_->stream->compressed_offset();
  if (handle_->records) return handle_->records->offset();
  const off_t pos = ftello(handle_->file);
  return pos < 0 ? 0 : static_cast<std::uint64_t>(pos);
}

namespace {

// What libpcap's message means for the user, in a few words.
std::string explain_read_error(const char* pcap_message, int first_link_type) {
  unsigned value = 0;
  if (std::sscanf(pcap_message, "an interface has a type %u different", &value) == 1) {
    return "pcapng file has interfaces with different link types (first " +
           link_type_name(first_link_type) + ", then " + link_type_name(static_cast<int>(value)) +
           "); libpcap cannot read such files: split it per interface, e.g. tshark -r FILE "
           "-Y 'frame.interface_id == 0' -w part0.pcapng";
  }
  if (contains(pcap_message, "an interface has a snapshot length")) {
    return "pcapng file has interfaces with different snapshot lengths; libpcap cannot read "
           "such files: split it per interface (tshark -Y 'frame.interface_id == N' -w ...)";
  }
  if (contains(pcap_message, "truncated dump file")) return "file ends in the middle of a record";
  if (contains(pcap_message, "invalid packet capture length")) {
    return "record claims an impossible captured length (corrupt file)";
  }
  return "corrupt capture";
}

// libpcap silently cuts a classic-pcap record longer than the snapshot length down to it; the
// file position tells how long the record claimed to be. Returns that length when over |limit|.
std::optional<std::uint64_t> overlong_record(FILE* file, std::uint64_t record_start,
                                             std::uint32_t limit) {
  const auto pos = static_cast<std::uint64_t>(ftello(file));
  const std::uint64_t claimed = pos - record_start - kPcapRecordHeaderBytes;
  if (claimed <= limit) return std::nullopt;
  return claimed;
}

}  // namespace

// "packet 7 at byte 1234", or "at decompressed byte" inside a compressed file.
std::string FileSource::where(std::uint64_t number, std::uint64_t at) const {
  return path_ + ": packet " + std::to_string(number) + " at " +
         (handle_->stream ? "decompressed " : "") + "byte " + std::to_string(at);
}

// Why pcap_next_ex failed on record |number|. A broken compressed stream is the cause of
// whatever libpcap saw (usually a record cut short), so it is named instead.
CaptureError FileSource::read_error(std::uint64_t number, std::uint64_t record_start) {
  if (handle_->stream && handle_->stream->error()) {
    const CaptureError& cause = *handle_->stream->error();
    return CaptureError{path_ + ": packet " + std::to_string(number) + ": " + cause.message,
                        cause.offset};
  }
  const char* why = pcap_geterr(handle_->pcap);
  const auto at = handle_->classic ? record_start
                                   : static_cast<std::uint64_t>(ftello(pcap_file(handle_->pcap)));
  return CaptureError{where(number, at) + ": " + explain_read_error(why, info_.link_type) +
                          " (libpcap: " + why + ")",
                      at};
}

CaptureError FileSource::overlong_error(std::uint64_t number, std::uint64_t record_start,
                                        std::uint64_t claimed) const {
  const std::uint32_t limit = handle_->record_limit;
  return CaptureError{where(number, record_start) + ": record claims " + std::to_string(claimed) +
                          " captured bytes, more than " +
                          (limit == info_.snaplen ? "the snapshot length " : "the maximum of ") +
                          std::to_string(limit) + " (corrupt file)",
                      record_start};
}

bool FileSource::next(Packet& packet, bool& selected) {
  if (!handle_ || error_) return false;
  return handle_->records ? next_in_place(packet, selected) : next_from_libpcap(packet, selected);
}

bool FileSource::next_in_place(Packet& packet, bool& selected) {
  PcapRecordReader& records = *handle_->records;
  PcapRecord record;
  const std::uint64_t number = packets_read_ + 1;
  const std::uint64_t at = records.offset();
  switch (records.next(record)) {
    case RecordStatus::Record: break;
    case RecordStatus::End: return false;
    case RecordStatus::Truncated:
      error_ = CaptureError{where(number, at) + ": file ends in the middle of a record", at};
      return false;
    case RecordStatus::Overlong:
      error_ = overlong_error(number, at, records.claimed_length());
      return false;
    case RecordStatus::IoError:
      error_ = CaptureError{where(number, at) + ": cannot read: " + std::strerror(records.errno_value()), at};
      return false;
  }
  next_record_ = records.offset();
  deliver(packet, number, record.ts, record.data, record.wire_len);
  selected = true;
  if (handle_->has_filter) {
    pcap_pkthdr hdr{};  // what BPF reads of the header: the two lengths
    hdr.caplen = static_cast<bpf_u_int32>(record.data.size());
    hdr.len = record.wire_len;
    selected = pcap_offline_filter(&handle_->filter, &hdr, record.data.data()) != 0;
  }
  return true;
}

bool FileSource::next_from_libpcap(Packet& packet, bool& selected) {
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(handle_->pcap, &hdr, &data);
  const std::uint64_t number = packets_read_ + 1;
  if (rc == PCAP_ERROR_BREAK) {  // end of file; a compressed stream may have been cut at a record
    if (handle_->stream && handle_->stream->error()) {
      const CaptureError& cause = *handle_->stream->error();
      error_ = CaptureError{
          path_ + ": after packet " + std::to_string(packets_read_) + ": " + cause.message,
          cause.offset};
    }
    return false;
  }
  const std::uint64_t record_start = next_record_;
  if (rc != 1) {
    error_ = read_error(number, record_start);
    return false;
  }
  next_record_ += kPcapRecordHeaderBytes + hdr->caplen;
  if (handle_->classic && hdr->caplen >= handle_->record_limit) {
    const std::uint32_t limit = handle_->record_limit;
    if (const auto claimed = overlong_record(pcap_file(handle_->pcap), record_start, limit)) {
      error_ = overlong_error(number, record_start, *claimed);
      return false;
    }
  }
  // tv_usec holds ns (PCAP_TSTAMP_PRECISION_NANO)
  deliver(packet, number, Timestamp::from_sec_nsec(hdr->ts.tv_sec, hdr->ts.tv_usec),
          std::span<const std::uint8_t>(data, hdr->caplen), hdr->len);
  selected = !handle_->has_filter || pcap_offline_filter(&handle_->filter, hdr, data) != 0;
  return true;
}

void FileSource::deliver(Packet& packet, std::uint64_t number, Timestamp ts,
                         std::span<const std::uint8_t> data, std::uint32_t wire_len) {
  ++packets_read_;
  last_ = ts;
  packet.ts = ts;
  packet.data = data;
  packet.wire_len = wire_len;
  packet.number = number;
  packet.link_type = info_.link_type;
}

std::optional<CaptureError> FileSource::run(PacketSink& sink, const std::atomic<bool>* stop) {
  if (!handle_) {
    sink.on_end(Timestamp{});
    return CaptureError{path_ + ": run() before a successful open()", {}};
  }
  Packet packet;
  bool selected = false;
  std::uint64_t until_progress = kProgressEveryRecords;
  while ((stop == nullptr || !stop->load(std::memory_order_relaxed)) && next(packet, selected)) {
    if (selected) sink.on_packet(packet);
    if (options_.progress != nullptr && --until_progress == 0) {
      options_.progress->store(bytes_read(), std::memory_order_relaxed);
      until_progress = kProgressEveryRecords;
    }
  }
  if (options_.progress != nullptr) options_.progress->store(bytes_read(), std::memory_order_relaxed);
  sink.on_end(last_);
  return error_;
}

}  // namespace tlsdiag::capture
