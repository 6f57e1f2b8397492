// Runs Google Benchmark in this process through run_benchmarks (which may be called once per
// process, so this binary has one test) on stand-in benchmarks that record the order in which
// they run. Asserts the shape of the report and that repetitions are interleaved, no timing.

#include "asyncl_bench/runner.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "asyncl_bench/comparison.hpp"

namespace {

std::vector<char>& call_order() {
  static std::vector<char> order;
  return order;
}

template <char Id>
void recorded(benchmark::State& state) {
  call_order().push_back(Id);
  for (auto _ : state) {
    int value = Id;
    benchmark::DoNotOptimize(value);
  }
}

void failing(benchmark::State& state) {
  state.SkipWithError("stand-in failure");
  for (auto _ : state) {
  }
}

}  // namespace

ASYNCL_BENCH_BASELINE("runner_test/a", recorded<'a'>);
ASYNCL_BENCH_BASELINE("runner_test/b", recorded<'b'>);
ASYNCL_BENCH_BASELINE("runner_test/c", recorded<'c'>);
ASYNCL_BENCH_BASELINE("runner_test/failing", failing);

namespace asyncl::bench {
namespace {

TEST(RunBenchmarks, InterleavesRepetitionsAndReturnsGoogleBenchmarksReport) {
  constexpr int kRepetitions = 5;
  std::ostringstream progress;
  const Json report =
      run_benchmarks(registered_benchmarks(), RunSettings{kRepetitions, 0.0001}, progress);

  std::map<std::string, int> repetitions;
  for (const Json& record : report["benchmarks"]) {
    if (record["run_type"] == "iteration") ++repetitions[record["run_name"].get<std::string>()];
  }
  EXPECT_EQ(repetitions, (std::map<std::string, int>{{"runner_test/a/raw", kRepetitions},
                                                     {"runner_test/b/raw", kRepetitions},
                                                     {"runner_test/c/raw", kRepetitions},
                                                     {"runner_test/failing/raw", kRepetitions}}));
  for (const char* key : {"date", "host_name", "asyncl_version", "asyncl_git_revision",
                          "asyncl_compiler", "asyncl_checked"}) {
    EXPECT_TRUE(report["context"].contains(key)) << key;
  }
  EXPECT_EQ(compare_runs(report, {"leaky"}).failed,
            (std::vector<std::string>{"runner_test/failing/raw"}));

  // Without interleaving the calls would come in three blocks (a..a b..b c..c, the first
  // repetition of each possibly several calls). A random order of 3 x 5 repetitions forms three
  // blocks with probability 3! * 5!^3 / 15!, about 1e-5.
  std::vector<char> blocks;
  for (char id : call_order()) {
    if (blocks.empty() || blocks.back() != id) blocks.push_back(id);
  }
  EXPECT_GT(blocks.size(), 3u) << std::string(call_order().begin(), call_order().end());

  EXPECT_NE(progress.str().find("[4/4]"), std::string::npos) << progress.str();
  EXPECT_NE(progress.str().find("failed: stand-in failure"), std::string::npos) << progress.str();

  EXPECT_THROW(run_benchmarks(registered_benchmarks(), RunSettings{}, progress), std::logic_error);
}

}  // namespace
}  // namespace asyncl::bench
