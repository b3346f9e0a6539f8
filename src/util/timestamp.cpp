#include "tlsdiag/util/timestamp.h"

namespace tlsdiag {

namespace {

// Two digits of |v| (0..99) at |out|.
void put2(char* out, int v) {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

Rfc3339Text rfc3339_text(Timestamp ts) {
  // Floor division so timestamps before 1970 still print a valid date.
  std::int64_t sec = ts.ns / 1'000'000'000;
  std::int64_t rem = ts.ns % 1'000'000'000;
  if (rem < 0) {
    rem += 1'000'000'000;
    sec -= 1;
  }
  std::int64_t days = sec / 86400;
  std::int64_t second_of_day = sec % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    days -= 1;
  }
  // Civil date from days since 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date
  // Algorithms"), the proleptic Gregorian calendar gmtime uses, without its locking and printf.
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  // An int64 of nanoseconds spans 1677..2262: always four digits.
  Rfc3339Text text;
  char* buf = text.chars.data();
  std::string_view("0000-00-00T00:00:00.000000Z").copy(buf, text.chars.size());
  const auto y = static_cast<int>(year);
  put2(buf, y / 100);
  put2(buf + 2, y % 100);
  put2(buf + 5, month);
  put2(buf + 8, day);
  const auto sod = static_cast<int>(second_of_day);
  put2(buf + 11, sod / 3600);
  put2(buf + 14, sod / 60 % 60);
  put2(buf + 17, sod % 60);
  const auto micros = static_cast<int>(rem / 1000);
  put2(buf + 20, micros / 10000);
  put2(buf + 22, micros / 100 % 100);
  put2(buf + 24, micros % 100);
  return text;
}

std::string format_rfc3339(Timestamp ts) { return std::string(rfc3339_text(ts).view()); }

}  // namespace tlsdiag
