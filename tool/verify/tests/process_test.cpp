// Tests the process runner (tool_common/process.hpp): exit codes,
// signals, captured streams, environment and the deadline that kills the whole process group.
#include "tool_common/process.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace asyncl::verify {
namespace {

tool::ProcessResult shell(const std::string& script,
                          std::chrono::duration<double> timeout = std::chrono::seconds(30),
                          std::vector<std::string> environment = tool::current_environment()) {
  return tool::run_process({{"/bin/sh", "-c", script}, std::move(environment), timeout});
}

TEST(Process, CapturesBothStreamsAndTheExitCode) {
  const tool::ProcessResult result = shell("echo out; echo err >&2; exit 3");
  ASSERT_TRUE(result.started());
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.signal, std::nullopt);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.stdout_text, "out\n");
  EXPECT_EQ(result.stderr_text, "err\n");
  EXPECT_GE(result.duration_s, 0.0);
}

TEST(Process, CapturesLargeOutputOnBothStreamsWithoutBlocking) {
  const tool::ProcessResult result =
      shell("head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_text.size(), 1000000U);
  EXPECT_EQ(result.stderr_text.size(), 1000000U);
}

TEST(Process, StartsInTheWorkingDirectoryAskedFor) {
  const tool::ProcessRequest request{
      {"/bin/sh", "-c", "pwd"}, tool::current_environment(), std::chrono::seconds(30)};
  EXPECT_EQ(tool::run_process(request, "/").stdout_text, "/\n");
  const tool::ProcessResult missing = tool::run_process(request, "/nonexistent-asyncl-directory");
  EXPECT_FALSE(missing.started() && missing.exit_code == 0) << missing.stdout_text;
}

TEST(Process, ReportsTheSignal) {
  const tool::ProcessResult result = shell("kill -SEGV $$");
  EXPECT_EQ(result.exit_code, std::nullopt);
  EXPECT_EQ(result.signal, SIGSEGV);
  EXPECT_EQ(tool::signal_name(SIGSEGV), "SIGSEGV");
}

TEST(Process, StdinIsEmpty) { EXPECT_EQ(shell("cat; echo done").stdout_text, "done\n"); }

TEST(Process, DeadlineKillsTheWholeGroup) {
  // The grandchild holds the pipes open; only killing the group ends the run.
  const auto start = std::chrono::steady_clock::now();
  const tool::ProcessResult result =
      shell("sleep 60 & sleep 60; echo never", std::chrono::milliseconds(300));
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_LT(elapsed, 10.0);
  EXPECT_EQ(result.stdout_text.find("never"), std::string::npos);
}

TEST(Process, LeftoverChildrenDoNotHoldTheRunOpen) {
  const auto start = std::chrono::steady_clock::now();
  const tool::ProcessResult result = shell("sleep 60 & echo started");
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_text, "started\n");
  EXPECT_LT(elapsed, 10.0);
}

TEST(Process, MissingProgramIsASpawnError) {
  const tool::ProcessResult result = tool::run_process(
      {{"/nonexistent/asyncl-scenarios", "list"}, tool::current_environment(), {}});
  EXPECT_FALSE(result.started());
  EXPECT_NE(result.spawn_error.find("/nonexistent/asyncl-scenarios"), std::string::npos);
}

TEST(Process, PassesTheGivenEnvironment) {
  const tool::ProcessResult result = shell("echo \"$ASYNCL_PROBE\"", std::chrono::seconds(30),
                                           {"ASYNCL_PROBE=seen", "PATH=/usr/bin:/bin"});
  EXPECT_EQ(result.stdout_text, "seen\n");
}

TEST(Process, AppendedOptionsComeAfterTheUsersOwn) {
  const std::vector<std::string> base{"PATH=/bin", "TSAN_OPTIONS=verbosity=1 exitcode=1",
                                      "ASAN_OPTIONS="};
  auto environment = tool::with_appended_option(base, "TSAN_OPTIONS", "exitcode=66");
  environment = tool::with_appended_option(environment, "ASAN_OPTIONS", "exitcode=67");
  environment = tool::with_appended_option(environment, "UBSAN_OPTIONS", "exitcode=68");
  EXPECT_EQ(environment, (std::vector<std::string>{
                             "PATH=/bin", "TSAN_OPTIONS=verbosity=1 exitcode=1 exitcode=66",
                             "ASAN_OPTIONS=exitcode=67", "UBSAN_OPTIONS=exitcode=68"}));
}

}  // namespace
}  // namespace asyncl::verify
