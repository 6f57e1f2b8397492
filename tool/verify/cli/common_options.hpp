// cli/common_options.hpp — flags that more than one subcommand takes, bound the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace asyncl::verify::cli {

// --build-dir DIR: the directory that holds the per-flavor builds (default <repo>/build).
void add_build_dir_option(CLI::App& command, std::string& build_dir);

// --flavor tsan,asan,relacy (comma separated or repeated).
void add_flavor_option(CLI::App& command, std::vector<std::string>& flavors,
                       const std::string& help);

// --iterations, --seed, --mode, --mutant-runs, --timeout: how each scenario process runs.
void add_scenario_process_options(CLI::App& command, int& iterations, std::uint64_t& seed,
                                  std::string& mode, int& mutant_runs, double& timeout_s);

}  // namespace asyncl::verify::cli
