#pragma once
// JsonTextWriter: appends compact JSON text to a string, byte for byte what dump_json() gives for
// the nlohmann::json value the same calls would build, without building it (the JSON Lines hot
// path: no allocation per field). nlohmann::json keeps object keys sorted, so callers give keys
// in sorted (byte) order; asserted. Calls: begin_object/end_object, begin_array/end_array, key(k)
// before each member, value(v) for strings, booleans and integers, null().
#include <array>
#include <cassert>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace tlsdiag::report {

class JsonTextWriter {
 public:
  explicit JsonTextWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view k) {
    assert(depth_ > 0 && (last_key_[depth_].empty() || last_key_[depth_] < k));
    last_key_[depth_] = k;
    separate();
    quoted(k);
    out_ += ':';
    after_key_ = true;
  }
  // A member written as raw text ("\"type\":\"flow\""), outside the sorted keys.
  void raw_member(std::string_view text) {
    separate();
    out_ += text;
  }

  void value(std::string_view s) {
    element();
    quoted(s);
  }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(const char* s) { value(std::string_view(s)); }
  void value(bool b) {
    element();
    out_ += b ? "true" : "false";
  }
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  void value(T n) {
    element();
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    out_.append(buf, r.ptr);
  }
  void null() {
    element();
    out_ += "null";
  }

 private:
  static constexpr std::size_t kMaxDepth = 32;

  void open(char c) {
    element();
    out_ += c;
    assert(depth_ + 1 < kMaxDepth);
    ++depth_;
    first_[depth_] = true;
    last_key_[depth_] = {};
  }
  void close(char c) {
    out_ += c;
    --depth_;
  }
  // Before a member of an object (its key) or an element of an array.
  void separate() {
    if (!first_[depth_]) out_ += ',';
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
    for (const char ch : s) {
      if (static_cast<unsigned char>(ch) >= 0x80) {
        out_ += nlohmann::json(std::string(s)).dump(-1, ' ', false,
                                                    nlohmann::json::error_handler_t::replace);
        return;
      }
    }
    out_ += '"';
    std::size_t run = 0;  // start of the bytes not yet copied
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto b = static_cast<unsigned char>(s[i]);
      if (b >= 0x20 && b != '"' && b != '\\') continue;
      out_.append(s.data() + run, i - run);
      run = i + 1;
      switch (b) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          const char esc[] = {'\\', 'u', '0', '0', kHex[b >> 4], kHex[b & 0xf]};
          out_.append(esc, sizeof esc);
        }
      }
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }

  std::string& out_;
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
