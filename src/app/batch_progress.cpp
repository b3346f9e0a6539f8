#include "batch_progress.h"

#include <algorithm>
#include <cstdio>

namespace tlsdiag::app {
namespace {

constexpr int kBarWidth = 20;
constexpr std::string_view kEraseLine = "\r\033[K";  // carriage return, erase to end of line

std::string format_duration(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  return buf;
}

}  // namespace

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, value < 10 ? "%.2f %s" : value < 100 ? "%.1f %s" : "%.0f %s",
                  value, kUnits[unit]);
  }
  return buf;
}

std::string format_progress(const BatchProgress& p, double elapsed_seconds) {
  const double fraction =
      p.bytes_total > 0 ? std::min(1.0, static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total))
      : p.inputs_total > 0 ? static_cast<double>(p.inputs_done) / static_cast<double>(p.inputs_total)
                           : 0.0;
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string line = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                     std::string(static_cast<std::size_t>(kBarWidth - filled), '.') + "]  ";
  line += std::to_string(p.inputs_done) + "/" + std::to_string(p.inputs_total) + " files  ";
  line += format_bytes(p.bytes_done) + "/" + format_bytes(p.bytes_total);
  // The rate and the ETA only mean something after a moment.
  if (elapsed_seconds >= 1.0 && p.bytes_done > 0) {
    const double rate = static_cast<double>(p.bytes_done) / elapsed_seconds;
    line += "  " + format_bytes(static_cast<std::uint64_t>(rate)) + "/s";
    const std::uint64_t left = p.bytes_total > p.bytes_done ? p.bytes_total - p.bytes_done : 0;
    line += "  ETA " + format_duration(static_cast<double>(left) / rate);
  }
  return line;
}

ConsoleObserver::ConsoleObserver(std::ostream& err, bool draw_progress, bool quiet)
    : err_(err), draw_(draw_progress && !quiet), quiet_(quiet), start_(std::chrono::steady_clock::now()) {}

ConsoleObserver::~ConsoleObserver() { clear(); }

void ConsoleObserver::clear() {
  if (!shown_) return;
  err_ << kEraseLine << std::flush;
  shown_ = false;
}

void ConsoleObserver::on_input_done(std::size_t, const analysis::InputResult& result) {
  if (!result.error && (quiet_ || result.info.notes.empty())) return;
  clear();
  // The capture stage's message names the file and, where it knows it, the byte offset.
  if (result.error) err_ << "tlsdiag: " << *result.error << "\n";
  if (!quiet_) {
    for (const std::string& note : result.info.notes) err_ << "tlsdiag: warning: " << note << "\n";
  }
  err_ << std::flush;
}

void ConsoleObserver::on_progress(const BatchProgress& progress) {
  if (!draw_) return;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  err_ << kEraseLine << format_progress(progress, elapsed.count()) << std::flush;
  shown_ = true;
}

}  // namespace tlsdiag::app
