// asyncl-bench: compares asyncl's context modes with Google Benchmark.
//
//   asyncl-bench compare [MODE...] [--filter REGEX] [--repetitions N] [--min-time SECONDS]
//                        [--json FILE] [--html FILE]
//   asyncl-bench list [--filter REGEX]
//
// Exit status: 0 success; 1 a benchmark reported an error; 2 a bad argument or an unusable
// output path, with one line on stderr. The subcommands live in cli/, the logic in asyncl_bench/.

#include <CLI/CLI.hpp>

#include "asyncl_bench/build_info.hpp"
#include "cli/compare_command.hpp"
#include "cli/list_command.hpp"
#include "cli_parse.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Compare asyncl's context modes (leaky, barrier, shared) with Google Benchmark",
               "asyncl-bench"};
  app.set_version_flag("--version", asyncl::bench::version_line());
  app.require_subcommand(1);

  asyncl::bench::cli::CompareOptions compare_options;
  CLI::App* compare = asyncl::bench::cli::setup_compare(app, compare_options);
  asyncl::bench::cli::ListOptions list_options;
  CLI::App* list = asyncl::bench::cli::setup_list(app, list_options);

  if (const auto exit_code = asyncl::tool::parse_command_line(app, argc, argv, "asyncl-bench: error: ")) {
    return *exit_code;
  }

  if (compare->parsed()) return asyncl::bench::cli::run_compare(compare_options);
  if (list->parsed()) return asyncl::bench::cli::run_list(list_options);
  return 2;
}
