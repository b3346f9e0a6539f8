#pragma once
// Compressed bytes for the capture tests, made with the same libraries' compress APIs that the
// decompressors read: gzip (zlib deflate with a gzip wrapper), zstd (one frame), xz (liblzma
// easy preset, CRC64), each with a checksum as their command-line tools write by default.
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <climits>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/packet_builder.h"
#include "tlsdiag/capture/decompressor.h"

namespace tlsdiag::test {

inline Bytes gzip_compress(const Bytes& in) {
  z_stream z{};
  // 15 + 16: gzip header and trailer around the deflate data.
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2");
  Bytes out(deflateBound(&z, static_cast<uLong>(in.size())) + 64);
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(z.total_out);
  return out;
}

// With a content checksum, like the zstd command's default.
inline Bytes zstd_compress(const Bytes& in) {
  Bytes out(ZSTD_compressBound(in.size()));
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 3);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  const std::size_t n = ZSTD_compress2(cctx, out.data(), out.size(), in.data(), in.size());
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

inline Bytes xz_compress(const Bytes& in) {
  Bytes out(lzma_stream_buffer_bound(in.size()));
  std::size_t pos = 0;
  if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, nullptr, in.data(), in.size(), out.data(), &pos,
                              out.size()) != LZMA_OK)
    throw std::runtime_error("lzma_easy_buffer_encode");
  out.resize(pos);
  return out;
}

inline Bytes compress(capture::Compression codec, const Bytes& in) {
  switch (codec) {
    case capture::Compression::Gzip: return gzip_compress(in);
    case capture::Compression::Zstd: return zstd_compress(in);
    case capture::Compression::Xz: return xz_compress(in);
    case capture::Compression::None: break;
  }
  return in;
}

// Bytes that do not compress (a fixed xorshift sequence), so that a cut in the compressed file
// falls in the middle of the capture.
inline Bytes noise(std::size_t n, std::uint32_t seed) {
  Bytes out(n);
  std::uint32_t x = seed == 0 ? 1 : seed;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::uint8_t>(x);
  }
  return out;
}

}  // namespace tlsdiag::test
