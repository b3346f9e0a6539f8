#include "tlsdiag/util/shared_bytes.h"

namespace tlsdiag {

SharedBytes ByteInterner::intern(std::span<const std::uint8_t> bytes) {
  if (const auto it = by_content_.find(as_chars(bytes)); it != by_content_.end()) return it->second;
  SharedBytes shared(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
  if (bytes.size() > max_bytes_) return shared;  // kept by its holder only
  if (bytes_ + bytes.size() > max_bytes_) {
    by_content_.clear();
    bytes_ = 0;
  }
  bytes_ += bytes.size();
  const std::string_view own = as_chars(shared.span());  // the key views its value's bytes
  return by_content_.emplace(own, std::move(shared)).first->second;
}

}  // namespace tlsdiag
