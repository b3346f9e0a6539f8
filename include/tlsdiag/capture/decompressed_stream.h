#pragma once
// DecompressedStream: a compressed capture file read as its decompressed bytes, for FileSource.
// Input: an open FILE* of the compressed file (owned from then on) and its codec. Output: the
// decompressed bytes through read(), or through a stdio FILE* (glibc fopencookie) that libpcap
// reads like a plain file. Nothing is written to disk.
//
// Contract:
//  - Reads the compressed file in 1 MiB pieces; decodes straight into the caller's buffer.
//  - read() returns 0 at the end of the stream or at the first error; error() then says which:
//    an unreadable file, a corrupt stream, or one that ends before its last member or frame is
//    complete. Messages name the codec and the offset, and say whether it counts compressed or
//    decompressed bytes ("gzip stream ends early at compressed byte 4096 (decompressed byte
//    20480)"); they do not name the file (FileSource does).
//  - The FILE* supports reading and ftello() (the decompressed position), nothing else. It must
//    be closed before this object is destroyed.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tlsdiag/capture/decompressor.h"
#include "tlsdiag/capture/input_info.h"

namespace tlsdiag::capture {

class DecompressedStream {
 public:
  DecompressedStream(FILE* compressed, Compression codec);
  ~DecompressedStream();
  DecompressedStream(const DecompressedStream&) = delete;
  DecompressedStream& operator=(const DecompressedStream&) = delete;

  std::size_t read(std::span<std::uint8_t> out);
  // Up to the first |n| decompressed bytes, without consuming them (fewer at the end or an error).
  std::span<const std::uint8_t> peek(std::size_t n);
  // A read-only stdio stream over read(); the caller closes it (pcap_close does).
  FILE* open_file();

  Compression codec() const { return codec_; }
  std::uint64_t compressed_offset() const { return consumed_; }  // compressed bytes decoded
  std::uint64_t decompressed_offset() const { return delivered_; }  // bytes handed out by read()
  // Why reading stopped early, with the compressed offset where it did; nullopt after a clean end.
  const std::optional<CaptureError>& error() const { return error_; }

 private:
  std::size_t decode_some(std::span<std::uint8_t> out);
  bool refill();
  void fail(const std::string& what);

  FILE* file_;
  Compression codec_;
  std::unique_ptr<Decompressor> decoder_;
  std::vector<std::uint8_t> input_;
  std::size_t input_pos_ = 0;
  std::size_t input_len_ = 0;
  bool input_ended_ = false;   // the compressed file is read to its end
  bool finished_ = false;      // nothing more will be produced
  std::vector<std::uint8_t> peeked_;  // decoded by peek(), not yet read()
  std::uint64_t consumed_ = 0;
  std::uint64_t produced_ = 0;
  std::uint64_t delivered_ = 0;
  std::optional<CaptureError> error_;
};

}  // namespace tlsdiag::capture
