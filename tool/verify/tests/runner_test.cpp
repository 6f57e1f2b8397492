// Tests verify/runner.hpp and verify/scenario_binary.hpp against the fake scenario binary
// (fake_scenarios.cpp), laid out under ASYNCL_VERIFY_FAKE_BUILD_DIR like a real build root.
#include "verify/runner.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tool_common/errors.hpp"

namespace asyncl::verify {
namespace {

const std::filesystem::path kBuildRoot = ASYNCL_VERIFY_FAKE_BUILD_DIR;

class Runner : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* knob : {"FAKE_SCENARIOS_MISS", "FAKE_SCENARIOS_WRONG", "FAKE_SCENARIOS_HANG",
                             "FAKE_SCENARIOS_FAIL", "FAKE_SCENARIOS_NO_INFO"}) {
      ::unsetenv(knob);
    }
  }

  static PlanItem item(const std::string& flavor, const std::string& name) {
    const auto entries = ScenarioBinary::locate(kBuildRoot, flavor, "build").list();
    const auto plan = build_plan({{flavor, entries}}, {name}, false);
    return plan.front();
  }

  static RunRecord run(const std::string& flavor, const std::string& name,
                       RunSettings settings = quick()) {
    return execute(item(flavor, name), ScenarioBinary::locate(kBuildRoot, flavor, "build"),
                   settings);
  }

  static RunSettings quick() {
    RunSettings settings;
    settings.iterations = 2;
    settings.seed = 7;
    settings.timeout = std::chrono::seconds(30);
    return settings;
  }
};

TEST_F(Runner, LocatesEachFlavorsBinary) {
  EXPECT_EQ(scenario_binary_path("build", "tsan"),
            std::filesystem::path("build/tsan/scenarios/asyncl-scenarios"));
  EXPECT_EQ(scenario_binary_path("build", "relacy"),
            std::filesystem::path("build/relacy/scenarios/models/asyncl-models"));
  EXPECT_EQ(ScenarioBinary::locate(kBuildRoot, "asan", "build").path(),
            scenario_binary_path(kBuildRoot, "asan"));
}

TEST_F(Runner, MissingBuildNamesTheCommandThatMakesIt) {
  try {
    ScenarioBinary::locate(kBuildRoot / "nothing-here", "tsan", "build");
    FAIL() << "found a binary that does not exist";
  } catch (const tool::EnvironmentError& error) {
    EXPECT_EQ(std::string(error.what()),
              "no tsan build at build/tsan/scenarios/asyncl-scenarios; run `make verify` or "
              "`cmake --preset tsan && cmake --build --preset tsan`");
  }
}

TEST_F(Runner, ReadsInfoOrFallsBackToUnknown) {
  const ScenarioBinary binary = ScenarioBinary::locate(kBuildRoot, "tsan", "build");
  const FlavorBuild build = binary.info();
  EXPECT_EQ(build.compiler, "fake-c++");
  EXPECT_EQ(build.compiler_version, "1.2.3");
  EXPECT_EQ(build.flags, "-O1 -g -ftsan");
  EXPECT_EQ(build.build_type, "Debug");
  ::setenv("FAKE_SCENARIOS_NO_INFO", "1", 1);
  const FlavorBuild unknown = binary.info();
  EXPECT_EQ(unknown.compiler, "unknown");
  EXPECT_EQ(unknown.flags, "unknown");
  EXPECT_EQ(unknown.build_type, std::nullopt);
}

TEST_F(Runner, ScenarioPassesWithItsLineAndTheSanitizerOptions) {
  ::setenv("TSAN_OPTIONS", "verbosity=0", 1);
  ::unsetenv("ASAN_OPTIONS");
  ::unsetenv("UBSAN_OPTIONS");
  const RunRecord record = run("tsan", "alpha");
  EXPECT_EQ(record.verdict, Verdict::pass);
  EXPECT_EQ(record.kind, EntryKind::scenario);
  EXPECT_EQ(record.exit_code, 0);
  EXPECT_EQ(record.reason, std::nullopt);
  ASSERT_TRUE(record.scenario_output.has_value());
  const nlohmann::json& line = *record.scenario_output;
  EXPECT_EQ(line["iterations"], 2);
  EXPECT_EQ(line["seed"], 7);
  EXPECT_EQ(line["mode"], "all");
  EXPECT_EQ(line["detail"]["tsan_options"],
            std::string("verbosity=0 ") + std::string(kTsanOptions));
  EXPECT_EQ(line["detail"]["asan_options"], kAsanOptions);
  EXPECT_EQ(line["detail"]["ubsan_options"], kUbsanOptions);
}

TEST_F(Runner, BudgetRunsProcessesBackToBackWithAdvancingSeeds) {
  RunSettings settings = quick();
  settings.budget = std::chrono::duration<double>(0.3);
  std::vector<std::string> progress;
  settings.progress = [&](const std::string& line) { progress.push_back(line); };
  const RunRecord record = run("tsan", "alpha", settings);
  EXPECT_EQ(record.verdict, Verdict::pass);
  ASSERT_TRUE(record.processes.has_value());
  EXPECT_GE(*record.processes, 1);
  EXPECT_EQ(progress.size(), static_cast<std::size_t>(*record.processes));
  EXPECT_EQ(record.programs, 2 * *record.processes);  // no detail.programs: iterations per process
  EXPECT_EQ(record.budget_s, 0.3);
  EXPECT_EQ(record.seed, 7U);
  // The last line is the last process's: its seed advanced by the iterations per process.
  EXPECT_EQ((*record.scenario_output)["seed"], 7 + 2 * (*record.processes - 1));
  EXPECT_TRUE(record.program_failures->empty());
}

