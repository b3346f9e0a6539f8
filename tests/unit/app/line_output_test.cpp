// LineOutput: whole lines appended, reopened after a rename (what SIGHUP does), the old file kept
// when the reopen fails, and a closed pipe seen as BrokenPipe without an error message.
#include "line_output.h"

#include <unistd.h>

#include <csignal>
#include <filesystem>

#include <gtest/gtest.h>

#include "app_fixtures.h"
#include "support/pcap_file_writer.h"

namespace tlsdiag::app {
namespace {

TEST(LineOutput, AppendsWholeLinesToWhatIsThere) {
  test::TempDir dir;
  const auto path = dir.file("out.log");
  test::write_file(path, test::bytes("earlier\n"));
  LineOutput out(path.string());
  ASSERT_FALSE(out.open());
  EXPECT_TRUE(out.write_line("one"));
  EXPECT_TRUE(out.write_line("two"));
  EXPECT_EQ(test::slurp(path), "earlier\none\ntwo\n");  // on disk at once: nothing buffered
}

TEST(LineOutput, ReopenAfterARenameWritesToANewFile) {
  test::TempDir dir;
  const auto path = dir.file("out.log");
  LineOutput out(path.string());
  ASSERT_FALSE(out.open());
  out.write_line("before");
  std::filesystem::rename(path, dir.file("out.log.1"));  // logrotate
  out.write_line("between");                            // still the renamed file
  ASSERT_FALSE(out.reopen());                            // SIGHUP
  out.write_line("after");
  EXPECT_EQ(test::slurp(dir.file("out.log.1")), "before\nbetween\n");
  EXPECT_EQ(test::slurp(path), "after\n");
}

TEST(LineOutput, KeepsTheOldFileWhenTheReopenFails) {
  test::TempDir dir;
  std::filesystem::create_directory(dir.file("logs"));
  LineOutput out(dir.file("logs/out.log").string());
  ASSERT_FALSE(out.open());
  std::filesystem::rename(dir.file("logs"), dir.file("moved"));  // the path cannot be created now
  const auto error = out.reopen();
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("out.log"), std::string::npos);
  EXPECT_TRUE(out.write_line("kept"));
  EXPECT_EQ(test::slurp(dir.file("moved/out.log")), "kept\n");
}

TEST(LineOutput, StandardOutputHasNothingToReopen) {
  LineOutput out;
  EXPECT_FALSE(out.open());
  EXPECT_FALSE(out.reopen());
  EXPECT_EQ(out.path(), "");
}

TEST(LineOutput, ClosedPipeIsBrokenPipeNotAnError) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ::close(fds[0]);  // the reader went away (`tlsdiag live ... | head -1`)
  struct sigaction ignore {}, old {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old);
  // Write through a LineOutput on the pipe: stdout is swapped for the write end meanwhile.
  const int saved = dup(1);
  dup2(fds[1], 1);
  LineOutput out;
  const bool ok = out.write_line("lost");
  const bool again = out.write_line("also lost");
  dup2(saved, 1);
  ::close(saved);
  ::close(fds[1]);
  sigaction(SIGPIPE, &old, nullptr);
  EXPECT_FALSE(ok);
  EXPECT_FALSE(again);
  EXPECT_EQ(out.state(), LineOutput::State::BrokenPipe);
  EXPECT_EQ(out.error(), "");
}

}  // namespace
}  // namespace tlsdiag::app
