// Gzip (RFC 1952) through zlib's inflate.
#include <zlib.h>

#include <algorithm>
#include <climits>

#include "codecs.h"

namespace tlsdiag::capture {
namespace {

// zlib counts in uInt; larger spans are offered in pieces.
uInt clamp_uint(std::size_t n) { return static_cast<uInt>(std::min<std::size_t>(n, UINT_MAX)); }

class GzipDecompressor final : public Decompressor {
 public:
  GzipDecompressor() {
    // 15 + 16: the largest window, and a gzip header and trailer (not zlib's, not raw deflate).
    init_ = inflateInit2(&z_, 15 + 16);
  }
  ~GzipDecompressor() override {
    if (init_ == Z_OK) inflateEnd(&z_);
  }
  GzipDecompressor(const GzipDecompressor&) = delete;
  GzipDecompressor& operator=(const GzipDecompressor&) = delete;

  DecodeStep decode(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                    bool /*end_of_input*/) override {
    if (init_ != Z_OK) return {.error = "cannot start the decoder (zlib error " + std::to_string(init_) + ")"};
    if (member_ended_) {
      if (in.empty()) return {};
      // RFC 1952 §2.2: a gzip file is a series of members; the next one starts here.
      inflateReset(&z_);
      member_ended_ = false;
    }
    z_.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const-correct
    z_.avail_in = clamp_uint(in.size());
    z_.next_out = out.data();
    z_.avail_out = clamp_uint(out.size());
    const uInt in_before = z_.avail_in;
    const uInt out_before = z_.avail_out;
    const int rc = inflate(&z_, Z_NO_FLUSH);
    DecodeStep step;
    step.consumed = in_before - z_.avail_in;
    step.produced = out_before - z_.avail_out;
    if (rc == Z_STREAM_END) {
      member_ended_ = true;
      ++members_;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {  // Z_BUF_ERROR: needs more input, not an error
      step.error = z_.msg != nullptr ? z_.msg : "corrupt deflate data";
    }
    return step;
  }

  bool at_boundary() const override { return member_ended_ && members_ > 0; }

 private:
  z_stream z_{};
  int init_ = Z_OK;
  bool member_ended_ = false;
  std::uint64_t members_ = 0;
};

}  // namespace

std::unique_ptr<Decompressor> make_gzip_decompressor() { return std::make_unique<GzipDecompressor>(); }

}  // namespace tlsdiag::capture
