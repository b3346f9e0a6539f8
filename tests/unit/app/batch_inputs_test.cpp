#include "batch_inputs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/pcap_file_writer.h"

namespace tlsdiag::app {
namespace {

std::vector<std::string> first_paths(const std::vector<BatchInput>& inputs) {
  std::vector<std::string> out;
  for (const BatchInput& in : inputs) out.push_back(in.paths.front());
  return out;
}

test::Bytes tiny_pcap(int link_type, std::int64_t ts) {
  return test::pcap_bytes({.link_type = link_type},
                          {{.ts = Timestamp{ts}, .data = test::eth_ipv4_tcp({}, test::bytes("x"))}});
}

class BatchInputsTest : public ::testing::Test {
 protected:
  std::string touch(const std::string& rel, const test::Bytes& bytes = test::bytes("x")) {
    const auto path = dir_.path() / rel;
    std::filesystem::create_directories(path.parent_path());
    test::write_file(path, bytes);
    return path.string();
  }
  std::string root() const { return dir_.path().string(); }
  test::TempDir dir_;
};

TEST(MatchesCaptureName, DefaultPatternsAndCompressedForms) {
  for (const char* yes : {"a.pcap", "a.pcapng", "a.cap", "a.dmp", "a.pcap1", "a.pcap12.gz",
                          "a.pcap.gz", "a.pcapng.zst", "a.cap.xz"}) {
    EXPECT_TRUE(matches_capture_name(yes, {})) << yes;
  }
  for (const char* no : {"a.txt", "a.gz", "a.pcap.bz2", "pcap", "a.pcapx", "a.json"}) {
    EXPECT_FALSE(matches_capture_name(no, {})) << no;
  }
  EXPECT_TRUE(matches_capture_name("a.txt", {"*.json", "*.txt"}));
  EXPECT_FALSE(matches_capture_name("a.pcap", {"*.txt"}));
}

TEST_F(BatchInputsTest, DirectoriesAreWalkedRecursivelyAndSorted) {
  const std::string b = touch("d/b.pcap");
  const std::string a = touch("d/a.pcapng");
  const std::string c = touch("d/sub/c.pcap.gz");
  const std::string z = touch("d/sub/deeper/z.cap.zst");
  const std::string x = touch("d/x.pcap1");
  const std::string y = touch("d/y.pcap.xz");
  const std::string notes = touch("d/notes.txt");
  touch("d/readme.md.gz");
  const std::string d = root() + "/d";
  EXPECT_EQ(first_paths(find_inputs({d}, {})), (std::vector<std::string>{a, b, c, z, x, y}));
  EXPECT_EQ(first_paths(find_inputs({d}, {"*.txt"})), (std::vector<std::string>{notes}));
  // Files are taken as given, whatever their name, in the order given.
  EXPECT_EQ(first_paths(find_inputs({notes, d, b}, {"*.pcap"})), (std::vector<std::string>{notes, b, b}));
  const auto sized = find_inputs({b}, {});
  EXPECT_EQ(sized[0].bytes, 1u);
  EXPECT_FALSE(sized[0].error);
}

TEST_F(BatchInputsTest, RotatedPiecesBecomeOneInputWhereTheFirstWas) {
  const std::string alone = touch("r/alone.pcap", tiny_pcap(1, 1));
  const std::string t10 = touch("r/t.pcap10", tiny_pcap(1, 4));
  const std::string t = touch("r/t.pcap", tiny_pcap(1, 1));
  const std::string t2 = touch("r/t.pcap2", tiny_pcap(1, 3));
  const std::string v = touch("r/v.pcap", tiny_pcap(1, 1));
  const std::string v1 = touch("r/v.pcap1", tiny_pcap(113, 2));  // another link type
  const std::string w = touch("r/w.pcap", test::bytes("broken"));
  const std::string w1 = touch("r/w.pcap1", tiny_pcap(1, 2));
  const auto found = find_inputs({root() + "/r"}, {});
  ASSERT_EQ(first_paths(found), (std::vector<std::string>{alone, t, t10, t2, v, v1, w, w1}));
  const auto grouped = group_rotated_inputs(found);
  ASSERT_EQ(grouped.size(), 6u);
  EXPECT_EQ(grouped[0].paths, (std::vector<std::string>{alone}));
  EXPECT_EQ(grouped[1].paths, (std::vector<std::string>{t, t2, t10}));  // natural order
  EXPECT_EQ(grouped[1].bytes, 3 * tiny_pcap(1, 1).size());
  EXPECT_EQ(grouped[2].paths, (std::vector<std::string>{v}));
  EXPECT_EQ(grouped[3].paths, (std::vector<std::string>{v1}));
  EXPECT_EQ(grouped[4].paths, (std::vector<std::string>{w}));  // unreadable: alone, reported later
  EXPECT_EQ(grouped[5].paths, (std::vector<std::string>{w1}));
}

}  // namespace
}  // namespace tlsdiag::app
