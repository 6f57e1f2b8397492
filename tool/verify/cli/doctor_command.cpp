#include "cli/doctor_command.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "tool_common/atomic_file.hpp"
#include "tool_common/errors.hpp"
#include "tool_common/git_revision.hpp"
#include "tool_common/process.hpp"
#include "verify/doctor.hpp"
#include "verify/host_context.hpp"
#include "verify/version.hpp"
#include "verify/workspace.hpp"

namespace asyncl::verify::cli {
namespace {

// `--version` only prints; a compiler gets this long at most to do it.
constexpr std::chrono::seconds kVersionTimeout{60};

std::filesystem::path source_directory(const DoctorOptions& options, const Workspace& workspace) {
  if (options.source_dir.empty()) {
    if (!workspace.repository_root) {
      throw tool::EnvironmentError(
          "cannot find the asyncl sources from here; pass --source-dir DIR");
    }
    return *workspace.repository_root;
  }
  std::error_code error;
  const std::filesystem::path directory = std::filesystem::canonical(options.source_dir, error);
  if (error || !std::filesystem::is_directory(directory, error)) {
    throw tool::UsageError("--source-dir: " + options.source_dir + " is not a directory");
  }
  return directory;
}

std::filesystem::path report_path(const DoctorOptions& options, const Workspace& workspace) {
  if (!options.json.empty()) return options.json;
  std::error_code error;
  std::filesystem::create_directories(workspace.results_dir,
                                      error);  // tool::check_writable reports failure
  return workspace.results_dir / "doctor.json";
}

std::string progress_result(const DoctorRecord& record) {
  const auto yes_no = [](const std::optional<bool>& value) {
    return value ? (*value ? "yes" : "no") : "-";
  };
  char build[32];
  std::snprintf(build, sizeof build, "%.1fs", record.build_s);
  std::string text(to_string(record.status));
  if (record.built()) {
    text += std::string(": raw ") + yes_no(record.raw_tls_survives) + ", library " +
            yes_no(record.library_accessor_survives);
  }
  return text + " (build " + build + ")";
}

}  // namespace

CLI::App* setup_doctor_command(CLI::App& app, DoctorOptions& options) {
  CLI::App* command =
      app.add_subcommand("doctor",
                         "Build the toolchain probe with each C++ compiler at each level and say "
                         "whether raw thread_local "
                         "addresses and asyncl's accessor survive migration; exit 0 when the "
                         "accessor survived everywhere "
                         "it built, 1 when not, 2 for usage errors or when nothing built");
  command
      ->add_option(
          "--compiler", options.compilers,
          "Compilers to probe, names on PATH or paths (default: every g++, g++-NN, clang++, "
          "clang++-NN on PATH, one per executable)")
      ->delimiter(',')
      ->type_name("NAME");
  command->add_option("--levels", options.levels, "Optimization levels")
      ->delimiter(',')
      ->type_name("LEVEL")
      ->capture_default_str();
  command->add_option("--json", options.json, "Report path (default: results/doctor.json)")
      ->type_name("FILE");
  command
      ->add_option("--timeout", options.timeout_s, "Seconds each build and each probe run may take")
      ->check(CLI::PositiveNumber)
      ->type_name("SECONDS")
      ->capture_default_str();
  command
      ->add_option(
          "--source-dir", options.source_dir,
          "The asyncl checkout to build the probe from (default: the repository this tool is in)")
      ->type_name("DIR");
  return command;
}

int run_doctor_command(const DoctorOptions& options) {
  std::vector<std::string> levels;
  for (const std::string& text : options.levels) {
    const std::string level = normalize_level(text);
    if (std::find(levels.begin(), levels.end(), level) == levels.end()) levels.push_back(level);
  }
  if (levels.empty()) throw tool::UsageError("--levels needs at least one level");

  const char* path_variable = std::getenv("PATH");
  const std::string path_value = path_variable == nullptr ? "" : path_variable;
  std::vector<CompilerInfo> compilers = options.compilers.empty()
                                            ? discover_compilers(path_value)
                                            : named_compilers(options.compilers, path_value);
  if (compilers.empty()) {
    throw tool::EnvironmentError(
        "no C++ compiler on PATH (looked for g++, g++-NN, clang++, clang++-NN); "
        "install one or name it with --compiler");
  }

  const Workspace workspace = locate_workspace({});
  const std::filesystem::path source_dir = source_directory(options, workspace);
  (void)probe_sources(
      source_dir);  // says now, not after the first build, when the probe is missing

  const std::filesystem::path json_path = report_path(options, workspace);
  tool::check_writable(json_path);

  const std::chrono::duration<double> timeout(options.timeout_s);
  for (CompilerInfo& compiler : compilers) {
    compiler.version = read_version_line(
        compiler.path, std::min<std::chrono::duration<double>>(timeout, kVersionTimeout));
  }

  DoctorReport report;
  report.context.date = iso8601_utc_now();
  report.context.host = host_name();
  report.context.git_revision = std::string(tool::build_git_revision());
  report.context.tool_version = kVersion;
  report.compilers = compilers;
  report.levels = levels;
  fill_doctor_context(report);

  tool::install_interrupt_forwarding();
  const std::size_t total = compilers.size() * levels.size();
  std::size_t position = 0;
  for (const CompilerInfo& compiler : compilers) {
    for (const std::string& level : levels) {
      std::cout << "[" << ++position << "/" << total << "] " << compiler.name << " " << level
                << " ... " << std::flush;
      report.records.push_back(probe_compiler(compiler, level, source_dir, timeout));
      std::cout << progress_result(report.records.back()) << std::endl;
    }
  }
  report.summary = summarize_doctor(report.records);

  tool::write_file_atomically(json_path, serialize(report));
  const std::string shown = shown_path(json_path).string();
  std::cout << "\n" << doctor_table(report) << "report: " << shown << "\n" << std::flush;
  const int exit_code = doctor_exit_code(report.summary);
  if (exit_code == tool::kExitUsageOrEnvironment) {
    const DoctorRecord& first = report.records.front();
    throw tool::EnvironmentError("no compiler could build the toolchain probe (" + first.compiler +
                                 " " + first.level + ": " + first.reason.value_or("compile error") +
                                 "); see " + shown);
  }
  return exit_code;
}

}  // namespace asyncl::verify::cli
