#include "tlsdiag/capture/rotation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tlsdiag::capture {
namespace {

TEST(RotationStem, NamesOfRotatedPiecesShareAStem) {
  struct Case {
    std::string name;
    std::string stem;
  } cases[] = {
      {"trace.pcap", "trace.pcap"},
      {"trace.pcap1", "trace.pcap"},                      // tcpdump -C
      {"trace.pcap12", "trace.pcap"},
      {"trace.pcap3.gz", "trace.pcap"},                   // rotated, then compressed
      {"trace.pcap.zst", "trace.pcap"},
      {"trace_00001_20260102030405.pcap", "trace.pcap"},  // editcap -c / dumpcap ring buffer
      {"trace_00002_20260102031405.pcapng.xz", "trace.pcapng"},
      {"trace-2026-01-02T03:04:05.pcap", "trace.pcap"},   // tcpdump -G with %FT%T
      {"trace-20260102-0304.pcap", "trace.pcap"},
      {"eth0.pcap", "eth0.pcap"},                         // names the capture, not a piece
      {"eth0_00001_20260102030405.pcap", "eth0.pcap"},
      {"trace20260102.pcap", "trace20260102.pcap"},       // no separator: not taken for a time
      {"trace-.pcap", "trace-.pcap"},                     // no digit
      {"client.pcap", "client.pcap"},
      {"server.pcap", "server.pcap"},
      {"capture.cap", "capture.cap"},
      {"notes.txt", "notes.txt"},
      {"00001.pcap", "00001.pcap"},
      {"_00001.pcap", ".pcap"},
      {"dump", "dump"},
      {"dump7", "dump7"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(rotation_stem(c.name), c.stem);
  }
}

TEST(NaturalLess, DigitRunsCompareAsNumbers) {
  EXPECT_TRUE(natural_less("trace.pcap", "trace.pcap1"));
  EXPECT_TRUE(natural_less("trace.pcap2", "trace.pcap10"));
  EXPECT_FALSE(natural_less("trace.pcap10", "trace.pcap2"));
  EXPECT_TRUE(natural_less("a_00009.pcap", "a_00010.pcap"));
  EXPECT_TRUE(natural_less("a.pcap", "b.pcap"));
  EXPECT_FALSE(natural_less("a1", "a1"));
  EXPECT_NE(natural_less("a01", "a1"), natural_less("a1", "a01"));  // strict, not equal
}

TEST(GroupRotated, SameDirectoryStemAndLinkTypeMakeOneCapture) {
  const std::vector<RotationCandidate> files = {
      {"d/trace.pcap10", 1},  // 0
      {"d/other.pcap", 1},    // 1
      {"d/trace.pcap", 1},    // 2
      {"d/trace.pcap2", 1},   // 3
      {"e/trace.pcap1", 1},   // 4: another directory
      {"d/trace.pcap3", 113}, // 5: another link type
      {"d/trace.pcap4", -1},  // 6: unreadable: alone
  };
  const std::vector<std::vector<std::size_t>> want = {{2, 3, 0}, {1}, {4}, {5}, {6}};
  EXPECT_EQ(group_rotated(files), want);
}

}  // namespace
}  // namespace tlsdiag::capture
