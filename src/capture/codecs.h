#pragma once
// The codec classes behind capture::Decompressor, one per .cpp so each library stays in its file.
#include <memory>

#include "tlsdiag/capture/decompressor.h"

namespace tlsdiag::capture {

std::unique_ptr<Decompressor> make_gzip_decompressor();
std::unique_ptr<Decompressor> make_zstd_decompressor();
std::unique_ptr<Decompressor> make_xz_decompressor();

}  // namespace tlsdiag::capture
