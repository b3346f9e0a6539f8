#include "byte_size.h"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

namespace tlsdiag::app {

std::optional<std::size_t> parse_byte_size(std::string_view text) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  static constexpr std::array<std::pair<std::string_view, int>, 13> kUnits = {{
      {"", 0}, {"B", 0}, {"k", 10}, {"K", 10}, {"KiB", 10}, {"M", 20}, {"MiB", 20}, {"G", 30}, {"GiB", 30},
      {"kB", 10}, {"KB", 10}, {"MB", 20}, {"GB", 30}}};
  for (const auto& [name, shift] : kUnits) {
    if (unit != name) continue;
    if (value > (std::numeric_limits<std::size_t>::max() >> shift)) return std::nullopt;
    return value << shift;
  }
  return std::nullopt;
}

}  // namespace tlsdiag::app
