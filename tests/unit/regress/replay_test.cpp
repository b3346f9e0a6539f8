// Replays every fuzz regression input (tests/fuzz/regressions/<target>/<name>) and every seed
// (tests/fuzz/seeds/<target>/*) through the same target functions the libFuzzer binaries call
// (tests/fuzz/targets.cpp), so the g++ and sanitizer builds run them too (STYLE §9). One test per
// regression file, named after it, and one per target for its seeds; a failure is a crash, a
// sanitizer report or a broken invariant (abort).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/paths.h"
#include "targets.h"

namespace tlsdiag::fuzz {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string target;
  fs::path file;
};

// Every regular file under <source>/tests/fuzz/<kind>/<target>/, sorted.
std::vector<Case> cases(const char* kind) {
  std::vector<Case> out;
  const fs::path root = test::source_dir() / "tests" / "fuzz" / kind;
  for (std::string_view target : kTargetNames) {
    const fs::path dir = root / std::string(target);
    if (!fs::is_directory(dir)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (auto& f : files) out.push_back({std::string(target), f});
  }
  return out;
}

std::vector<std::uint8_t> read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// gtest names allow [A-Za-z0-9_] only.
std::string test_name(const testing::TestParamInfo<Case>& info) {
  std::string name = info.param.target + "_" + info.param.file.filename().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;  // unique: regression names are lower_snake_case (RegressionLayout)
}

void replay(const Case& c) {
  SCOPED_TRACE(c.file.string());
  TargetFn fn = target_by_name(c.target);
  ASSERT_NE(fn, nullptr);
  std::vector<std::uint8_t> bytes = read_all(c.file);
  EXPECT_EQ(fn(bytes.data(), bytes.size()), 0);
}

class Regression : public testing::TestWithParam<Case> {};
TEST_P(Regression, ReplaysClean) { replay(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Fuzz, Regression, testing::ValuesIn(cases("regressions")), test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Regression);

// Seeds: one test per target (hundreds of files; a process per file would cost minutes).
class Seeds : public testing::TestWithParam<std::string_view> {};
TEST_P(Seeds, ReplayClean) {
  const std::string target(GetParam());
  std::size_t n = 0;
  for (const Case& c : cases("seeds")) {
    if (c.target != target) continue;
    // Named on stderr first: a crash aborts the process before any gtest message.
    std::fprintf(stderr, "replay %s\n", c.file.string().c_str());
    replay(c);
    ++n;
  }
  RecordProperty("files", static_cast<int>(n));
}
INSTANTIATE_TEST_SUITE_P(Fuzz, Seeds, testing::ValuesIn(kTargetNames),
                         [](const testing::TestParamInfo<std::string_view>& param_info) {
                           return std::string(param_info.param);
                         });

// Regression inputs live only in a known target's directory, under a name that says what broke.
TEST(RegressionLayout, KnownTargetsAndDescriptiveNames) {
  const fs::path root = test::source_dir() / "tests" / "fuzz" / "regressions";
  if (!fs::is_directory(root)) GTEST_SKIP() << "no regressions yet";
  const std::regex hash_name("(crash|leak|timeout|oom|slow-unit|minimized-from)-[0-9a-f]{16,}");
  const std::regex good_name("[a-z0-9_]+");
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_regular_file()) continue;  // README.md
    const std::string target = entry.path().filename().string();
    EXPECT_NE(target_by_name(target), nullptr) << "unknown fuzz target directory: " << entry.path();
    for (const auto& f : fs::directory_iterator(entry.path())) {
      const std::string name = f.path().filename().string();
      EXPECT_FALSE(std::regex_match(name, hash_name)) << f.path() << ": name it after what it breaks";
      EXPECT_TRUE(std::regex_match(name, good_name)) << f.path() << ": use lower_snake_case";
    }
  }
}

// Each target survives the degenerate inputs: nothing, one byte of each value.
TEST(FuzzTargets, TinyInputs) {
  for (std::string_view name : kTargetNames) {
    SCOPED_TRACE(std::string(name));
    TargetFn fn = target_by_name(name);
    ASSERT_NE(fn, nullptr);
    EXPECT_EQ(fn(nullptr, 0), 0);
    for (int b = 0; b < 256; ++b) {
      const std::uint8_t byte = static_cast<std::uint8_t>(b);
      EXPECT_EQ(fn(&byte, 1), 0);
    }
  }
}

}  // namespace
}  // namespace tlsdiag::fuzz
