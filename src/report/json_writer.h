#pragma once
// JsonTextWriter: appends compact JSON text to a string, byte for byte what dump_json() gives for
// the nlohmann::json value the same calls would build, without building it (the JSON Lines hot
// path: no allocation per field; bytes are written through a pointer, the string grown ahead). nlohmann::json keeps object keys sorted, so callers give keys
// in sorted (byte) order; asserted. Calls: begin_object/end_object, begin_array/end_array, key(k)
// before each member, value(v) for strings, booleans and integers, null().
#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace tlsdiag::report {

class JsonTextWriter {
 public:
  // Appends to |out|; the text is complete when the writer is destroyed.
  explicit JsonTextWriter(std::string& out) : out_(out), len_(out.size()) {}
  ~JsonTextWriter() { out_.resize(len_); }
  JsonTextWriter(const JsonTextWriter&) = delete;
  JsonTextWriter& operator=(const JsonTextWriter&) = delete;

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // Keys are the serializer's own names: plain ASCII, written without escaping.
  void key(std::string_view k) {
    assert(depth_ > 0 && (last_key_[depth_].empty() || last_key_[depth_] < k));
    assert(std::all_of(k.begin(), k.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }));
    last_key_[depth_] = k;
    char* p = room(k.size() + 4);
    if (!first_[depth_]) *p++ = ',';
    first_[depth_] = false;
    *p++ = '"';
    std::memcpy(p, k.data(), k.size());
    p += k.size();
    *p++ = '"';
    *p++ = ':';
    len_ = static_cast<std::size_t>(p - out_.data());
    after_key_ = true;
  }
  // A value given as its JSON text, written as is.
  void raw_value(std::string_view json) {
    element();
    put(json);
  }
  // Bytes written so far (where the next byte goes): callers cut the text at values.
  std::size_t size() const { return len_; }
  // A member written as raw text ("\"type\":\"flow\""), outside the sorted keys.
  void raw_member(std::string_view text) {
    separate();
    put(text);
  }

  void value(std::string_view s) {
    element();
    quoted(s);
  }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(const char* s) { value(std::string_view(s)); }
  void value(bool b) {
    element();
    put(b ? std::string_view("true") : std::string_view("false"));
  }
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  void value(T n) {
    element();
    char* p = room(24);
    len_ = static_cast<std::size_t>(std::to_chars(p, p + 24, n).ptr - out_.data());
  }
  void null() {
    element();
    put("null");
  }

 private:
  static constexpr std::size_t kMaxDepth = 32;

  // Space for |n| more bytes at out_.data() + len_ (out_ runs ahead of len_ while writing).
  char* room(std::size_t n) {
    if (out_.size() - len_ < n) out_.resize(std::max(out_.size() * 2, len_ + n + 1024));
    return out_.data() + len_;
  }
  void put(char c) {
    *room(1) = c;
    ++len_;
  }
  void put(std::string_view s) {
    std::memcpy(room(s.size()), s.data(), s.size());
    len_ += s.size();
  }
  void open(char c) {
    element();
    put(c);
    assert(depth_ + 1 < kMaxDepth);
    ++depth_;
    first_[depth_] = true;
    last_key_[depth_] = {};
  }
  void close(char c) {
    put(c);
    --depth_;
  }
  // Before a member of an object (its key) or an element of an array.
  void separate() {
    if (!first_[depth_]) put(',');
    first_[depth_] = false;
  }
  // Before any value: an object member's value follows its key, an array element needs a comma.
  void element() {
    if (after_key_) {
      after_key_ = false;
    } else if (depth_ > 0) {
      separate();
    }
  }
  // nlohmann's escaping (serializer::dump_escaped, ensure_ascii off): ", \ and the named control
  // characters, other bytes below 0x20 as \u00xx; anything else as is. Text with bytes >= 0x80
  // goes through nlohmann itself, which also replaces invalid UTF-8 exactly as dump_json does.
  void quoted(std::string_view s) {
    const std::size_t mark = len_;
    char* p = room(2 + 6 * s.size());  // the worst case: every byte as \u00xx
    *p++ = '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
      // Eight plain bytes at a time; a word with anything special goes byte by byte.
      while (i + 8 <= s.size() && !special(s.data() + i)) {
        std::memcpy(p, s.data() + i, 8);
        p += 8;
        i += 8;
      }
      if (i == s.size()) break;
      const auto b = static_cast<unsigned char>(s[i]);
      const char kind = kEscape[b];
      if (kind == 0) {
        *p++ = static_cast<char>(b);
      } else if (kind == 'x') {  // not ASCII: let nlohmann check and replace
        len_ = mark;
        put(nlohmann::json(std::string(s)).dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::replace));
        return;
      } else if (kind == 'u') {
        static constexpr char kHex[] = "0123456789abcdef";
        const char esc[] = {'\\', 'u', '0', '0', kHex[b >> 4], kHex[b & 0xf]};
        std::memcpy(p, esc, sizeof esc);
        p += sizeof esc;
      } else {
        *p++ = '\\';
        *p++ = kind;
      }
    }
    *p++ = '"';
    len_ = static_cast<std::size_t>(p - out_.data());
  }

  // Whether any of the 8 bytes at |p| is below 0x20, '"', '\\' or not ASCII (SWAR: the
  // "has a byte less than n" and "has a zero byte" word tricks; exact for "any").
  static bool special(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    constexpr std::uint64_t k01 = 0x0101'0101'0101'0101, k80 = 0x8080'8080'8080'8080;
    const std::uint64_t quote = w ^ (k01 * '"');
    const std::uint64_t backslash = w ^ (k01 * '\\');
    const std::uint64_t hits = ((w - k01 * 0x20) & ~w) | ((quote - k01) & ~quote) |
                               ((backslash - k01) & ~backslash) | w;
    return (hits & k80) != 0;
  }

  // Per byte: 0 copied as is, 'x' not ASCII, 'u' as \u00xx, else the letter after a backslash.
  static constexpr std::array<char, 256> kEscape = [] {
    std::array<char, 256> t{};
    for (int b = 0; b < 0x20; ++b) t[b] = 'u';
    for (int b = 0x80; b < 0x100; ++b) t[b] = 'x';
    t['"'] = '"';
    t['\\'] = '\\';
    t['\b'] = 'b';
    t['\f'] = 'f';
    t['\n'] = 'n';
    t['\r'] = 'r';
    t['\t'] = 't';
    return t;
  }();

  std::string& out_;
  std::size_t len_;  // bytes of out_ written; out_.size() may run ahead
  std::size_t depth_ = 0;
  bool after_key_ = false;
  std::array<bool, kMaxDepth> first_{};
  std::array<std::string_view, kMaxDepth> last_key_{};
};

// Helpers.
template <class W, class T>
void field(W& w, std::string_view k, const T& v) {
  w.key(k);
  w.value(v);
}
template <class W>
void null_field(W& w, std::string_view k) {
  w.key(k);
  w.null();
}
template <class W, class Body>
void object(W& w, Body&& body) {
  w.begin_object();
  body();
  w.end_object();
}
template <class W, class Body>
void object_field(W& w, std::string_view k, Body&& body) {
  w.key(k);
  object(w, body);
}
template <class W, class Range>
void array_field(W& w, std::string_view k, const Range& items) {
  w.key(k);
  w.begin_array();
  for (const auto& item : items) w.value(item);
  w.end_array();
}

}  // namespace tlsdiag::report
