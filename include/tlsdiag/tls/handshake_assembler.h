#pragma once
// HandshakeAssembler: joins the payloads of consecutive handshake records of one direction and
// cuts them into messages (RFC 8446 §5.1: a message may span records, a record may hold several
// messages). Input: record payloads. Output: complete messages, as views valid during the
// on_message call. Limit: a message longer than the cap (kMaxHandshakeMessage unless given) is
// reported Oversized and skipped. Memory: the partial message only, released once it is used.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "tlsdiag/util/large_block_allocator.h"

namespace tlsdiag::tls {

inline constexpr std::uint32_t kMaxHandshakeMessage = 256 * 1024;

struct HandshakeMessage {
  std::uint8_t type = 0;
  std::uint32_t length = 0;
  std::span<const std::uint8_t> body;  // excludes the 4-byte header
  std::uint64_t stream_offset = 0;     // of the header, in this direction's handshake bytes
};

class HandshakeAssembler {
 public:
  enum class Status : std::uint8_t { NeedMore, Oversized };
  using MessageFn = std::function<void(const HandshakeMessage&)>;

  explicit HandshakeAssembler(std::uint32_t max_message = kMaxHandshakeMessage) : max_message_(max_message) {}

  // Calls on_message for every message completed by |payload|. Returns Oversized once when a
  // message header announces more than the cap; its bytes are then skipped.
  Status feed(std::span<const std::uint8_t> payload, const MessageFn& on_message);
  // Drops any partial message (after a gap, or when the handshake becomes encrypted).
  void reset();
  bool has_partial() const { return !pending_.empty() || skip_ > 0; }
  std::size_t buffered() const { return pending_.size(); }
  // Memory held for them: the heap block, or for a message of 16 KiB or more the pages written
  // of the mapped block reserved for it (util/large_block_allocator.h).
  std::size_t held_bytes() const {
    const std::size_t capacity = pending_.capacity();
    if (capacity == 0) return 0;
    if (LargeBlockAllocator<std::uint8_t>::mapped(capacity)) return (pending_.size() + kPageBytes - 1) / kPageBytes * kPageBytes;
    return heap_block(capacity);
  }
  // Offset in this direction's handshake bytes where the next fed byte will land.
  std::uint64_t position() const { return consumed_ + pending_.size(); }
  // Type of the message whose header is buffered but whose body is incomplete, if any.
  std::optional<std::uint8_t> pending_type() const {
    return pending_.empty() ? std::nullopt : std::optional<std::uint8_t>(pending_[0]);
  }
  // Header of the last message reported Oversized (body empty): it was sent, only not parsed.
  const HandshakeMessage& oversized() const { return oversized_; }

 private:
  using Buffer = LargeBlockVector<std::uint8_t>;
  std::size_t emit_complete(std::span<const std::uint8_t> bytes, const MessageFn& on_message, bool& oversized);
  void reserve_message(Buffer& buffer, std::span<const std::uint8_t> front) const;
  void drop_front(std::size_t used);
  Buffer pending_;
  std::uint64_t skip_ = 0;    // bytes of an oversized message still to discard
  std::uint64_t consumed_ = 0;  // handshake bytes before pending_
  HandshakeMessage oversized_;
  std::uint32_t max_message_;
};

}  // namespace tlsdiag::tls
