#include "cli/list_command.hpp"

#include <iostream>

#include "asyncl_bench/arguments.hpp"
#include "asyncl_bench/registry.hpp"

namespace asyncl::bench::cli {

CLI::App* setup_list(CLI::App& app, ListOptions& options) {
  CLI::App* command =
      app.add_subcommand("list", "Print the name of every benchmark (<family>/<mode or raw>)");
  command->add_option("--filter", options.filter,
                      "Print only names that match this regular expression");
  return command;
}

int run_list(const ListOptions& options) {
  const auto filter = compile_filter(options.filter);
  for (const BenchmarkEntry& entry : filter_benchmarks(registered_benchmarks(), filter)) {
    std::cout << entry.name() << '\n';
  }
  return tool::kExitOk;
}

}  // namespace asyncl::bench::cli
