#pragma once
// PcapRecordReader: the records of an uncompressed classic pcap file, read straight from its file
// descriptor into one buffer and handed out in place.
//
// Why not libpcap: pcap_next_ex reads through stdio, so each packet is copied twice (the kernel's
// read() into stdio's buffer, then two freads into libpcap's own buffer), and libpcap has no call
// that hands out records in place. Reading once and parsing where the bytes landed (still in
// the cache when decoded) takes about 60 % of libpcap's time (docs/performance.md, session 15).
// libpcap still opens the file (header, link type, snapshot length), compiles and runs BPF
// filters, and reads everything this reader leaves to it: pcapng, compressed files, pre-2.4
// files (whose length fields may be swapped) and link types whose pseudo-headers it rewrites.
//
// Records are interpreted as libpcap 1.10 does (sf-pcap.c, pcap_next_packet): 16-byte header in
// the file's byte order, a microsecond fraction scaled to nanoseconds, a fraction of a second or
// more taken as it is. One difference: seconds and fraction are unsigned 32-bit values, as the
// format says (draft-ietf-opsawg-pcap), where libpcap 1.10 reads them as signed when the file is
// in the reading machine's byte order (a time past 2038-01-19 comes out in 1901, a fraction of
// 2^31 or more negative) and as unsigned otherwise. Where libpcap would cut a record longer
// than the snapshot length down to it, this reader reports it (FileSource treats such a record
// as corrupt either way).
#include <cstdint>
#include <memory>
#include <span>

#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::capture {

struct PcapRecordFormat {
  bool big_endian = false;      // the file's byte order
  bool nanosecond = false;      // fraction in ns (else µs)
  std::uint32_t record_limit = 0;  // most captured bytes a record may claim (at most kLongestRecord)
};

struct PcapRecord {
  Timestamp ts;
  std::span<const std::uint8_t> data;  // in the reader's buffer: valid until the next next()
  std::uint32_t wire_len = 0;
};

enum class RecordStatus {
  Record,     // |record| holds the next record
  End,        // the file ends where a record would start
  Truncated,  // the file ends inside a record (header or data)
  Overlong,   // the record claims more than record_limit bytes (claimed_length() says how many)
  IoError,    // read() failed (errno_value() says why)
};

class PcapRecordReader {
 public:
  // The buffer holds a whole record of this size; a larger record_limit is lowered to it.
  static constexpr std::uint32_t kLongestRecord = 256 * 1024;

  // |fd| stays the caller's; reading starts at |first_record| (24: after the file header).
  PcapRecordReader(int fd, std::uint64_t first_record, PcapRecordFormat format);
  ~PcapRecordReader();
  PcapRecordReader(const PcapRecordReader&) = delete;
  PcapRecordReader& operator=(const PcapRecordReader&) = delete;

  RecordStatus next(PcapRecord& record);
  // Where the next record starts (after a failure: where the failed one starts).
  std::uint64_t offset() const { return file_offset_ - (end_ - begin_); }
  std::uint32_t claimed_length() const { return claimed_; }
  int errno_value() const { return errno_; }

 private:
  // Makes at least |n| bytes available from begin_, reading more as needed. False when the file
  // ends (or a read fails) first.
  bool fill(std::size_t n);
  RecordStatus short_status() const;
  std::span<const std::uint8_t> unread() const { return {buffer_.get() + begin_, end_ - begin_}; }

  int fd_;
  PcapRecordFormat format_;
  std::unique_ptr<std::uint8_t[]> buffer_;
  std::size_t begin_ = 0;  // first unconsumed byte in buffer_
  std::size_t end_ = 0;    // one past the last byte read into buffer_
  std::uint64_t file_offset_;  // file offset of buffer_[end_]
  std::uint32_t claimed_ = 0;
  int errno_ = 0;
};

}  // namespace tlsdiag::capture
