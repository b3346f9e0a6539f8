#pragma once
// FileSource: stage 1 of the pipeline. Reads a classic pcap (µs or ns, either byte order) or a
// pcapng file through libpcap, plain or compressed with gzip, zstd or xz (found by the magic
// number, not the name; decompressed as a stream, see DecompressedStream), and hands every
// packet, in file order, to a PacketSink.
//
// Contract:
//  - open() once, then run() once (or next() until it returns false). open() reports a missing
//    or unreadable file, a file that is not a capture, or a BPF filter that does not compile;
//    every message names the file.
//  - run() delivers packets numbered 1, 2, ... by their position in the file (a BPF filter drops
//    packets but does not renumber them, so numbers match Wireshark's frame numbers), then calls
//    sink.on_end(timestamp of the last record read) exactly once, also when it stops early.
//  - run() returns the error that stopped reading before the end of the file (truncated record,
//    record longer than the snapshot length or than 256 KiB, corrupt pcapng block, pcapng
//    interfaces with different link types, corrupt or cut compressed stream) with the byte offset
//    in the file where it happened: the start of the bad record for classic pcap, the read
//    position for pcapng, the compressed position for a broken compressed stream.
//  - The Packet's bytes are libpcap's buffer, or PcapRecordReader's for an uncompressed classic
//    pcap file (read in place, without libpcap's two copies): valid only during on_packet (or
//    until the next next()).
// Owns the FILE*, the decompressor and the pcap handle; the destructor closes them.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "tlsdiag/capture/input_info.h"
#include "tlsdiag/capture/packet_sink.h"

namespace tlsdiag::capture {

// A source publishes its progress this often (in records): rarely enough to cost nothing.
inline constexpr std::uint64_t kProgressEveryRecords = 4096;

struct FileSourceOptions {
  std::string bpf_filter;  // tcpdump filter expression; empty = every packet
  // When set, run() stores bytes_read() here every few thousand packets and at the end, for a
  // progress display on another thread.
  std::atomic<std::uint64_t>* progress = nullptr;
  // Read classic pcap through libpcap's pcap_next_ex even where FileSource reads the records in
  // place (PcapRecordReader): for tests and the fuzzer, which compare the two.
  bool libpcap_reader = false;
};

// A classic-pcap record claiming more captured bytes than this is corrupt, whatever the header's
// snapshot length says (libpcap's own limit for most link types).
inline constexpr std::uint32_t kMaxRecordBytes = 256 * 1024;

class FileSource {
 public:
  explicit FileSource(std::string path, FileSourceOptions options = {});
  ~FileSource();
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  std::optional<CaptureError> open();
  // Valid after a successful open(). info().nanosecond is known for classic pcap only.
  const InputInfo& info() const { return info_; }
  // Reads until the end of the file, an error, or *stop becoming true (checked per packet).
  std::optional<CaptureError> run(PacketSink& sink, const std::atomic<bool>* stop = nullptr);

  // Pull interface (for merging files): the next record into |packet|, |selected| = whether the
  // BPF filter keeps it. False at the end of the file or at an error (then error() says which).
  bool next(Packet& packet, bool& selected);
  const std::optional<CaptureError>& error() const { return error_; }
  // Timestamp of the last record read.
  Timestamp last_timestamp() const { return last_; }

  // Whether records are read in place (PcapRecordReader) rather than through libpcap; after open().
  bool reads_in_place() const;

  // Records read from the file so far, including those the BPF filter dropped.
  std::uint64_t packets_read() const { return packets_read_; }
  // Bytes of the file on disk read so far (compressed bytes for a compressed file).
  std::uint64_t bytes_read() const;

 private:
  struct Handle;  // libpcap and codec state; both stay out of this header
  std::optional<CaptureError> prepare(Handle& h, std::FILE* raw, std::uint8_t (&magic)[4]);
  bool next_in_place(Packet& packet, bool& selected);
  bool next_from_libpcap(Packet& packet, bool& selected);
  void deliver(Packet& packet, std::uint64_t number, Timestamp ts, std::span<const std::uint8_t> data,
               std::uint32_t wire_len);
  CaptureError read_error(std::uint64_t number, std::uint64_t record_start);
  CaptureError overlong_error(std::uint64_t number, std::uint64_t record_start, std::uint64_t claimed) const;
  std::string where(std::uint64_t number, std::uint64_t at) const;

  std::string path_;
  FileSourceOptions options_;
  InputInfo info_;
  std::unique_ptr<Handle> handle_;
  std::uint64_t packets_read_ = 0;
  std::uint64_t next_record_ = 0;  // classic pcap: where the next record starts
  Timestamp last_{};
  std::optional<CaptureError> error_;
};

}  // namespace tlsdiag::capture
