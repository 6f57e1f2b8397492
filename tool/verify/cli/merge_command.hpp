// cli/merge_command.hpp — `asyncl-verify merge`: joins the reports of `run --shard` into one
// report with the same schema, as if the runs had been made in one go.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace asyncl::verify::cli {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string json;   // required
  std::string junit;  // empty: none
};

CLI::App* setup_merge_command(CLI::App& app, MergeOptions& options);

int run_merge_command(const MergeOptions& options);

}  // namespace asyncl::verify::cli
