// cli/list_command.hpp — `asyncl-verify list`: the scenarios and mutants each built flavor
// offers, with every mutant's twin, attacked step and expected detection per flavor.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace asyncl::verify::cli {

struct ListOptions {
  std::vector<std::string> flavors;  // empty: every flavor that is built
  bool json = false;
  std::string build_dir;
};

CLI::App* setup_list_command(CLI::App& app, ListOptions& options);

int run_list_command(const ListOptions& options);

}  // namespace asyncl::verify::cli
