#include "tlsdiag/tls/record.h"

namespace tlsdiag::tls {

bool read_record_header(std::span<const std::uint8_t> bytes, RecordHeader& out) {
  if (bytes.size() < kRecordHeaderSize) return false;
  out.content_type = bytes[0];
  out.version = static_cast<std::uint16_t>(bytes[1] << 8 | bytes[2]);
  out.length = static_cast<std::uint16_t>(bytes[3] << 8 | bytes[4]);
  return true;
}

bool plausible_record_header(const RecordHeader& h) {
  if (h.content_type < content_type::kChangeCipherSpec || h.content_type > content_type::kHeartbeat)
    return false;
  if ((h.version >> 8) != 0x03 || (h.version & 0xff) > 0x04) return false;
  return h.length > 0 && h.length <= kMaxRecordPayload;
}

bool looks_like_sslv2_client_hello(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 5 || (bytes[0] & 0x80) == 0) return false;
  const std::size_t length = static_cast<std::size_t>(bytes[0] & 0x7f) << 8 | bytes[1];
  const bool version_ok = (bytes[3] == 0x00 && bytes[4] == 0x02) || bytes[3] == 0x03;
  // A CLIENT-HELLO body is at least 9 bytes of fixed fields plus a 16-byte challenge.
  return bytes[2] == 0x01 && version_ok && length >= 9 + 16;
}

bool looks_like_sslv2_server_hello(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 7 || (bytes[0] & 0x80) == 0) return false;
  const bool version_ok = (bytes[5] == 0x00 && bytes[6] == 0x02) || bytes[5] == 0x03;
  return bytes[2] == 0x04 && bytes[3] <= 1 && version_ok;
}

std::size_t read_sslv2_header(std::span<const std::uint8_t> bytes, std::size_t& length) {
  if (bytes.size() < 3) return 0;
  if ((bytes[0] & 0x80) != 0) {
    length = static_cast<std::size_t>(bytes[0] & 0x7f) << 8 | bytes[1];
    return 2;
  }
  length = static_cast<std::size_t>(bytes[0] & 0x3f) << 8 | bytes[1];
  return 3;
}

std::size_t find_plausible_record(std::span<const std::uint8_t> bytes, std::size_t from) {
  for (std::size_t i = from; i + kRecordHeaderSize <= bytes.size(); ++i) {
    RecordHeader h;
    read_record_header(bytes.subspan(i), h);
    if (!plausible_record_header(h)) continue;
    const std::size_t next = i + kRecordHeaderSize + h.length;
    RecordHeader after;
    if (next + kRecordHeaderSize <= bytes.size() && read_record_header(bytes.subspan(next), after) &&
        !plausible_record_header(after))
      continue;
    return i;
  }
  return bytes.size();
}

}  // namespace tlsdiag::tls
