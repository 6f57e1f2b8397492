#pragma once
// Runs registered benchmarks with Google Benchmark, in this process, and returns its JSON report.
//
// Defines:
//   asyncl::bench::RunSettings, kDefaultRepetitions
//   asyncl::bench::run_benchmarks()
//
// Every selected benchmark runs `repetitions` times, and Google Benchmark's random interleaving
// (--benchmark_enable_random_interleaving, present since 1.6) shuffles the repetitions of all of
// them into one sequence, so that a drift of the machine during the run (frequency, a neighbour's
// load) spreads over every mode instead of landing on whichever ran last. Its JSON reporter writes
// the report; nothing else of Google Benchmark's command line is exposed.

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <vector>

#include "asyncl_bench/comparison.hpp"
#include "asyncl_bench/registry.hpp"

namespace asyncl::bench {

inline constexpr int kDefaultRepetitions = 5;

struct RunSettings {
  int repetitions = kDefaultRepetitions;   // at least 1
  std::optional<double> min_time_seconds;  // per repetition; Google Benchmark's default if unset
};

// Registers `selected` with Google Benchmark, runs them and returns the report: Google Benchmark's
// JSON, whose context also records build_info() under keys starting with "asyncl_". Prints one
// progress line to `progress` per benchmark, when its last repetition has finished. Google
// Benchmark keeps its registrations and flags in globals, so this may be called once per process; a
// second call throws std::logic_error. Throws std::runtime_error if Google Benchmark rejects the
// settings.
Json run_benchmarks(const std::vector<BenchmarkEntry>& selected, const RunSettings& settings,
                    std::ostream& progress);

}  // namespace asyncl::bench
