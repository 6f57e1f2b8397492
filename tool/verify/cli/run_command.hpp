// cli/run_command.hpp — `asyncl-verify run`: every selected scenario and mutant in every
// selected flavor, as subprocesses, into results/verify.json (and JUnit XML when asked).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace asyncl::verify::cli {

struct RunOptions {
  std::vector<std::string> scenarios;  // empty: all
  std::vector<std::string> flavors{"tsan", "asan"};
  int iterations = 20;
  std::uint64_t seed = 1;
  std::string mode = "all";
  bool mutants = true;
  int mutant_runs = 3;
  double timeout_s = 300.0;
  std::string json;   // empty: <repo>/results/verify.json
  std::string junit;  // empty: none
  std::string shard;  // empty: everything
  std::string build_dir;
  double budget_s = 0;  // 0: no budget (one process per scenario)
};

CLI::App* setup_run_command(CLI::App& app, RunOptions& options);

int run_run_command(const RunOptions& options);

}  // namespace asyncl::verify::cli
