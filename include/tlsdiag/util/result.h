#pragma once
// Result<T>: a value or a ParseError (what went wrong and at which byte offset).
// std::expected is C++23; this is the small subset we need.
#include <cstddef>
#include <utility>
#include <variant>

#include "tlsdiag/util/errc.h"

namespace tlsdiag {

struct ParseError {
  Errc code = Errc::Ok;
  std::size_t offset = 0;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(ParseError err) : v_(err) {}        // NOLINT(google-explicit-constructor)
  // A default T made where it stays, for a parser to fill in place (net/ipv4.cpp says why).
  explicit Result(std::in_place_t) : v_(std::in_place_index<0>) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const ParseError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ParseError> v_;
};

}  // namespace tlsdiag
