#include "tlsdiag/util/shared_bytes.h"

namespace tlsdiag {

SharedBytes ByteInterner::intern(std::span<const std::uint8_t> bytes) {
  const std::string_view key(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (const auto it = by_content_.find(key); it != by_content_.end()) return it->second;
  SharedBytes shared(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
  if (bytes.size() > max_bytes_) return shared;  // kept by its holder only
  if (bytes_ + bytes.size() > max_bytes_) {
    by_content_.clear();
    bytes_ = 0;
  }
  const std::string_view own(reinterpret_cast<const char*>(shared.data()), shared.size());
  bytes_ += bytes.size();
  return by_content_.emplace(own, std::move(shared)).first->second;
}

}  // namespace tlsdiag
