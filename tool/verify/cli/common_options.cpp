#include "cli/common_options.hpp"

#include <CLI/CLI.hpp>

namespace asyncl::verify::cli {

void add_build_dir_option(CLI::App& command, std::string& build_dir) {
  command
      .add_option("--build-dir", build_dir,
                  "Directory holding the flavor builds (<dir>/tsan, <dir>/asan, <dir>/relacy); "
                  "default: build/ in the repository")
      ->type_name("DIR");
}

void add_flavor_option(CLI::App& command, std::vector<std::string>& flavors,
                       const std::string& help) {
  command.add_option("--flavor", flavors, help)
      ->delimiter(',')
      ->type_name("FLAVOR,...")
      ->check(CLI::IsMember({"tsan", "asan", "relacy"}));
}

void add_scenario_process_options(CLI::App& command, int& iterations, std::uint64_t& seed,
                                  std::string& mode, int& mutant_runs, double& timeout_s) {
  command.add_option("--iterations", iterations, "Iterations inside each scenario process")
      ->check(CLI::Range(1, 1'000'000'000))
      ->capture_default_str();
  command.add_option("--seed", seed, "Seed; mutant run k uses seed + k")->capture_default_str();
  command.add_option("--mode", mode, "Context mode the scenarios exercise")
      ->check(CLI::IsMember({"barrier", "leaky", "shared", "all"}))
      ->capture_default_str();
  command
      .add_option("--mutant-runs", mutant_runs,
                  "Processes per mutant; it passes only if every one catches it")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  command.add_option("--timeout", timeout_s, "Seconds before a run's process group is killed")
      ->check(CLI::PositiveNumber)
      ->type_name("SECONDS")
      ->capture_default_str();
}

}  // namespace asyncl::verify::cli
