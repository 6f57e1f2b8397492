// asyncl-bench: compares asyncl's context modes with Google Benchmark.
//
//   asyncl-bench compare [MODE...] [--filter REGEX] [--repetitions N] [--min-time SECONDS]
//                        [--json FILE] [--html FILE]
//   asyncl-bench list [--filter REGEX]
//   asyncl-bench peers [PEER...] [--repetitions N] [--min-time SECONDS] [--size full|tiny]
//                      [--cargo CARGO] [--json FILE] [--html FILE]
//
// Exit status: 0 success; 1 a benchmark reported an error; 2 a bad argument or an unusable
// output path, with one line on stderr. One file per subcommand in cli/ (options, setup, run),
// bound here to its callback; the logic lives in asyncl_bench/, the command-line front end in
// tool_common/cli_parse.hpp.

#include <CLI/CLI.hpp>

#include "asyncl_bench/build_info.hpp"
#include "cli/compare_command.hpp"
#include "cli/list_command.hpp"
#include "cli/peers_command.hpp"
#include "tool_common/cli_parse.hpp"

int main(int argc, char** argv) {
  namespace cli = asyncl::bench::cli;
  CLI::App app{
      "Compare asyncl's context modes (leaky, barrier, shared), and asyncl with other "
      "runtimes, with Google Benchmark",
      "asyncl-bench"};
  app.set_version_flag("--version", asyncl::bench::version_line());
  app.require_subcommand(1);

  int exit_code = asyncl::tool::kExitUsageOrEnvironment;
  cli::CompareOptions compare_options;
  cli::ListOptions list_options;
  cli::PeersOptions peers_options;
  cli::PeersRunOptions peers_run_options;
  cli::setup_compare(app, compare_options)->callback([&] {
    exit_code = cli::run_compare(compare_options);
  });
  cli::setup_list(app, list_options)->callback([&] { exit_code = cli::run_list(list_options); });
  cli::setup_peers(app, peers_options)->callback([&] {
    exit_code = cli::run_peers(peers_options);
  });
  cli::setup_peers_run(app, peers_run_options)->callback([&] {
    exit_code = cli::run_peers_run(peers_run_options);
  });
  return asyncl::tool::run_command_line(app, argc, argv, "asyncl-bench: error: ", exit_code);
}
