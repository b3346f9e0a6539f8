// ReportOutput and FdStreamBuf: the report reaches its file (or stdout) whole and in order, in
// large writes (100 KB written is still in the buffer, where stdio's or std::ofstream's own
// buffering would have written most of it already), and a failed write is reported.
#include "report_output.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

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
  ReportOutput output;
  ASSERT_FALSE(output.open(path.string()));
  output.stream() << kReport;
  EXPECT_EQ(std::filesystem::file_size(path), 0U);  // all of it still buffered
  EXPECT_FALSE(output.finish());
  EXPECT_EQ(test::slurp(path), kReport);
}

TEST(ReportOutput, AFileThatCannotBeOpenedIsAnError) {
  test::TempDir dir;
  ReportOutput output;
  const std::optional<std::string> error = output.open(dir.file("missing/report.jsonl").string());
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("cannot write"), std::string::npos);
}

TEST(ReportOutput, AFailedWriteIsReported) {
  ReportOutput output;
  ASSERT_FALSE(output.open("/dev/full"));
  output.stream() << kReport;
  const std::optional<std::string> error = output.finish();
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("No space left on device"), std::string::npos) << *error;
}

// Characters one at a time and strings larger than the buffer, across its boundary, in order.
TEST(FdStreamBuf, CharactersAndLargeStringsStayInOrder) {
  test::TempDir dir;
  const auto path = dir.file("out");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  std::string expected;
  {
    FdStreamBuf buf(fd, 1000);
    std::ostream out(&buf);
    for (int i = 0; i < 2500; ++i) {
      const char c = static_cast<char>('a' + i % 26);
      out.put(c);
      expected += c;
    }
    const std::string big(3000, 'B'), small(700, 's');
    for (const std::string* s : {&big, &small, &small, &big}) {
      out << *s;
      expected += *s;
    }
  }  // the rest is written on destruction
  ::close(fd);
  EXPECT_EQ(test::slurp(path), expected);
}

// In a child process, whose stdout is a file: what open("") sets up lasts until the process ends.
TEST(ReportOutput, StandardOutputToAFileIsBufferedTheSameWay) {
  test::TempDir dir;
  const auto path = dir.file("stdout.txt");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::dup2(fd, STDOUT_FILENO) < 0) _exit(3);
    ReportOutput output;
    if (output.open("")) _exit(4);
    output.stream() << kReport;
    if (std::filesystem::file_size(path) != 0) _exit(5);  // written before the end
    if (output.finish()) _exit(6);
    _exit(std::filesystem::file_size(path) == kReport.size() ? 0 : 7);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(test::slurp(path), kReport);
}

}  // namespace
}  // namespace tlsdiag::app
