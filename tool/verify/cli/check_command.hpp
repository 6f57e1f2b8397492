// cli/check_command.hpp — `asyncl-verify check NAME --flavor F`: one scenario or mutant, one
// verdict, no report file. What the scenarios.* ctests call, so that ctest and `asyncl-verify
// run` answer "did it pass?" and "was it caught?" with one code path (execute, runner.hpp) and
// one set of sanitizer options (scenario_binary.hpp).
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace asyncl::verify::cli {

struct CheckOptions {
  std::string name;
  std::string flavor;
  std::string scenarios;  // the flavor's scenario binary; empty: found under the build root
  int iterations = 5;
  std::uint64_t seed = 1;
  std::string mode = "all";
  int mutant_runs = 1;
  double timeout_s = 300;
  std::string build_dir;
};

CLI::App* setup_check_command(CLI::App& app, CheckOptions& options);

// 0 when a scenario passes or a mutant is caught as it declares (or declares nothing for the
// flavor: "SKIPPED: ..." on stdout), 1 when not; UsageError/EnvironmentError otherwise.
int run_check_command(const CheckOptions& options);

}  // namespace asyncl::verify::cli
