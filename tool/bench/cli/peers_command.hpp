#pragma once
// `asyncl-bench peers [PEER...]`: the same workloads on asyncl, Boost.Asio, oneTBB and tokio
// (asyncl_bench/peers.hpp), in rounds that alternate between the runtimes; prints the
// side-by-side table and writes results/peers.json and results/peers.html.
//
// Each round runs this executable again as `asyncl-bench peers-run` (hidden: one repetition of
// the C++ peers, Google Benchmark JSON on stdout), because Google Benchmark runs once per
// process, and the tokio program, built from tool/bench/peers/tokio with `cargo build --release
// --offline` against Debian's crates. A peer that is not available (Boost or oneTBB headers
// missing when asyncl-bench was configured, cargo or the tokio crate missing) is left out with
// one line on stderr, unless it was named.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace asyncl::bench::cli {

struct PeersOptions {
  std::vector<std::string> peers;  // empty: every available peer
  int repetitions = 0;             // 0: kDefaultRepetitions
  std::optional<double> min_time_seconds;
  std::string size = "full";
  std::string cargo = "cargo";
  std::string json_path = "results/peers.json";
  std::string html_path = "results/peers.html";
};

struct PeersRunOptions {
  std::vector<std::string> peers;  // C++ peers only; empty: all built
  std::optional<double> min_time_seconds;
  std::string size = "full";
};

CLI::App* setup_peers(CLI::App& app, PeersOptions& options);
CLI::App* setup_peers_run(CLI::App& app, PeersRunOptions& options);

// 0 when every workload ran, 1 when one reported an error or a peer's process failed. Throws
// UsageError or EnvironmentError (exit 2) for a bad argument or an unusable output path, before
// anything runs.
int run_peers(const PeersOptions& options);
int run_peers_run(const PeersRunOptions& options);

}  // namespace asyncl::bench::cli
