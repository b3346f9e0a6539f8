#include "tlsdiag/capture/decompressed_stream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tlsdiag::capture {
namespace {

// Same size as FileSource's stdio buffer: one read() per MiB of compressed input.
constexpr std::size_t kInputBytes = 1 << 20;

// fopencookie callbacks (glibc). The stream object outlives the FILE*.
ssize_t cookie_read(void* cookie, char* buf, std::size_t size) {
  auto* stream = static_cast<DecompressedStream*>(cookie);
  const std::size_t n = stream->read({reinterpret_cast<std::uint8_t*>(buf), size});
  if (n == 0 && stream->error()) {
    errno = EIO;
    return -1;
  }
  return static_cast<ssize_t>(n);
}

// Only "where am I" (ftello) is supported: SEEK_CUR by 0, or SEEK_SET to the current position.
int cookie_seek(void* cookie, off64_t* offset, int whence) {
  const auto here = static_cast<off64_t>(static_cast<DecompressedStream*>(cookie)->decompressed_offset());
  if ((whence == SEEK_CUR && *offset == 0) || (whence == SEEK_SET && *offset == here)) {
    *offset = here;
    return 0;
  }
  errno = ESPIPE;
  return -1;
}

int cookie_close(void*) { return 0; }

}  // namespace

DecompressedStream::DecompressedStream(FILE* compressed, Compression codec)
    : file_(compressed), codec_(codec), decoder_(make_decompressor(codec)), input_(kInputBytes) {
  // We read in large pieces ourselves; a stdio buffer underneath would only copy.
  std::setvbuf(file_, nullptr, _IONBF, 0);
}

DecompressedStream::~DecompressedStream() { std::fclose(file_); }

void DecompressedStream::fail(const std::string& what) {
  finished_ = true;
  if (!error_) error_ = CaptureError{what, consumed_};
}

bool DecompressedStream::refill() {
  input_pos_ = 0;
  input_len_ = std::fread(input_.data(), 1, input_.size(), file_);
  if (std::ferror(file_)) {
    fail(std::string("cannot read at compressed byte ") + std::to_string(consumed_) + ": " +
         std::strerror(errno));
    return false;
  }
  if (input_len_ < input_.size()) input_ended_ = true;
  return true;
}

// One decoder call; returns the bytes it produced. Sets finished_ at the end or an error.
std::size_t DecompressedStream::decode_some(std::span<std::uint8_t> out) {
  if (input_pos_ == input_len_ && !input_ended_ && !refill()) return 0;
  const std::span<const std::uint8_t> in(input_.data() + input_pos_, input_len_ - input_pos_);
  const bool last = input_ended_;
  const DecodeStep step = decoder_->decode(in, out, last && in.empty());
  input_pos_ += step.consumed;
  consumed_ += step.consumed;
  produced_ += step.produced;
  const std::string codec(compression_name(codec_));
  if (step.error) {
    fail(codec + " stream corrupt at compressed byte " + std::to_string(consumed_) +
         " (decompressed byte " + std::to_string(produced_) + "): " + *step.error);
  } else if (step.produced == 0 && step.consumed == 0 && !in.empty()) {
    fail(codec + " decoder stuck at compressed byte " + std::to_string(consumed_));
  } else if (step.produced == 0 && last && in.empty()) {  // fully drained
    finished_ = true;
    if (!decoder_->at_boundary()) {
      fail(codec + " stream ends early at compressed byte " + std::to_string(consumed_) +
           " (decompressed byte " + std::to_string(produced_) + ")");
    }
  }
  return step.produced;
}

std::size_t DecompressedStream::read(std::span<std::uint8_t> out) {
  if (out.empty()) return 0;
  std::size_t n = std::min(out.size(), peeked_.size());
  if (n > 0) {
    std::copy_n(peeked_.begin(), n, out.begin());
    peeked_.erase(peeked_.begin(), peeked_.begin() + static_cast<std::ptrdiff_t>(n));
  }
  // The decoder may consume input (headers) without producing; loop until bytes or the end.
  while (n == 0 && !finished_) n = decode_some(out);
  delivered_ += n;
  return n;
}

std::span<const std::uint8_t> DecompressedStream::peek(std::size_t n) {
  std::uint8_t chunk[64];
  while (peeked_.size() < n && !finished_) {
    const std::size_t got = decode_some({chunk, std::min(sizeof chunk, n - peeked_.size())});
    peeked_.insert(peeked_.end(), chunk, chunk + got);
  }
  return {peeked_.data(), std::min(n, peeked_.size())};
}

FILE* DecompressedStream::open_file() {
  const cookie_io_functions_t io{cookie_read, nullptr, cookie_seek, cookie_close};
  return fopencookie(this, "rb", io);
}

}  // namespace tlsdiag::capture
