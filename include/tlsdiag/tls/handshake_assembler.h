#pragma once
// HandshakeAssembler: joins the payloads of consecutive handshake records of one direction and
// cuts them into messages (RFC 8446 §5.1: a message may span records, a record may hold several
// messages). Input: record payloads. Output: complete messages, as views valid until the next
// feed(). Limit: a message longer than the cap (kMaxHandshakeMessage unless given) is reported
// Oversized and skipped.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

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
  std::size_t held_bytes() const { return pending_.capacity(); }  // memory held for them
  // Offset in this direction's handshake bytes where the next fed byte will land.
  std::uint64_t position() const { return consumed_ + pending_.size(); }
  // Type of the message whose header is buffered but whose body is incomplete, if any.
  std::optional<std::uint8_t> pending_type() const {
    return pending_.empty() ? std::nullopt : std::optional<std::uint8_t>(pending_[0]);
  }
  // Header of the last message reported Oversized (body empty): it was sent, only not parsed.
  const HandshakeMessage& oversized() const { return oversized_; }

 private:
  std::size_t emit_complete(std::span<const std::uint8_t> bytes, const MessageFn& on_message, bool& oversized);
  std::vector<std::uint8_t> pending_;
  std::uint64_t skip_ = 0;    // bytes of an oversized message still to discard
  std::uint64_t consumed_ = 0;  // handshake bytes before pending_
  HandshakeMessage oversized_;
  std::uint32_t max_message_;
};

}  // namespace tlsdiag::tls
