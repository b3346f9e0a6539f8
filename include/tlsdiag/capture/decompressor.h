#pragma once
// Decompressor: one codec's streaming decoder (gzip, zstd, xz) behind one interface, so that
// DecompressedStream can feed libpcap a compressed capture without a temporary file.
//
// Contract:
//  - decode() turns some of |in| into some of |out| and says how much of each it used. It keeps
//    its own state between calls: any split of the input gives the same output. The caller says
//    when no input follows |in| (end_of_input), then calls until nothing more is produced.
//  - A stream may hold several concatenated members or frames (`cat a.gz b.gz`); they decode as
//    one. at_boundary() says whether the input so far ends exactly after a complete member or
//    frame: at the end of the file, anything else means the file was cut short.
//  - A corrupt stream is an error value (DecodeStep::error), never an exception.
// The codec libraries (zlib, libzstd, liblzma) stay inside src/capture/*_decompressor.cpp.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tlsdiag::capture {

enum class Compression { None, Gzip, Zstd, Xz };

// The container format, from the first bytes of a file (at least 6 for xz); None when it is not
// a compressed stream. Magic numbers: gzip RFC 1952 §2.3.1 (1f 8b), zstd RFC 8878 §3.1.1
// (28 b5 2f fd), xz file format §2.1.1.1 (fd 37 7a 58 5a 00).
Compression detect_compression(std::span<const std::uint8_t> first_bytes);

// "gzip", "zstd", "xz"; "" for None.
std::string_view compression_name(Compression c);

struct DecodeStep {
  std::size_t consumed = 0;  // bytes of |in| used
  std::size_t produced = 0;  // bytes written to |out|
  std::optional<std::string> error;  // corrupt stream: the codec's words, without offsets
};

class Decompressor {
 public:
  virtual ~Decompressor() = default;
  virtual DecodeStep decode(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                            bool end_of_input) = 0;
  // True when everything decoded so far ends a complete member or frame (and one was seen).
  virtual bool at_boundary() const = 0;
};

// The decoder for |c|; null for Compression::None.
std::unique_ptr<Decompressor> make_decompressor(Compression c);

}  // namespace tlsdiag::capture
