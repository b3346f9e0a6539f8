#include "duration.h"

#include <cmath>
#include <string>

namespace tlsdiag::app {

namespace {
struct Unit {
  std::string_view suffix;
  double ns;
};
// Longest suffix first, so "ms" is not read as "m" + "s".
constexpr Unit kUnits[] = {{"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}, {"", 1e9}};
}  // namespace

std::optional<std::int64_t> parse_duration_ns(std::string_view text) {
  for (const Unit& unit : kUnits) {
    if (text.size() <= unit.suffix.size() || !text.ends_with(unit.suffix)) continue;
    const std::string number(text.substr(0, text.size() - unit.suffix.size()));
    std::size_t used = 0;
    double value = 0;
    try {
      value = std::stod(number, &used);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    if (used != number.size() || !std::isfinite(value) || value < 0) return std::nullopt;
    const double ns = value * unit.ns;
    if (ns > 9e18) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(ns));
  }
  return std::nullopt;
}

}  // namespace tlsdiag::app
