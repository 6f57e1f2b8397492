#include "asyncl_bench/runner.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "asyncl_bench/build_info.hpp"

namespace asyncl::bench {
namespace {

// Google Benchmark's JSON reporter, writing into a string, that also says on `progress` when a
// benchmark has finished. (With random interleaving, Google Benchmark 1.7.1 runs the repetitions
// in shuffled order but reports a benchmark's repetitions and aggregates together, after its last
// repetition.)
class ProgressJsonReporter : public benchmark::JSONReporter {
 public:
  ProgressJsonReporter(std::ostream& progress, std::size_t total)
      : progress_(progress), total_(total) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    benchmark::JSONReporter::ReportRuns(runs);
    std::size_t repetitions = 0;
    std::string failure;
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration) continue;
      ++repetitions;
      if (run.error_occurred) failure = run.error_message;
    }
    if (repetitions == 0) return;
    ++finished_;
    progress_ << "asyncl-bench: [" << finished_ << '/' << total_ << "] "
              << runs.front().run_name.str() << ": " << repetitions << " repetitions"
              << (failure.empty() ? "" : ", failed: " + failure) << '\n';
  }

 private:
  std::ostream& progress_;
  std::size_t total_;
  std::size_t finished_ = 0;
};

void add_build_context() {
  const BuildInfo& info = build_info();
  benchmark::AddCustomContext("asyncl_version", std::string(info.version));
  benchmark::AddCustomContext("asyncl_git_revision", std::string(info.git_revision));
  benchmark::AddCustomContext("asyncl_compiler", std::string(info.compiler));
  benchmark::AddCustomContext("asyncl_build_type", std::string(info.build_type));
  benchmark::AddCustomContext("asyncl_cxx_flags", std::string(info.cxx_flags));
  benchmark::AddCustomContext("asyncl_default_mode", std::string(info.default_mode));
  benchmark::AddCustomContext("asyncl_checked", info.checked ? "true" : "false");
}

}  // namespace

Json run_benchmarks(const std::vector<BenchmarkEntry>& selected, const RunSettings& settings,
                    std::ostream& progress) {
  // Relaxed: this only detects a second call from the same program; no data is published.
  static std::atomic<bool> used{false};
  if (used.exchange(true, std::memory_order_relaxed)) {
    throw std::logic_error("run_benchmarks may be called once per process");
  }
  if (settings.repetitions < 1) throw std::invalid_argument("repetitions must be at least 1");

  std::vector<std::string> arguments{
      "asyncl-bench",
      "--benchmark_repetitions=" + std::to_string(settings.repetitions),
      "--benchmark_enable_random_interleaving=true",
  };
  if (settings.min_time_seconds) {
    std::ostringstream min_time;
    min_time.precision(17);
    min_time << "--benchmark_min_time=" << *settings.min_time_seconds;
    arguments.push_back(min_time.str());
  }
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(arguments.size());
  benchmark::Initialize(&argc, argv.data());
  if (argc > 1) {
    throw std::runtime_error("Google Benchmark did not accept the argument '" +
                             std::string(argv[1]) + "'");
  }

  add_build_context();
  for (const BenchmarkEntry& entry : selected) {
    benchmark::internal::Benchmark* registered =
        benchmark::RegisterBenchmark(entry.name().c_str(), entry.function);
    if (entry.configure != nullptr) entry.configure(registered);
  }

  std::ostringstream json;
  ProgressJsonReporter reporter(progress, selected.size());
  reporter.SetOutputStream(&json);
  reporter.SetErrorStream(&progress);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return parse_google_benchmark_json(json.str());
}

}  // namespace asyncl::bench
