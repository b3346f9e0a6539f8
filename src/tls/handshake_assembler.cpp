#include "tlsdiag/tls/handshake_assembler.h"

#include <algorithm>

#include "tlsdiag/util/byte_reader.h"

namespace tlsdiag::tls {

namespace {
constexpr std::size_t kKeptCapacity = 4096;  // an empty buffer keeps this much for the next message
using Allocator = LargeBlockAllocator<std::uint8_t>;
}  // namespace

// A message of 16 KiB or more (and under the cap) gets its whole length reserved once its header
// is known: mapped pages, resident only as its bytes arrive (util/large_block_allocator.h), so
// that it is never copied to a bigger block as it grows nor leaves the smaller ones behind as
// holes in the heap. What it holds (held_bytes) is the pages written, not the length announced.
void HandshakeAssembler::reserve_message(Buffer& buffer, std::span<const std::uint8_t> front) const {
  if (front.size() < 4) return;
  ByteReader header(front.first(4));
  std::uint32_t length = 0;
  header.skip(1);  // msg_type
  header.read_u24(length);
  const std::size_t total = 4 + std::size_t{length};
  if (length <= max_message_ && Allocator::mapped(total) && buffer.capacity() < total) buffer.reserve(total);
}

// Drops the first |used| bytes. A mapped buffer is not kept for what follows: the pages written
// for the message before would stay resident behind a shorter one.
void HandshakeAssembler::drop_front(std::size_t used) {
  if (used == 0) return;
  if (!Allocator::mapped(pending_.capacity())) {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
    return;
  }
  const std::span<const std::uint8_t> rest = std::span<const std::uint8_t>(pending_).subspan(used);
  Buffer next;
  reserve_message(next, rest);
  next.assign(rest.begin(), rest.end());
  pending_.swap(next);
}

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
    if (used < payload.size()) {
      const std::span<const std::uint8_t> rest = payload.subspan(used);
      reserve_message(pending_, rest);
      pending_.assign(rest.begin(), rest.end());
    }
  } else {
    const bool header_known = pending_.size() >= 4;
    if (header_known) reserve_message(pending_, pending_);
    pending_.insert(pending_.end(), payload.begin(), payload.end());
    if (!header_known) reserve_message(pending_, pending_);
    drop_front(emit_complete(pending_, on_message, oversized));
  }
  // A message once assembled here is not kept in memory for the flow's lifetime.
  if (pending_.empty() && pending_.capacity() > kKeptCapacity) decltype(pending_)().swap(pending_);
  return oversized ? Status::Oversized : Status::NeedMore;
}

void HandshakeAssembler::reset() {
  decltype(pending_)().swap(pending_);
  skip_ = 0;
}

}  // namespace tlsdiag::tls
