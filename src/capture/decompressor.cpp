#include "tlsdiag/capture/decompressor.h"

#include <algorithm>
#include <array>

#include "codecs.h"

namespace tlsdiag::capture {
namespace {

struct MagicNumber {
  Compression codec;
  std::array<std::uint8_t, 6> bytes;
  std::size_t size;
};

constexpr MagicNumber kMagicNumbers[] = {
    {Compression::Gzip, {0x1f, 0x8b}, 2},
    {Compression::Zstd, {0x28, 0xb5, 0x2f, 0xfd}, 4},
    {Compression::Xz, {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00}, 6},
};

}  // namespace

Compression detect_compression(std::span<const std::uint8_t> first_bytes) {
  for (const MagicNumber& m : kMagicNumbers) {
    if (first_bytes.size() >= m.size &&
        std::equal(m.bytes.begin(), m.bytes.begin() + static_cast<std::ptrdiff_t>(m.size),
                   first_bytes.begin())) {
      return m.codec;
    }
  }
  return Compression::None;
}

std::string_view compression_name(Compression c) {
  switch (c) {
    case Compression::Gzip: return "gzip";
    case Compression::Zstd: return "zstd";
    case Compression::Xz: return "xz";
    case Compression::None: break;
  }
  return "";
}

std::unique_ptr<Decompressor> make_decompressor(Compression c) {
  switch (c) {
    case Compression::Gzip: return make_gzip_decompressor();
    case Compression::Zstd: return make_zstd_decompressor();
    case Compression::Xz: return make_xz_decompressor();
    case Compression::None: break;
  }
  return nullptr;
}

}  // namespace tlsdiag::capture
