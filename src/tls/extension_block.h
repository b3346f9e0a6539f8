#pragma once
// The extension block shared by ClientHello and ServerHello (RFC 8446 §4.2): a u16-prefixed list
// of (type, u16-prefixed body), each type at most once, dispatched through a sorted table.
#include <algorithm>
#include <optional>
#include <span>

#include "tlsdiag/tls/hello_parsers.h"

namespace tlsdiag::tls {

template <typename Hello>
struct ExtensionParser {
  std::uint16_t type;
  bool (*parse)(ByteReader body, Hello& hello);
};

// How many extensions |list| frames, up to |max_extensions|: the room hello.extensions takes,
// sized exactly because a flow keeps its hellos to the end (docs/performance.md, session 20).
inline std::size_t count_extensions(ByteReader list, std::size_t max_extensions) {
  std::size_t n = 0;
  std::uint16_t type = 0;
  ByteReader body;
  while (n < max_extensions && list.read_u16(type) && list.read_prefixed_u16(body)) ++n;
  return n;
}

// Records every type in hello.extensions and parses the known ones, at most |max_extensions|.
// Returns the first error; what parsed before it stays in |hello|.
template <typename Hello>
std::optional<ParseError> parse_extension_block(ByteReader list, Hello& hello,
                                                std::span<const ExtensionParser<Hello>> parsers,
                                                std::size_t max_extensions) {
  hello.extensions.reserve(count_extensions(list, max_extensions));
  while (list.remaining() > 0) {
    std::uint16_t type = 0;
    ByteReader body;
    if (!list.read_u16(type) || !list.read_prefixed_u16(body)) return ParseError{Errc::Truncated, list.offset()};
    if (hello.extensions.size() >= max_extensions) return ParseError{Errc::TooManyExtensions, body.offset()};
    if (std::ranges::find(hello.extensions, type) != hello.extensions.end())
      return ParseError{Errc::DuplicateExtension, body.offset()};
    hello.extensions.push_back(type);
    const auto it = std::ranges::lower_bound(parsers, type, {}, &ExtensionParser<Hello>::type);
    if (it != parsers.end() && it->type == type && !it->parse(body, hello))
      return ParseError{Errc::BadExtension, body.offset()};
  }
  return std::nullopt;
}

}  // namespace tlsdiag::tls
