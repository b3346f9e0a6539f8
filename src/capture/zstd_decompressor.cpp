// Zstandard (RFC 8878) through libzstd's streaming API.
#include <zstd.h>

#include <algorithm>

#include "codecs.h"

namespace tlsdiag::capture {
namespace {

class ZstdDecompressor final : public Decompressor {
 public:
  ZstdDecompressor() : stream_(ZSTD_createDStream()) {}
  ~ZstdDecompressor() override { ZSTD_freeDStream(stream_); }
  ZstdDecompressor(const ZstdDecompressor&) = delete;
  ZstdDecompressor& operator=(const ZstdDecompressor&) = delete;

  DecodeStep decode(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                    bool /*end_of_input*/) override {
    if (stream_ == nullptr) return {.error = "cannot start the decoder (out of memory)"};
    // At most one block's worth per call (ZSTD_DStreamInSize): the decoder does not say how far
    // it got when it fails, so the caller's offset is then that of this piece.
    ZSTD_inBuffer input{in.data(), std::min(in.size(), ZSTD_DStreamInSize()), 0};
    ZSTD_outBuffer output{out.data(), out.size(), 0};
    const std::size_t rc = ZSTD_decompressStream(stream_, &output, &input);
    DecodeStep step;
    step.consumed = input.pos;
    step.produced = output.pos;
    if (ZSTD_isError(rc)) {
      step.error = ZSTD_getErrorName(rc);
      return step;
    }
    // 0: a frame is completely decoded and flushed. The next call starts the next frame, if any
    // (RFC 8878 §3.1: a file is a sequence of frames).
    if (rc == 0) {
      frame_ended_ = true;
      ++frames_;
    } else if (step.consumed > 0 || step.produced > 0) {
      frame_ended_ = false;
    }
    return step;
  }

  bool at_boundary() const override { return frame_ended_ && frames_ > 0; }

 private:
  ZSTD_DStream* stream_;
  bool frame_ended_ = false;
  std::uint64_t frames_ = 0;
};

}  // namespace

std::unique_ptr<Decompressor> make_zstd_decompressor() { return std::make_unique<ZstdDecompressor>(); }

}  // namespace tlsdiag::capture
