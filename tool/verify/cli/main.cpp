// asyncl-verify: runs asyncl's scenarios and mutants under TSan, ASan and Relacy and writes
// results/verify.json; `doctor` probes the machine's C++ compilers (results/doctor.json). Exit 0
// when every scenario passes and every mutant is caught, 1 when not, 2 for a usage or
// environment error (one line on stderr that says what to do).
//
// One file per subcommand in cli/ (options struct, setup, run); here each is bound to its
// callback, and tool_common/cli_parse.hpp parses, runs the callback and maps errors to exit 2.
#include <string>

#include <CLI/CLI.hpp>

#include "cli/check_command.hpp"
#include "cli/doctor_command.hpp"
#include "cli/list_command.hpp"
#include "cli/merge_command.hpp"
#include "cli/run_command.hpp"
#include "tool_common/cli_parse.hpp"
#include "tool_common/errors.hpp"
#include "verify/version.hpp"

int main(int argc, char** argv) {
  using namespace asyncl::verify;
  CLI::App app{"asyncl-verify: runs asyncl's scenarios and mutants under TSan, ASan and Relacy",
               "asyncl-verify"};
  app.set_version_flag("--version", std::string("asyncl-verify ") + kVersion);
  app.require_subcommand(1);

  int exit_code = asyncl::tool::kExitUsageOrEnvironment;
  cli::ListOptions list_options;
  cli::RunOptions run_options;
  cli::MergeOptions merge_options;
  cli::DoctorOptions doctor_options;
  cli::CheckOptions check_options;
  cli::setup_list_command(app, list_options)->callback([&] {
    exit_code = cli::run_list_command(list_options);
  });
  cli::setup_run_command(app, run_options)->callback([&] {
    exit_code = cli::run_run_command(run_options);
  });
  cli::setup_merge_command(app, merge_options)->callback([&] {
    exit_code = cli::run_merge_command(merge_options);
  });
  cli::setup_doctor_command(app, doctor_options)->callback([&] {
    exit_code = cli::run_doctor_command(doctor_options);
  });
  cli::setup_check_command(app, check_options)->callback([&] {
    exit_code = cli::run_check_command(check_options);
  });
  return asyncl::tool::run_command_line(app, argc, argv, "asyncl-verify: ", exit_code);
}
