#include "tlsdiag/tls/handshake_assembler.h"

#include <algorithm>

#include "tlsdiag/util/byte_reader.h"

namespace tlsdiag::tls {

// Emits every complete message at the front of |bytes|; returns how many bytes were used.
std::size_t HandshakeAssembler::emit_complete(std::span<const std::uint8_t> bytes,
                                              const MessageFn& on_message, bool& oversized) {
  std::size_t used = 0;
  while (bytes.size() - used >= 4) {
    ByteReader header(bytes.subspan(used, 4));
    HandshakeMessage msg;
    header.read_u8(msg.type);
    header.read_u24(msg.length);
    if (msg.length > max_message_) {
      oversized = true;
      oversized_ = HandshakeMessage{msg.type, msg.length, {}, consumed_ + used};
      const std::uint64_t total = 4ull + msg.length;
      const std::uint64_t available = bytes.size() - used;
      skip_ = total > available ? total - available : 0;
      consumed_ += std::min(total, available);
      return bytes.size();
    }
    if (bytes.size() - used - 4 < msg.length) break;
    msg.body = bytes.subspan(used + 4, msg.length);
    msg.stream_offset = consumed_;
    on_message(msg);
    used += 4 + msg.length;
    consumed_ += 4 + msg.length;
  }
  return used;
}

HandshakeAssembler::Status HandshakeAssembler::feed(std::span<const std::uint8_t> payload,
                                                     const MessageFn& on_message) {
  if (skip_ > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, payload.size()));
    skip_ -= n;
    consumed_ += n;
    payload = payload.subspan(n);
  }
  bool oversized = false;
  if (pending_.empty()) {
    // Fast path: messages wholly inside this record are parsed in place.
    const std::size_t used = emit_complete(payload, on_message, oversized);
    if (used < payload.size()) pending_.assign(payload.begin() + static_cast<std::ptrdiff_t>(used), payload.end());
  } else {
    pending_.insert(pending_.end(), payload.begin(), payload.end());
    const std::size_t used = emit_complete(pending_, on_message, oversized);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
  }
  return oversized ? Status::Oversized : Status::NeedMore;
}

void HandshakeAssembler::reset() {
  pending_.clear();
  skip_ = 0;
}

}  // namespace tlsdiag::tls
