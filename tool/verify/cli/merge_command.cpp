#include "cli/merge_command.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tool_common/atomic_file.hpp"
#include "tool_common/errors.hpp"
#include "verify/console.hpp"
#include "verify/junit.hpp"
#include "verify/report.hpp"

namespace asyncl::verify::cli {
namespace {

VerifyReport read_report(const std::string& path) {
  std::ifstream input(path);
  if (!input) throw tool::EnvironmentError("cannot read " + path);
  std::stringstream text;
  text << input.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) throw tool::UsageError(path + " is not JSON");
  try {
    return report_from_json(json);
  } catch (const std::invalid_argument& error) {
    throw tool::UsageError(path + ": " + error.what());
  }
}

}  // namespace

CLI::App* setup_merge_command(CLI::App& app, MergeOptions& options) {
  CLI::App* command = app.add_subcommand(
      "merge", "Join shard reports into one report; exit code as if the runs had been one `run`");
  command->add_option("FILE", options.inputs, "Shard reports (from run --shard I/N)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--json", options.json, "Merged report path")->required()->type_name("OUT");
  command->add_option("--junit", options.junit, "Also write JUnit XML here")->type_name("FILE");
  return command;
}

int run_merge_command(const MergeOptions& options) {
  tool::check_writable(options.json);
  if (!options.junit.empty()) tool::check_writable(options.junit);
  std::vector<VerifyReport> shards;
  for (const std::string& input : options.inputs) shards.push_back(read_report(input));
  VerifyReport merged;
  try {
    merged = merge_reports(shards);
  } catch (const std::invalid_argument& error) {
    throw tool::UsageError(std::string("cannot merge: ") + error.what());
  }
  fill_compiler_fields(merged.context);
  tool::write_file_atomically(options.json, serialize(merged));
  if (!options.junit.empty()) tool::write_file_atomically(options.junit, to_junit_xml(merged));
  std::cout << summary_table(merged) << "report: " << options.json << "\n";
  return merged.summary.ok ? tool::kExitOk : tool::kExitFindings;
}

}  // namespace asyncl::verify::cli
