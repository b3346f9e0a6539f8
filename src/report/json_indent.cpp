#include "tlsdiag/report/json_indent.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace tlsdiag::report {

namespace {

// A level below 0 comes only from text that closes more than it opened (not JSON): no indent.
void newline(std::string& out, int level) {
  out.push_back('\n');
  out.append(static_cast<std::size_t>(2 * std::max(level, 0)), ' ');
}

bool closes(char open, char next) { return (open == '{' && next == '}') || (open == '[' && next == ']'); }

// The characters that end a run copied as it is: outside a string, the structure and the quote
// that opens a string; inside one, the quote that ends it and the backslash of an escape.
constexpr std::array<bool, 256> char_set(std::string_view chars) {
  std::array<bool, 256> set{};
  for (char c : chars) set[static_cast<unsigned char>(c)] = true;
  return set;
}
constexpr std::array<bool, 256> kStructure = char_set("\"{}[],:");
constexpr std::array<bool, 256> kStringEnd = char_set("\"\\");

// The index of the first character of |text| from |i| on in |set|, or text.size().
std::size_t run_end(std::string_view text, std::size_t i, const std::array<bool, 256>& set) {
  while (i < text.size() && !set[static_cast<unsigned char>(text[i])]) ++i;
  return i;
}

}  // namespace

// nlohmann's layout: "{" / "[" then each member or element on a line of its own one level in,
// separated by ",", "key": value; an empty object or array stays "{}" / "[]". Structure is only
// ever outside strings, and a string's escapes are copied whole (an escaped quote does not end it).
// Bytes between structure characters, and a string's bytes between escapes, are appended as
// runs: appending byte by byte was a fifth of a --format json run.
void append_indented_json(std::string& out, std::string_view compact, int depth) {
  out.reserve(out.size() + compact.size() + compact.size() / 2);
  int level = depth;
  bool in_string = false;
  std::size_t i = 0;
  while (i < compact.size()) {
    const std::size_t end = run_end(compact, i, in_string ? kStringEnd : kStructure);
    out.append(compact, i, end - i);
    if (end == compact.size()) return;
    const char c = compact[end];
    i = end + 1;
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i < compact.size()) out.push_back(compact[i++]);
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out.push_back(c);
        break;
      case '{':
      case '[':
        out.push_back(c);
        if (i < compact.size() && closes(c, compact[i])) out.push_back(compact[i++]);
        else newline(out, ++level);
        break;
      case '}':
      case ']':
        newline(out, --level);
        out.push_back(c);
        break;
      case ',':
        out.push_back(',');
        newline(out, level);
        break;
      default: out.append(": ");  // ':'
    }
  }
}

}  // namespace tlsdiag::report
