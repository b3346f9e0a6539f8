#include "tlsdiag/report/json_indent.h"

#include <cstddef>

namespace tlsdiag::report {

namespace {

void newline(std::string& out, int level) {
  out.push_back('\n');
  out.append(static_cast<std::size_t>(2 * level), ' ');
}

bool closes(char open, char next) { return (open == '{' && next == '}') || (open == '[' && next == ']'); }

}  // namespace

// nlohmann's layout: "{" / "[" then each member or element on a line of its own one level in,
// separated by ",", "key": value; an empty object or array stays "{}" / "[]". Structure is only
// ever outside strings, and a string's escapes are copied whole (an escaped quote does not end it).
void append_indented_json(std::string& out, std::string_view compact, int depth) {
  out.reserve(out.size() + compact.size() + compact.size() / 2);
  int level = depth;
  bool in_string = false;
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < compact.size()) out.push_back(compact[++i]);
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
        if (i + 1 < compact.size() && closes(c, compact[i + 1])) out.push_back(compact[++i]);
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
      case ':': out.append(": "); break;
      default: out.push_back(c);
    }
  }
}

}  // namespace tlsdiag::report
