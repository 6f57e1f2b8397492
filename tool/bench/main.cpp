// asyncl-bench: compares asyncl's context modes with Google Benchmark.
//
//   asyncl-bench compare [MODE...] [--filter REGEX] [--repetitions N] [--min-time SECONDS]
//                        [--json FILE] [--html FILE]
//   asyncl-bench list [--filter REGEX]
//
// Exit status: 0 success; 1 a benchmark reported an error; 2 a bad argument or an unusable
// output path, with one line on stderr. The subcommands live in cli/, the logic in asyncl_bench/.

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "asyncl_bench/build_info.hpp"
#include "cli/compare_command.hpp"
#include "cli/list_command.hpp"

namespace {

// CLI11 messages can span lines; the tool promises one.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Compare asyncl's context modes (leaky, barrier, shared) with Google Benchmark",
               "asyncl-bench"};
  app.set_version_flag("--version", asyncl::bench::version_line());
  app.require_subcommand(1);

  asyncl::bench::cli::CompareOptions compare_options;
  CLI::App* compare = asyncl::bench::cli::setup_compare(app, compare_options);
  asyncl::bench::cli::ListOptions list_options;
  CLI::App* list = asyncl::bench::cli::setup_list(app, list_options);

  // CLI11 would call an unknown command "A subcommand is required"; name it instead.
  if (argc > 1 && argv[1][0] != '-' && argv[1] != compare->get_name() &&
      argv[1] != list->get_name()) {
    std::cerr << "asyncl-bench: error: unknown command '" << argv[1]
              << "'; the commands are compare and list (see asyncl-bench --help)\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    std::cerr << "asyncl-bench: error: " << one_line(error.what())
              << " (see asyncl-bench --help)\n";
    return 2;
  }

  if (compare->parsed()) return asyncl::bench::cli::run_compare(compare_options);
  if (list->parsed()) return asyncl::bench::cli::run_list(list_options);
  return 2;
}
