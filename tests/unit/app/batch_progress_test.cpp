#include "batch_progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tlsdiag::app {
namespace {

TEST(FormatBytes, DecimalUnitsThreeDigits) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(999), "999 B");
  EXPECT_EQ(format_bytes(1000), "1.00 kB");
  EXPECT_EQ(format_bytes(85'300'000), "85.3 MB");
  EXPECT_EQ(format_bytes(123'456'789'012), "123 GB");
}

TEST(FormatProgress, BarFilesBytesRateAndEta) {
  const BatchProgress p{.inputs_done = 35, .inputs_total = 100, .bytes_done = 1'000'000'000,
                        .bytes_total = 4'000'000'000};
  EXPECT_EQ(format_progress(p, 10.0),
            "[#####...............]  35/100 files  1.00 GB/4.00 GB  100 MB/s  ETA 0:30");
  // No rate or ETA in the first second.
  EXPECT_EQ(format_progress(p, 0.5), "[#####...............]  35/100 files  1.00 GB/4.00 GB");
  const BatchProgress done{.inputs_done = 2, .inputs_total = 2, .bytes_done = 10, .bytes_total = 10};
  EXPECT_EQ(format_progress(done, 3600.0 * 2), "[####################]  2/2 files  10 B/10 B  0 B/s  ETA 0:00");
}

TEST(ConsoleObserver, ErrorsAndNotesAlwaysProgressOnlyWhenDrawing) {
  analysis::InputResult bad;
  bad.info.path = "a.pcap";
  bad.error = "a.pcap: packet 3 at byte 100: file ends in the middle of a record";
  analysis::InputResult noted;
  noted.info.notes = {"rotated pieces overlap in time: ..."};
  const BatchProgress p{.inputs_done = 1, .inputs_total = 2, .bytes_done = 5, .bytes_total = 10};
  {
    std::ostringstream err;
    ConsoleObserver console(err, /*draw_progress=*/false, /*quiet=*/false);
    console.on_progress(p);
    console.on_input_done(0, bad);
    console.on_input_done(1, noted);
    EXPECT_EQ(err.str(),
              "tlsdiag: a.pcap: packet 3 at byte 100: file ends in the middle of a record\n"
              "tlsdiag: warning: rotated pieces overlap in time: ...\n");
  }
  {
    std::ostringstream err;
    {
      ConsoleObserver console(err, /*draw_progress=*/true, /*quiet=*/false);
      console.on_progress(p);
      console.on_input_done(0, bad);
    }
    // Drawn, erased before the error, and not drawn again: nothing is left on the line.
    EXPECT_EQ(err.str(), "\r\033[K[##########..........]  1/2 files  5 B/10 B\r\033[K"
                         "tlsdiag: a.pcap: packet 3 at byte 100: file ends in the middle of a record\n");
  }
  {
    std::ostringstream err;
    ConsoleObserver console(err, /*draw_progress=*/true, /*quiet=*/true);
    console.on_progress(p);
    console.on_input_done(1, noted);
    console.on_input_done(0, bad);
    EXPECT_EQ(err.str(), "tlsdiag: a.pcap: packet 3 at byte 100: file ends in the middle of a record\n");
  }
}

}  // namespace
}  // namespace tlsdiag::app
