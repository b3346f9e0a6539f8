#include "tlsdiag/util/byte_reader.h"

namespace tlsdiag {

bool ByteReader::sub(std::size_t n, ByteReader& body) {
  const std::size_t start = offset();
  std::span<const std::uint8_t> view;
  if (!read_bytes(n, view)) return false;
  body = ByteReader(view, start);
  return true;
}

bool ByteReader::read_prefixed_u8(ByteReader& body) {
  std::uint8_t n = 0;
  return read_u8(n) && sub(n, body);
}

bool ByteReader::read_prefixed_u16(ByteReader& body) {
  std::uint16_t n = 0;
  return read_u16(n) && sub(n, body);
}

bool ByteReader::read_prefixed_u24(ByteReader& body) {
  std::uint32_t n = 0;
  return read_u24(n) && sub(n, body);
}

bool ByteReader::peek_u8(std::uint8_t& out, std::size_t at) const {
  if (failed_ || bytes_.size() - pos_ <= at) return false;
  out = bytes_[pos_ + at];
  return true;
}

bool ByteReader::peek_u16(std::uint16_t& out, std::size_t at) const {
  if (failed_ || bytes_.size() - pos_ < at + 2) return false;
  out = static_cast<std::uint16_t>(bytes_[pos_ + at] << 8 | bytes_[pos_ + at + 1]);
  return true;
}

}  // namespace tlsdiag
