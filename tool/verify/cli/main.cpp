// asyncl-verify: runs asyncl's scenarios and mutants under TSan, ASan and Relacy and writes
// results/verify.json; `doctor` probes the machine's C++ compilers (results/doctor.json). Exit 0
// when every scenario passes and every mutant is caught, 1 when not, 2 for a usage or
// environment error (one line on stderr that says what to do).
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/check_command.hpp"
#include "cli/doctor_command.hpp"
#include "cli/list_command.hpp"
#include "cli/merge_command.hpp"
#include "cli/run_command.hpp"
#include "verify/errors.hpp"
#include "verify/version.hpp"
#include "cli_parse.hpp"

namespace {

int fail_with(const std::string& message) {
  std::cerr << "asyncl-verify: " << asyncl::tool::one_line(message) << "\n";
  return asyncl::verify::kExitUsageOrEnvironment;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace asyncl::verify;
  CLI::App app{"asyncl-verify: runs asyncl's scenarios and mutants under TSan, ASan and Relacy",
               "asyncl-verify"};
  app.set_version_flag("--version", std::string("asyncl-verify ") + kVersion);
  app.require_subcommand(1);

  cli::ListOptions list_options;
  cli::RunOptions run_options;
  cli::MergeOptions merge_options;
  cli::DoctorOptions doctor_options;
  cli::CheckOptions check_options;
  const CLI::App* list = cli::setup_list_command(app, list_options);
  const CLI::App* run = cli::setup_run_command(app, run_options);
  const CLI::App* merge = cli::setup_merge_command(app, merge_options);
  const CLI::App* doctor = cli::setup_doctor_command(app, doctor_options);
  const CLI::App* check = cli::setup_check_command(app, check_options);

  if (const auto exit_code = asyncl::tool::parse_command_line(app, argc, argv, "asyncl-verify: ")) {
    return *exit_code;
  }

  try {
    if (list->parsed()) return cli::run_list_command(list_options);
    if (run->parsed()) return cli::run_run_command(run_options);
    if (merge->parsed()) return cli::run_merge_command(merge_options);
    if (doctor->parsed()) return cli::run_doctor_command(doctor_options);
    if (check->parsed()) return cli::run_check_command(check_options);
  } catch (const UsageError& error) {
    return fail_with(error.what());
  } catch (const EnvironmentError& error) {
    return fail_with(error.what());
  } catch (const std::exception& error) {
    return fail_with(std::string("unexpected error: ") + error.what());
  }
  return fail_with("no subcommand (see asyncl-verify --help)");
}
