#pragma once
// SharedBytes: immutable bytes with shared ownership (a reference count, never a copy), and
// ByteInterner, which hands out one SharedBytes per distinct content.
// For the certificates a server sends to every client: the Dissector interns them, so the flows
// to one server hold one copy between them instead of one each, and the certificate cache can
// know a certificate by the address of its bytes instead of hashing and comparing them again
// when the flow ends (by then they are long out of the cache).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tlsdiag {

// Bytes as characters, to key a hash map by content.
inline std::string_view as_chars(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

class SharedBytes {
 public:
  SharedBytes() = default;
  // Takes the bytes as its own copy (implicit: a vector converts where SharedBytes is wanted).
  SharedBytes(std::vector<std::uint8_t> bytes)  // NOLINT(google-explicit-constructor)
      : bytes_(std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes))) {}
  SharedBytes(std::initializer_list<std::uint8_t> bytes) : SharedBytes(std::vector<std::uint8_t>(bytes)) {}
  // Only iterators: two integers in braces are the bytes above, not a count and a value.
  template <std::input_iterator Iterator>
  SharedBytes(Iterator first, Iterator last) : SharedBytes(std::vector<std::uint8_t>(first, last)) {}

  std::span<const std::uint8_t> span() const {
    return bytes_ ? std::span<const std::uint8_t>(*bytes_) : std::span<const std::uint8_t>();
  }
  const std::uint8_t* data() const { return span().data(); }
  std::size_t size() const { return span().size(); }
  bool empty() const { return size() == 0; }
  auto begin() const { return span().begin(); }
  auto end() const { return span().end(); }
  std::uint8_t operator[](std::size_t i) const { return span()[i]; }
  // The same for every holder of these bytes, and for no other bytes while one holds them.
  const void* identity() const { return bytes_.get(); }

  friend bool operator==(const SharedBytes& a, const SharedBytes& b) {
    return a.identity() == b.identity() || std::ranges::equal(a.span(), b.span());
  }

 private:
  std::shared_ptr<const std::vector<std::uint8_t>> bytes_;
};

// One SharedBytes per distinct content seen, until the contents kept pass max_bytes: then it
// forgets them all (the holders keep theirs) and starts again, so a flood of distinct contents
// costs at most max_bytes here. Not thread-safe: one per thread (the SharedBytes it returns may
// go anywhere).
class ByteInterner {
 public:
  static constexpr std::size_t kDefaultMaxBytes = 4 << 20;
  explicit ByteInterner(std::size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}

  SharedBytes intern(std::span<const std::uint8_t> bytes);
  std::size_t size() const { return by_content_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  // Keys view the bytes of their own value.
  std::unordered_map<std::string_view, SharedBytes> by_content_;
  std::size_t bytes_ = 0;
  std::size_t max_bytes_;
};

}  // namespace tlsdiag
