#include "tlsdiag/capture/rotation.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <tuple>

namespace tlsdiag::capture {
namespace {

constexpr std::string_view kCompressionSuffixes[] = {".gz", ".zst", ".xz"};
constexpr std::string_view kCaptureExtensions[] = {".pcapng", ".pcap", ".cap", ".dmp"};

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

bool strip_suffix(std::string_view& s, std::string_view suffix) {
  if (!s.ends_with(suffix)) return false;
  s.remove_suffix(suffix.size());
  return true;
}

void strip_trailing_digits(std::string_view& s) {
  while (!s.empty() && is_digit(s.back())) s.remove_suffix(1);
}

bool is_separator(char c) { return c == '_' || c == '-' || c == '.' || c == ':'; }

// Piece numbers and timestamps: the name's trailing run of digits, separators and the T of an
// ISO 8601 date-time, from its first separator on. A number glued to the name (eth0) stays: it
// names the capture, not the piece.
void strip_counter_and_time(std::string_view& s) {
  std::size_t start = s.size();
  while (start > 0) {
    const char c = s[start - 1];
    const bool iso_t = c == 'T' && start >= 2 && is_digit(s[start - 2]) && start < s.size() &&
                       is_digit(s[start]);
    if (!is_digit(c) && !is_separator(c) && !iso_t) break;
    --start;
  }
  while (start < s.size() && !is_separator(s[start])) ++start;
  const std::string_view tail = s.substr(start);
  if (std::ranges::any_of(tail, is_digit)) s.remove_suffix(tail.size());
}

}  // namespace

std::string rotation_stem(std::string_view name) {
  for (std::string_view suffix : kCompressionSuffixes)
    if (strip_suffix(name, suffix)) break;
  // tcpdump -C numbers pieces after the whole name: trace.pcap, trace.pcap1, trace.pcap2.
  std::string_view without_number = name;
  strip_trailing_digits(without_number);
  for (std::string_view ext : kCaptureExtensions) {
    if (without_number.ends_with(ext)) {
      name = without_number;
      break;
    }
  }
  std::string_view extension;
  for (std::string_view ext : kCaptureExtensions) {
    if (name.ends_with(ext)) {
      extension = name.substr(name.size() - ext.size());
      name.remove_suffix(ext.size());
      break;
    }
  }
  strip_counter_and_time(name);
  return std::string(name) + std::string(extension);
}

bool natural_less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && is_digit(a[ie])) ++ie;
      while (je < b.size() && is_digit(b[je])) ++je;
      // Compare as numbers without converting: skip leading zeros, then length, then digits.
      std::string_view x = a.substr(i, ie - i), y = b.substr(j, je - j);
      while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
      while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;  // equal as numbers ("01" and "1"): plain order keeps it strict
}

std::vector<std::vector<std::size_t>> group_rotated(const std::vector<RotationCandidate>& files) {
  namespace fs = std::filesystem;
  using Key = std::tuple<std::string, std::string, int>;  // directory, stem, link type
  std::map<Key, std::size_t> group_of;
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const fs::path path(files[i].path);
    if (files[i].link_type < 0) {
      groups.push_back({i});
      continue;
    }
    const Key key{path.parent_path().string(), rotation_stem(path.filename().string()),
                  files[i].link_type};
    const auto [it, added] = group_of.try_emplace(key, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  for (auto& group : groups) {
    std::ranges::sort(group, [&](std::size_t a, std::size_t b) {
      return natural_less(files[a].path, files[b].path);
    });
  }
  return groups;
}

}  // namespace tlsdiag::capture
