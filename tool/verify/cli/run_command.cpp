#include "cli/run_command.hpp"

#include <algorithm>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/common_options.hpp"
#include "tool_common/atomic_file.hpp"
#include "tool_common/errors.hpp"
#include "tool_common/git_revision.hpp"
#include "verify/console.hpp"
#include "verify/host_context.hpp"
#include "verify/junit.hpp"
#include "verify/run_plan.hpp"
#include "verify/runner.hpp"
#include "verify/scenario_binary.hpp"
#include "verify/version.hpp"
#include "verify/workspace.hpp"

namespace asyncl::verify::cli {
namespace {

std::filesystem::path report_path(const RunOptions& options, const Workspace& workspace) {
  if (!options.json.empty()) return options.json;
  std::error_code error;
  std::filesystem::create_directories(workspace.results_dir,
                                      error);  // tool::check_writable reports failure
  return workspace.results_dir / "verify.json";
}

}  // namespace

CLI::App* setup_run_command(CLI::App& app, RunOptions& options) {
  CLI::App* command = app.add_subcommand(
      "run",
      "Run scenarios and their mutants under each flavor; exit 0 when every scenario passes "
      "and every mutant is caught, 1 when not, 2 for usage or environment errors");
  command->add_option("SCENARIO", options.scenarios,
                      "Scenarios or mutants to run (default: all); a scenario brings its mutants");
  add_flavor_option(*command, options.flavors, "Flavors to run (default: tsan,asan)");
  add_scenario_process_options(*command, options.iterations, options.seed, options.mode,
                               options.mutant_runs, options.timeout_s);
  command->add_flag("--mutants,!--no-mutants", options.mutants,
                    "Run the mutants of the selected scenarios (default) or not");
  command->add_option("--json", options.json, "Report path (default: results/verify.json)")
      ->type_name("FILE");
  command->add_option("--junit", options.junit, "Also write JUnit XML here")->type_name("FILE");
  command
      ->add_option("--shard", options.shard,
                   "Run only shard I of N (run k of the full list goes to shard k mod N + 1)")
      ->type_name("I/N");
  command
      ->add_option(
          "--budget", options.budget_s,
          "Seconds each selected scenario may run: processes of --iterations each, back to "
          "back with advancing seeds, until the budget is spent or one fails (e.g. "
          "`run workload --budget 60`); mutants are unaffected")
      ->check(CLI::PositiveNumber)
      ->type_name("SECONDS");
  add_build_dir_option(*command, options.build_dir);
  return command;
}

int run_run_command(const RunOptions& options) {
  const std::optional<Shard> shard =
      options.shard.empty() ? std::nullopt : std::optional<Shard>(parse_shard(options.shard));
  const Workspace workspace = locate_workspace(options.build_dir);
  const std::filesystem::path shown_root = shown_path(workspace.build_root);

  std::vector<std::string> flavors;
  for (const std::string_view flavor : kFlavors) {
    if (std::find(options.flavors.begin(), options.flavors.end(), flavor) !=
        options.flavors.end()) {
      flavors.emplace_back(flavor);
    }
  }
  if (flavors.empty()) throw tool::UsageError("--flavor needs at least one of tsan, asan, relacy");
  std::vector<ScenarioBinary> binaries;
  for (const std::string& flavor : flavors) {
    binaries.push_back(ScenarioBinary::locate(workspace.build_root, flavor, shown_root));
  }

  const std::filesystem::path json_path = report_path(options, workspace);
  tool::check_writable(json_path);
  if (!options.junit.empty()) tool::check_writable(options.junit);

  std::vector<FlavorCatalog> catalogs;
  ReportContext context;
  for (const ScenarioBinary& binary : binaries) {
    catalogs.push_back(FlavorCatalog{binary.flavor(), binary.list()});
    FlavorBuild build = binary.info();
    build.binary = shown_path(binary.path()).string();
    context.flavors.emplace(binary.flavor(), std::move(build));
  }
  const std::vector<PlanItem> plan = build_plan(catalogs, options.scenarios, options.mutants);
  const std::vector<PlanItem> items = shard ? select_shard(plan, *shard) : plan;

  context.date = iso8601_utc_now();
  context.host = host_name();
  context.git_revision = std::string(tool::build_git_revision());
  context.tool_version = kVersion;
  if (shard) context.shard = shard->to_string();
  fill_compiler_fields(context);

  RunSettings settings;
  settings.iterations = options.iterations;
  settings.seed = options.seed;
  settings.mode = options.mode;
  settings.timeout = std::chrono::duration<double>(options.timeout_s);
  settings.mutant_runs = options.mutant_runs;
  settings.source_root = workspace.repository_root.value_or(std::filesystem::path{});
  if (options.budget_s > 0) {
    settings.budget = std::chrono::duration<double>(options.budget_s);
    settings.progress = [](const std::string& line) {
      std::cerr << "\n    " << line << std::flush;
    };
  }

  tool::install_interrupt_forwarding();
  VerifyReport report;
  report.context = std::move(context);
  for (std::size_t position = 0; position < items.size(); ++position) {
    const PlanItem& item = items[position];
    std::cerr << progress_prefix(position + 1, items.size(), item) << std::flush;
    const auto binary =
        std::find_if(binaries.begin(), binaries.end(),
                     [&](const ScenarioBinary& b) { return b.flavor() == item.flavor; });
    report.runs.push_back(execute(item, *binary, settings));
    if (settings.budget && item.entry.kind == EntryKind::scenario) std::cerr << "\n    ";
    std::cerr << progress_result(report.runs.back()) << std::endl;
  }
  report.summary = summarize(report.runs);

  tool::write_file_atomically(json_path, serialize(report));
  if (!options.junit.empty()) tool::write_file_atomically(options.junit, to_junit_xml(report));
  std::cout << "\n"
            << summary_table(report) << "report: " << shown_path(json_path).string() << "\n";
  if (!options.junit.empty()) std::cout << "junit: " << options.junit << "\n";
  return report.summary.ok ? tool::kExitOk : tool::kExitFindings;
}

}  // namespace asyncl::verify::cli
