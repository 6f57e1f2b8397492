#include "cli/check_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/common_options.hpp"
#include "tool_common/errors.hpp"
#include "verify/console.hpp"
#include "verify/run_plan.hpp"
#include "verify/runner.hpp"
#include "verify/scenario_binary.hpp"
#include "verify/workspace.hpp"

namespace asyncl::verify::cli {

CLI::App* setup_check_command(CLI::App& app, CheckOptions& options) {
  CLI::App* command = app.add_subcommand(
      "check",
      "Run one scenario or mutant in one flavor, without a report: exit 0 when the scenario "
      "passes or the mutant is caught as it declares, 1 when not (what ctest runs)");
  command->add_option("NAME", options.name, "The scenario or mutant")->required();
  command->add_option("--flavor", options.flavor, "The flavor whose binary runs it")
      ->required()
      ->check(CLI::IsMember({"tsan", "asan", "relacy"}));
  command
      ->add_option("--scenarios", options.scenarios,
                   "The flavor's scenario binary (default: the one under the build root)")
      ->type_name("FILE");
  add_scenario_process_options(*command, options.iterations, options.seed, options.mode,
                               options.mutant_runs, options.timeout_s);
  add_build_dir_option(*command, options.build_dir);
  return command;
}

int run_check_command(const CheckOptions& options) {
  const ScenarioBinary binary = [&] {
    if (options.scenarios.empty()) {
      const Workspace workspace = locate_workspace(options.build_dir);
      return ScenarioBinary::locate(workspace.build_root, options.flavor,
                                    shown_path(workspace.build_root));
    }
    if (::access(options.scenarios.c_str(), X_OK) != 0) {
      throw tool::EnvironmentError("--scenarios " + options.scenarios +
                                   " is not an executable file");
    }
    return ScenarioBinary(options.flavor, options.scenarios);
  }();

  const std::vector<CatalogEntry> entries = binary.list();
  const auto entry = std::find_if(entries.begin(), entries.end(),
                                  [&](const CatalogEntry& e) { return e.name == options.name; });
  if (entry == entries.end()) {
    throw tool::UsageError("`" + binary.path().string() +
                           " list` has no scenario or mutant named '" + options.name + "'");
  }
  PlanItem item{.index = 0, .flavor = options.flavor, .entry = *entry, .expected_detection = {}};
  if (entry->kind == EntryKind::mutant) {
    const std::optional<std::string> expected = entry->expected_detection(options.flavor);
    if (!expected) {
      std::cout << "SKIPPED: " << options.name << " declares no detection for " << options.flavor
                << "\n";
      return tool::kExitOk;
    }
    item.expected_detection = *expected;
  }

  RunSettings settings;
  settings.iterations = options.iterations;
  settings.seed = options.seed;
  settings.mode = options.mode;
  settings.timeout = std::chrono::duration<double>(options.timeout_s);
  settings.mutant_runs = options.mutant_runs;
  tool::install_interrupt_forwarding();
  const RunRecord record = execute(item, binary, settings);
  std::cout << options.flavor << " " << options.name << ": " << progress_result(record) << "\n";
  if (!record.passed()) {
    if (record.reason) std::cout << *record.reason << "\n";
    if (record.stderr_excerpt) std::cout << *record.stderr_excerpt << "\n";
  }
  return record.passed() ? tool::kExitOk : tool::kExitFindings;
}

}  // namespace asyncl::verify::cli
