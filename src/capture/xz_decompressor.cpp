// xz (the .xz file format, LZMA2) through liblzma.
#include <lzma.h>

#include <cstdint>

#include "codecs.h"

namespace tlsdiag::capture {
namespace {

std::string lzma_error_text(lzma_ret rc) {
  switch (rc) {
    case LZMA_FORMAT_ERROR: return "not in the .xz format";
    case LZMA_OPTIONS_ERROR: return "unsupported compression options";
    case LZMA_DATA_ERROR: return "compressed data is corrupt";
    case LZMA_MEM_ERROR: return "out of memory";
    case LZMA_MEMLIMIT_ERROR: return "memory limit reached";
    default: return "liblzma error " + std::to_string(static_cast<int>(rc));
  }
}

class XzDecompressor final : public Decompressor {
 public:
  // LZMA_CONCATENATED: several .xz streams in a row (and stream padding) decode as one, like
  // xz -d does; the decoder then needs LZMA_FINISH to know the input has ended.
  XzDecompressor() : init_(lzma_stream_decoder(&stream_, UINT64_MAX, LZMA_CONCATENATED)) {}
  ~XzDecompressor() override { lzma_end(&stream_); }
  XzDecompressor(const XzDecompressor&) = delete;
  XzDecompressor& operator=(const XzDecompressor&) = delete;

  DecodeStep decode(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                    bool end_of_input) override {
    DecodeStep step;
    if (init_ != LZMA_OK) {
      step.error = "cannot start the decoder: " + lzma_error_text(init_);
      return step;
    }
    if (ended_) return step;
    stream_.next_in = in.data();
    stream_.avail_in = in.size();
    stream_.next_out = out.data();
    stream_.avail_out = out.size();
    const lzma_ret rc = lzma_code(&stream_, end_of_input ? LZMA_FINISH : LZMA_RUN);
    step.consumed = in.size() - stream_.avail_in;
    step.produced = out.size() - stream_.avail_out;
    if (rc == LZMA_STREAM_END) {
      ended_ = true;
    } else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR) {  // BUF_ERROR: no progress, input cut
      step.error = lzma_error_text(rc);
    }
    return step;
  }

  bool at_boundary() const override { return ended_; }

 private:
  lzma_stream stream_ = LZMA_STREAM_INIT;
  lzma_ret init_;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<Decompressor> make_xz_decompressor() { return std::make_unique<XzDecompressor>(); }

}  // namespace tlsdiag::capture
