#pragma once
// `asyncl-bench list`: prints the name of every registered benchmark, one per line.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace asyncl::bench::cli {

struct ListOptions {
  std::optional<std::string> filter;
};

// Adds the `list` subcommand to `app`, binding its flags to `options`.
CLI::App* setup_list(CLI::App& app, ListOptions& options);

// Returns the process exit status, 0. Throws UsageError for a bad --filter (exit 2).
int run_list(const ListOptions& options);

}  // namespace asyncl::bench::cli
