// ReportOutput: the report reaches its file (or stdout) whole, and goes out in large writes: 100 KB
// written is still in the buffer, where stdio's or the stream's own buffer (4 or 8 KiB) would have
// written most of it already.
#include "report_output.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "app_fixtures.h"
#include "support/pcap_file_writer.h"

namespace tlsdiag::app {
namespace {

const std::string kReport(100'000, 'x');

TEST(ReportOutput, AFileGetsTheWholeReportInLargeWrites) {
  test::TempDir dir;
  const auto path = dir.file("report.jsonl");
  {
    ReportOutput output;
    ASSERT_FALSE(output.open(path.string()));
    output.stream() << kReport;
    EXPECT_EQ(std::filesystem::file_size(path), 0U);  // all of it still buffered
  }
  EXPECT_EQ(test::slurp(path), kReport);
}

TEST(ReportOutput, AFileThatCannotBeOpenedIsAnError) {
  test::TempDir dir;
  ReportOutput output;
  const std::optional<std::string> error = output.open(dir.file("missing/report.jsonl").string());
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("cannot write"), std::string::npos);
}

// In a child process, whose stdout is a file: what open("") sets up lasts until the process ends.
TEST(ReportOutput, StandardOutputToAFileIsBufferedTheSameWay) {
  test::TempDir dir;
  const auto path = dir.file("stdout.txt");
  std::fflush(stdout);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (std::freopen(path.c_str(), "w", stdout) == nullptr) _exit(3);
    ReportOutput output;
    if (output.open("")) _exit(4);
    output.stream() << kReport;
    if (std::filesystem::file_size(path) != 0) _exit(5);  // written before the end
    output.stream().flush();
    _exit(std::filesystem::file_size(path) == kReport.size() ? 0 : 6);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(test::slurp(path), kReport);
}

}  // namespace
}  // namespace tlsdiag::app
