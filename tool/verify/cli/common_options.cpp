#include "cli/common_options.hpp"

#include <CLI/CLI.hpp>

namespace asyncl::verify::cli {

void add_build_dir_option(CLI::App& command, std::string& build_dir) {
  command.add_option("--build-dir", build_dir,
                     "Directory holding the flavor builds (<dir>/tsan, <dir>/asan, <dir>/relacy); "
                     "default: build/ in the repository")
      ->type_name("DIR");
}

void add_flavor_option(CLI::App& command, std::vector<std::string>& flavors, const std::string& help) {
  command.add_option("--flavor", flavors, help)
      ->delimiter(',')
      ->type_name("FLAVOR,...")
      ->check(CLI::IsMember({"tsan", "asan", "relacy"}));
}

}  // namespace asyncl::verify::cli
