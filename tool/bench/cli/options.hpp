#pragma once
// What the subcommands of asyncl-bench share on their command line: --min-time, --json and
// --html, and how a report's path is made ready before anything runs.

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "tool_common/atomic_file.hpp"
#include "tool_common/errors.hpp"

namespace asyncl::bench::cli {

// Accepts a finite number of seconds greater than zero.
inline CLI::Validator positive_seconds() {
  return CLI::Validator(
      [](const std::string& value) {
        char* end = nullptr;
        const double seconds = std::strtod(value.c_str(), &end);
        const bool valid =
            end != value.c_str() && *end == '\0' && std::isfinite(seconds) && seconds > 0;
        return valid ? std::string() : "'" + value + "' is not a positive number of seconds";
      },
      "SECONDS");
}

// --min-time (checked by positive_seconds), --json and --html, as every running subcommand has.
inline void add_report_options(CLI::App* command, std::optional<double>& min_time_seconds,
                               std::string& json_path, std::string& html_path) {
  command
      ->add_option("--min-time", min_time_seconds,
                   "Minimum time per repetition in seconds (Google Benchmark's default if unset)")
      ->check(positive_seconds());
  command->add_option("--json", json_path, "Where to write the JSON report")->capture_default_str();
  command->add_option("--html", html_path, "Where to write the HTML page")->capture_default_str();
}

// The report's directory is created when missing (results/ on a fresh clone); then the shared
// writer's checks apply (tool_common/atomic_file.hpp).
inline void prepare_output(const std::string& path) {
  const std::filesystem::path directory = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!directory.empty() && !std::filesystem::is_directory(directory, error)) {
    std::filesystem::create_directories(directory, error);
    if (error) throw tool::UsageError("cannot write " + path + ": " + error.message());
  }
  tool::check_writable(path);
}

// Both outputs ready, and not the same file. Throws UsageError or EnvironmentError.
inline void prepare_outputs(const std::string& json_path, const std::string& html_path) {
  if (std::filesystem::absolute(json_path) == std::filesystem::absolute(html_path)) {
    throw tool::UsageError("--json and --html name the same file '" + json_path + "'");
  }
  prepare_output(json_path);
  prepare_output(html_path);
}

}  // namespace asyncl::bench::cli
