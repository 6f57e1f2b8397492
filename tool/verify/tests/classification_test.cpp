// Tests verify/classification.hpp: what a finished process means for a scenario and a mutant.
#include "verify/classification.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>

namespace asyncl::verify {
namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream input(std::string(ASYNCL_VERIFY_FIXTURE_DIR) + "/" + name);
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

const std::string kPassLine =
    R"({"scenario":"s","iterations":1,"seed":1,"verdict":"pass","failures":[],"detail":{}})";
const std::string kFailLine =
    R"({"scenario":"s","iterations":1,"seed":1,"verdict":"fail","failures":["x"],"detail":{}})";

tool::ProcessResult exited(int code, std::string out, std::string err = {}) {
  tool::ProcessResult result;
  result.exit_code = code;
  result.stdout_text = std::move(out);
  result.stderr_text = std::move(err);
  return result;
}

Observation observe_result(const tool::ProcessResult& result) {
  return observe(result, parse_sanitizer_reports(result.stderr_text));
}

TEST(Classification, CleanScenarioPasses) {
  const Observation observation = observe_result(exited(0, "log line\n" + kPassLine + "\n"));
  EXPECT_EQ(observation.detection, std::nullopt);
  ASSERT_TRUE(observation.scenario_output.has_value());
  EXPECT_EQ((*observation.scenario_output)["verdict"], "pass");
  EXPECT_EQ(classify_scenario(observation), Verdict::pass);
}

TEST(Classification, ScenarioWithAReportFailsEvenOnExitZero) {
  // UBSan built without -fno-sanitize-recover reports and exits 0: the text decides.
  const Observation observation =
      observe_result(exited(0, kPassLine, read_fixture("gcc12-asan-signed-overflow.txt")));
  EXPECT_EQ(observation.detection, "ubsan:signed integer overflow");
  EXPECT_EQ(classify_scenario(observation), Verdict::fail);
}

TEST(Classification, AssertionExitIsScenarioAssertion) {
  const Observation observation = observe_result(exited(3, kFailLine));
  EXPECT_EQ(observation.detection, "scenario:assertion");
  EXPECT_EQ(classify_scenario(observation), Verdict::fail);
  EXPECT_EQ(classify_mutant(observation, "scenario:assertion"), Verdict::caught);
  EXPECT_EQ(classify_mutant(observation, "tsan:data race"), Verdict::wrong_detection);
}

TEST(Classification, ModelDetectionComesFromTheLine) {
  const std::string line = R"({"scenario":"m","verdict":"fail","detection":"relacy:data race"})";
  const Observation observation = observe_result(exited(3, line));
  EXPECT_EQ(observation.detection, "relacy:data race");
  EXPECT_EQ(classify_mutant(observation, "relacy:data race"), Verdict::caught);
}

TEST(Classification, MutantCaughtByItsDeclaredReport) {
  const Observation observation =
      observe_result(exited(66, "", read_fixture("clang19-tsan-data-race.txt")));
  EXPECT_EQ(classify_mutant(observation, "tsan:data race"), Verdict::caught);
  EXPECT_EQ(classify_mutant(observation, "asan:heap-use-after-free"), Verdict::wrong_detection);
}

TEST(Classification, ClangAsanReportIsReadFromTextNotExitCode) {
  // clang's ASan+UBSan runtime exits with UBSAN_OPTIONS' exitcode (68) after an ASan report.
  const Observation observation =
      observe_result(exited(68, "", read_fixture("clang19-asan-heap-use-after-free.txt")));
  EXPECT_EQ(observation.detection, "asan:heap-use-after-free");
  EXPECT_EQ(classify_mutant(observation, "asan:heap-use-after-free"), Verdict::caught);
}

TEST(Classification, MutantThatPassesIsMissed) {
  const Observation observation = observe_result(exited(0, kPassLine));
  EXPECT_EQ(classify_mutant(observation, "asan:heap-use-after-free"), Verdict::missed);
}

TEST(Classification, WrongReportIsWrongDetection) {
  const Observation observation =
      observe_result(exited(67, "", read_fixture("gcc12-asan-wild-write.txt")));
  EXPECT_EQ(observation.detection, "asan:SEGV on unknown address");
  EXPECT_EQ(classify_mutant(observation, "asan:heap-use-after-free"), Verdict::wrong_detection);
}

TEST(Classification, SignalsAndUnreadableReportsAreDetections) {
  tool::ProcessResult killed;
  killed.signal = SIGSEGV;
  EXPECT_EQ(observe_result(killed).detection, "signal:SIGSEGV");
  EXPECT_EQ(classify_scenario(observe_result(killed)), Verdict::fail);
  EXPECT_EQ(observe_result(exited(66, "", "garbled\n")).detection, "tsan:unparsed report");
  EXPECT_EQ(observe_result(exited(1, "")).detection, "exit:1");
  EXPECT_EQ(observe_result(exited(3, "")).detection, "exit:3");  // no JSON line: not an assertion
}

TEST(Classification, TimeoutWinsOverEverything) {
  tool::ProcessResult result = exited(0, kPassLine);
  result.timed_out = true;
  result.signal = SIGKILL;
  const Observation observation = observe_result(result);
  EXPECT_EQ(classify_scenario(observation), Verdict::timeout);
  EXPECT_EQ(classify_mutant(observation, "tsan:data race"), Verdict::timeout);
}

TEST(Classification, EnvironmentProblemsAreErrors) {
  tool::ProcessResult not_started;
  not_started.spawn_error = "x: No such file or directory";
  EXPECT_EQ(classify_scenario(observe_result(not_started)), Verdict::error);
  EXPECT_EQ(classify_scenario(observe_result(exited(2, "", "usage\n"))), Verdict::error);
  EXPECT_EQ(classify_scenario(observe_result(exited(0, "no line\n"))), Verdict::error);
  const Observation mapping = observe_result(exited(
      66, "", "FATAL: ThreadSanitizer: unexpected memory mapping 0x7f0000000000-0x7f0000200000\n"));
  EXPECT_EQ(classify_mutant(mapping, "tsan:data race"), Verdict::error);
  EXPECT_NE(mapping.reason.find("mmap_rnd_bits"), std::string::npos);
}

TEST(Classification, AggregatePassesOnlyWhenEveryRunCaught) {
  const MutantRuns all = aggregate({Verdict::caught, Verdict::caught, Verdict::caught});
  EXPECT_EQ(all.verdict, Verdict::caught);
  EXPECT_EQ(all.runs, 3);
  EXPECT_DOUBLE_EQ(all.detection_rate(), 1.0);
  EXPECT_EQ(all.representative, 0U);

  const MutantRuns some = aggregate({Verdict::caught, Verdict::missed, Verdict::caught});
  EXPECT_EQ(some.verdict, Verdict::missed);
  EXPECT_EQ(some.caught, 2);
  EXPECT_NEAR(some.detection_rate(), 2.0 / 3.0, 1e-12);
  EXPECT_EQ(some.representative, 1U);

  const MutantRuns mixed = aggregate({Verdict::timeout, Verdict::missed, Verdict::wrong_detection});
  EXPECT_EQ(mixed.verdict, Verdict::wrong_detection);
  EXPECT_EQ(mixed.representative, 2U);
  EXPECT_EQ(aggregate({Verdict::error, Verdict::timeout}).verdict, Verdict::timeout);
}

TEST(Classification, VerdictNamesRoundTrip) {
  for (const Verdict verdict : {Verdict::pass, Verdict::fail, Verdict::caught, Verdict::missed,
                                Verdict::wrong_detection, Verdict::timeout, Verdict::error}) {
    EXPECT_EQ(verdict_from_string(to_string(verdict)), verdict);
  }
  EXPECT_EQ(to_string(Verdict::wrong_detection), "wrong-detection");
  EXPECT_EQ(verdict_from_string("passed"), std::nullopt);
}

}  // namespace
}  // namespace asyncl::verify
