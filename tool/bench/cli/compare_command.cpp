#include "cli/compare_command.hpp"

#include <iostream>

#include "asyncl_bench/arguments.hpp"
#include "asyncl_bench/build_info.hpp"
#include "asyncl_bench/comparison.hpp"
#include "asyncl_bench/registry.hpp"
#include "asyncl_bench/report.hpp"
#include "asyncl_bench/runner.hpp"
#include "cli/options.hpp"
#include "tool_common/atomic_file.hpp"
#include "tool_common/errors.hpp"

namespace asyncl::bench::cli {

CLI::App* setup_compare(CLI::App& app, CompareOptions& options) {
  CLI::App* command = app.add_subcommand(
      "compare",
      "Run every benchmark for every named mode (default: leaky barrier) and the raw baselines "
      "in one process with interleaved repetitions; print medians and ratios to the first mode; "
      "write the JSON report and the HTML chart");
  command->add_option("modes", options.modes, "Context modes to compare: leaky, barrier, shared");
  command->add_option("--filter", options.filter,
                      "Run only benchmarks whose name matches this regular expression");
  command
      ->add_option(
          "--repetitions", options.repetitions,
          "Repetitions of each benchmark (default " + std::to_string(kDefaultRepetitions) + ")")
      ->check(CLI::Range(1, 1000));
  add_report_options(command, options.min_time_seconds, options.json_path, options.html_path);
  return command;
}

int run_compare(const CompareOptions& options) {
  std::vector<std::string> modes;
  std::vector<BenchmarkEntry> selected;
  modes = parse_modes(options.modes);
  const auto filter = compile_filter(options.filter);
  selected = select_benchmarks(registered_benchmarks(), modes, filter);
  if (selected.empty()) {
    throw UsageError("no benchmark matches --filter '" + options.filter.value_or("") + "'");
  }
  prepare_outputs(options.json_path, options.html_path);

  if (build_info().checked) {
    std::cerr << "asyncl-bench: warning: built with ASYNCL_CHECKED; the checks distort timings\n";
  }

  RunSettings settings;
  if (options.repetitions > 0) settings.repetitions = options.repetitions;
  settings.min_time_seconds = options.min_time_seconds;
  try {
    Json google_benchmark_report = run_benchmarks(selected, settings, std::cerr);
    const Comparison comparison = compare_runs(google_benchmark_report, modes);
    const Json report = make_report(std::move(google_benchmark_report), comparison);
    const std::string html = render_html(comparison, report["context"]);
    tool::write_file_atomically(options.json_path, report.dump(2) + "\n");
    tool::write_file_atomically(options.html_path, html);
    std::cout << render_table(comparison) << "\nwrote " << options.json_path << " and "
              << options.html_path << '\n';
    return comparison.failed.empty() ? tool::kExitOk : tool::kExitFindings;
  } catch (const std::exception& error) {
    std::cerr << "asyncl-bench: error: " << error.what() << '\n';
    return tool::kExitUsageOrEnvironment;
  }
}

}  // namespace asyncl::bench::cli