TEST_F(Runner, BudgetStopsAtTheFirstFailingProcess) {
  ::setenv("FAKE_SCENARIOS_FAIL", "alpha", 1);
  RunSettings settings = quick();
  settings.budget = std::chrono::duration<double>(30);
  const RunRecord record = run("tsan", "alpha", settings);
  EXPECT_EQ(record.verdict, Verdict::fail);
  EXPECT_EQ(record.processes, 1);
  ASSERT_EQ(record.program_failures->size(), 1U);
  EXPECT_EQ((*record.program_failures)[0]["seed"], 7);
}

TEST_F(Runner, MutantCaughtInEveryRunWithRateOne) {
  const RunRecord record = run("tsan", "alpha-skip-wait");
  EXPECT_EQ(record.verdict, Verdict::caught);
  EXPECT_EQ(record.runs, 3);
  EXPECT_EQ(record.detection_rate, 1.0);
  EXPECT_EQ(record.expected_detection, "tsan:data race");
  EXPECT_EQ(record.observed_detection, "tsan:data race");
  ASSERT_EQ(record.reports.size(), 1U);
  EXPECT_EQ(record.reports[0].frames[0].function, "increment()");
  EXPECT_EQ(record.stderr_excerpt, std::nullopt);
}

TEST_F(Runner, AsanMutantCaughtDespiteUbsanExitCode) {
  const RunRecord record = run("asan", "alpha-skip-wait");
  EXPECT_EQ(record.verdict, Verdict::caught);
  EXPECT_EQ(record.exit_code, 68);
}

TEST_F(Runner, AssertionAndModelDetections) {
  EXPECT_EQ(run("asan", "beta-leak-value").verdict, Verdict::caught);
  const RunRecord model = run("relacy", "alpha-skip-wait");
  EXPECT_EQ(model.verdict, Verdict::caught);
  EXPECT_EQ(model.observed_detection, "relacy:data race");
}

TEST_F(Runner, MissedMutantSaysWhichRun) {
  ::setenv("FAKE_SCENARIOS_MISS", "alpha-skip-wait", 1);
  RunSettings settings = quick();
  settings.mutant_runs = 2;
  const RunRecord record = run("tsan", "alpha-skip-wait", settings);
  EXPECT_EQ(record.verdict, Verdict::missed);
  EXPECT_EQ(record.runs, 2);
  EXPECT_EQ(record.detection_rate, 0.0);
  EXPECT_EQ(record.observed_detection, std::nullopt);
  EXPECT_EQ(record.reason, "caught 0 of 2 runs; run 1 (seed 7): nothing detected");
}

TEST_F(Runner, WrongDetectionKeepsTheReportAndStderr) {
  ::setenv("FAKE_SCENARIOS_WRONG", "alpha-skip-wait", 1);
  const RunRecord record = run("asan", "alpha-skip-wait");
  EXPECT_EQ(record.verdict, Verdict::wrong_detection);
  EXPECT_EQ(record.observed_detection, "asan:SEGV on unknown address");
  ASSERT_TRUE(record.stderr_excerpt.has_value());
  EXPECT_TRUE(record.stderr_excerpt->starts_with("AddressSanitizer:DEADLYSIGNAL"))
      << *record.stderr_excerpt;
}

TEST_F(Runner, HangingScenarioTimesOut) {
  ::setenv("FAKE_SCENARIOS_HANG", "beta", 1);
  RunSettings settings = quick();
  settings.timeout = std::chrono::milliseconds(500);
  const RunRecord record = run("tsan", "beta", settings);
  EXPECT_EQ(record.verdict, Verdict::timeout);
  EXPECT_EQ(record.signal, "SIGKILL");
  EXPECT_LT(record.duration_s, 10.0);
}

TEST_F(Runner, FailingScenarioFails) {
  ::setenv("FAKE_SCENARIOS_FAIL", "alpha", 1);
  const RunRecord record = run("tsan", "alpha");
  EXPECT_EQ(record.verdict, Verdict::fail);
  EXPECT_EQ(record.observed_detection, "scenario:assertion");
  EXPECT_EQ(record.exit_code, 3);
}

TEST(RunnerPaths, FramesUnderTheSourceRootBecomeRelative) {
  std::vector<SanitizerReport> reports{{"tsan",
                                        "data race",
                                        {{"f()", "/src/asyncl/lib/src/runtime.cpp", 3, {}},
                                         {"g()", "/usr/include/c++/12/thread", 9, {}}}}};
  relative_to_source(reports, "/src/asyncl");
  EXPECT_EQ(reports[0].frames[0].file, "lib/src/runtime.cpp");
  EXPECT_EQ(reports[0].frames[1].file, "/usr/include/c++/12/thread");
}

TEST(RunnerPaths, ExcerptStartsAtTheFirstSanitizerLine) {
  EXPECT_EQ(stderr_excerpt("noise\nmore\n==1==ERROR: AddressSanitizer: x\n#0\n"),
            "==1==ERROR: AddressSanitizer: x\n#0\n");
  EXPECT_EQ(stderr_excerpt("plain failure\n"), "plain failure\n");
  const std::string excerpt = stderr_excerpt(std::string(kStderrExcerptBytes + 10, 'x'));
  EXPECT_TRUE(excerpt.ends_with("\n[10 more bytes]"));
}

}  // namespace
}  // namespace asyncl::verify
