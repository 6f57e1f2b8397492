// cli/common_options.hpp — flags that more than one subcommand takes, bound the same way.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace asyncl::verify::cli {

// --build-dir DIR: the directory that holds the per-flavor builds (default <repo>/build).
void add_build_dir_option(CLI::App& command, std::string& build_dir);

// --flavor tsan,asan,relacy (comma separated or repeated).
void add_flavor_option(CLI::App& command, std::vector<std::string>& flavors, const std::string& help);

}  // namespace asyncl::verify::cli
