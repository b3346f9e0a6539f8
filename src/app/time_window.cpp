#include "time_window.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iostream>

namespace tlsdiag::app {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Reads exactly |width| digits at |pos|.
bool digits(std::string_view text, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  pos += width;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// "+01:00" / "-05:30" / "Z" at |pos|, to the end: the offset in seconds east of UTC.
std::optional<std::int64_t> zone(std::string_view text, std::size_t pos) {
  if (pos + 1 == text.size() && (text[pos] == 'Z' || text[pos] == 'z')) return 0;
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return std::nullopt;
  const int sign = text[pos++] == '-' ? -1 : 1;
  int hh = 0, mm = 0;
  if (!digits(text, pos, 2, hh) || !expect(text, pos, ':') || !digits(text, pos, 2, mm) || pos != text.size())
    return std::nullopt;
  if (hh > 23 || mm > 59) return std::nullopt;
  return sign * (hh * 3600 + mm * 60);
}

}  // namespace

std::optional<Timestamp> parse_time(std::string_view text, bool end_of_day) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0;
  if (!digits(text, pos, 4, year) || !expect(text, pos, '-') || !digits(text, pos, 2, month) ||
      !expect(text, pos, '-') || !digits(text, pos, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  if (pos == text.size()) return Timestamp::from_sec_nsec((days + (end_of_day ? 1 : 0)) * 86400, 0);
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  int hh = 0, mm = 0, ss = 0;
  if (!digits(text, pos, 2, hh) || !expect(text, pos, ':') || !digits(text, pos, 2, mm) ||
      !expect(text, pos, ':') || !digits(text, pos, 2, ss))
    return std::nullopt;
  // RFC 3339 §5.6 allows a leap second (60); it reads as the next second.
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  std::int64_t nsec = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000;
    const std::size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      nsec += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  const std::optional<std::int64_t> offset = zone(text, pos);
  if (!offset) return std::nullopt;
  return Timestamp::from_sec_nsec(days * 86400 + hh * 3600 + mm * 60 + ss - *offset, nsec);
}

std::optional<report::TimeWindow> parse_window(const std::string& since, const std::string& until,
                                               std::string_view command) {
  report::TimeWindow window;
  if (!since.empty() && !(window.since = parse_time(since))) {
    std::cerr << "tlsdiag " << command << ": --since: not a time: '" << since << "' (e.g. 2024-01-02T03:04:05Z)\n";
    return std::nullopt;
  }
  if (!until.empty() && !(window.until = parse_time(until, /*end_of_day=*/true))) {
    std::cerr << "tlsdiag " << command << ": --until: not a time: '" << until << "' (e.g. 2024-01-02T03:04:05Z)\n";
    return std::nullopt;
  }
  return window;
}

void WindowSink::on_flow(const analysis::FlowRecord& flow) {
  if (!window_.contains(flow.first_seen)) {
    ++outside_;
    return;
  }
  next_.on_flow(flow);
}

std::unique_ptr<analysis::HeldFlow> WindowSink::hold(analysis::FlowRecord&& flow) {
  // Null: nothing to do at the flow's turn, so release() is not called for it.
  if (!window_.contains(flow.first_seen)) {
    ++outside_;
    return nullptr;
  }
  return next_.hold(std::move(flow));
}

void WindowSink::release(std::unique_ptr<analysis::HeldFlow> held) { next_.release(std::move(held)); }

void WindowSink::on_input_done(const analysis::InputResult& result) {
  analysis::InputResult counted = result;
  const std::uint64_t outside = std::min(outside_, counted.stats.flows_reported);
  counted.stats.flows_reported -= outside;
  counted.stats.flows_outside_window += outside;
  outside_ = 0;
  next_.on_input_done(counted);
}

}  // namespace tlsdiag::app
