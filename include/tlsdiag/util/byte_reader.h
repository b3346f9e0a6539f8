#pragma once
// ByteReader: a checked, non-owning cursor over wire bytes (in the spirit of BoringSSL's CBS).
// Every read is bounds-checked; the first failure makes the reader sticky-failed so a run of
// reads is checked once. Length-prefixed reads hand back a child reader bounded by that length.
// offset() counts from the start of the outermost buffer, for error reports.
#include <cstddef>
#include <cstdint>
#include <span>

namespace tlsdiag {

// N bytes taken from a ByteReader with one bounds check (ByteReader::take), for a fixed-size
// header: its fields are then read at offsets checked against N when compiling, so a header of a
// dozen fields costs one check per packet instead of a dozen. Empty (false) when take() failed;
// read fields only from one that is not. One pointer, returned in a register: a std::optional
// here went through the stack, and the load of it right after its two narrower stores missed
// store-to-load forwarding (about 15 cycles each, twice per header).
template <std::size_t N>
class FixedBytes {
 public:
  explicit operator bool() const { return data_ != nullptr; }
  template <std::size_t At>
  std::uint8_t u8() const {
    static_assert(At + 1 <= N);
    return data_[At];
  }
  template <std::size_t At>
  std::uint16_t u16() const {
    static_assert(At + 2 <= N);
    return static_cast<std::uint16_t>(data_[At] << 8 | data_[At + 1]);
  }
  template <std::size_t At>
  std::uint32_t u32() const {
    static_assert(At + 4 <= N);
    return std::uint32_t{data_[At]} << 24 | std::uint32_t{data_[At + 1]} << 16 |
           std::uint32_t{data_[At + 2]} << 8 | data_[At + 3];
  }
  template <std::size_t At, std::size_t Length>
  std::span<const std::uint8_t, Length> bytes() const {
    static_assert(At + Length <= N);
    return std::span<const std::uint8_t, Length>(data_ + At, Length);
  }

 private:
  friend class ByteReader;
  FixedBytes() = default;
  explicit FixedBytes(const std::uint8_t* data) : data_(data) {}
  const std::uint8_t* data_ = nullptr;  // N bytes, or null
};

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::span<const std::uint8_t> bytes, std::size_t base_offset = 0)
      : bytes_(bytes), base_(base_offset) {}

  // The fixed-size reads are defined below, inline: every decoder calls them per field.
  bool read_u8(std::uint8_t& out);
  bool read_u16(std::uint16_t& out);
  bool read_u24(std::uint32_t& out);
  bool read_u32(std::uint32_t& out);
  bool read_bytes(std::size_t n, std::span<const std::uint8_t>& out);
  bool read_prefixed_u8(ByteReader& body);
  bool read_prefixed_u16(ByteReader& body);
  bool read_prefixed_u24(ByteReader& body);
  bool skip(std::size_t n);
  // The next N bytes, consumed; an empty FixedBytes (and the reader failed) when fewer remain.
  template <std::size_t N>
  FixedBytes<N> take();
  // Child reader over the next n bytes, consuming them.
  bool sub(std::size_t n, ByteReader& body);

  // Look without consuming; false (not sticky) when too few bytes remain.
  bool peek_u8(std::uint8_t& out, std::size_t at = 0) const;
  bool peek_u16(std::uint16_t& out, std::size_t at = 0) const;

  std::size_t remaining() const { return failed_ ? 0 : bytes_.size() - pos_; }
  std::size_t offset() const { return base_ + pos_; }
  bool failed() const { return failed_; }
  bool done() const { return !failed_ && pos_ == bytes_.size(); }
  std::span<const std::uint8_t> rest() const {
    return failed_ ? std::span<const std::uint8_t>{} : bytes_.subspan(pos_);
  }

 private:
  bool need(std::size_t n);
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  std::size_t base_ = 0;
  bool failed_ = false;
};

inline bool ByteReader::need(std::size_t n) {
  if (failed_ || bytes_.size() - pos_ < n) {
    failed_ = true;
    return false;
  }
  return true;
}

inline bool ByteReader::read_u8(std::uint8_t& out) {
  if (!need(1)) return false;
  out = bytes_[pos_++];
  return true;
}

inline bool ByteReader::read_u16(std::uint16_t& out) {
  if (!need(2)) return false;
  out = static_cast<std::uint16_t>(bytes_[pos_] << 8 | bytes_[pos_ + 1]);
  pos_ += 2;
  return true;
}

inline bool ByteReader::read_u24(std::uint32_t& out) {
  if (!need(3)) return false;
  out = std::uint32_t{bytes_[pos_]} << 16 | std::uint32_t{bytes_[pos_ + 1]} << 8 | bytes_[pos_ + 2];
  pos_ += 3;
  return true;
}

inline bool ByteReader::read_u32(std::uint32_t& out) {
  if (!need(4)) return false;
  out = std::uint32_t{bytes_[pos_]} << 24 | std::uint32_t{bytes_[pos_ + 1]} << 16 |
        std::uint32_t{bytes_[pos_ + 2]} << 8 | bytes_[pos_ + 3];
  pos_ += 4;
  return true;
}

inline bool ByteReader::read_bytes(std::size_t n, std::span<const std::uint8_t>& out) {
  if (!need(n)) return false;
  out = bytes_.subspan(pos_, n);
  pos_ += n;
  return true;
}

template <std::size_t N>
FixedBytes<N> ByteReader::take() {
  if (!need(N)) return {};
  const FixedBytes<N> out(bytes_.data() + pos_);
  pos_ += N;
  return out;
}

inline bool ByteReader::skip(std::size_t n) {
  if (!need(n)) return false;
  pos_ += n;
  return true;
}

}  // namespace tlsdiag
