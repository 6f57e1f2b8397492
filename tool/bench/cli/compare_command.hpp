#pragma once
// `asyncl-bench compare [MODE...]`: runs every selected benchmark for every named mode, with the
// raw baselines, in one process with interleaved repetitions; prints the side-by-side table and
// writes the JSON report and the HTML page.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace asyncl::bench::cli {

struct CompareOptions {
  std::vector<std::string> modes;  // empty: leaky barrier
  std::optional<std::string> filter;
  int repetitions = 0;  // 0: kDefaultRepetitions
  std::optional<double> min_time_seconds;
  std::string json_path = "results/bench.json";
  std::string html_path = "results/bench.html";
};

// Adds the `compare` subcommand to `app`, binding its flags to `options`.
CLI::App* setup_compare(CLI::App& app, CompareOptions& options);

// Returns the process exit status: 0 when every benchmark ran, 1 when one reported an error.
// Throws UsageError or EnvironmentError for a bad argument or an output file that cannot be
// written (exit 2, one line on stderr, before any benchmark runs).
int run_compare(const CompareOptions& options);

}  // namespace asyncl::bench::cli
