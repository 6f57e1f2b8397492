#include "cli/peers_command.hpp"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "asyncl_bench/build_info.hpp"
#include "asyncl_bench/comparison.hpp"
#include "asyncl_bench/peers.hpp"
#include "asyncl_bench/report.hpp"
#include "asyncl_bench/runner.hpp"
#include "cli/options.hpp"
#include "peers/peer_benchmarks.hpp"
#include "tool_common/atomic_file.hpp"
#include "tool_common/cli_parse.hpp"
#include "tool_common/errors.hpp"
#include "tool_common/process.hpp"

namespace asyncl::bench::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "asyncl-bench: ";

// The C++ peers compiled into this executable, in kPeers order.
std::vector<peers::Peer> built_peers() {
  std::vector<peers::Peer> built;
  built.push_back(peers::asyncl_peer());
#if defined(ASYNCL_BENCH_HAVE_ASIO)
  built.push_back(peers::asio_peer());
#endif
#if defined(ASYNCL_BENCH_HAVE_TBB)
  built.push_back(peers::tbb_peer());
#endif
  return built;
}

std::string why_not_built(std::string_view peer) {
  const std::string library = peer == "asio" ? "Boost.Asio (libboost-dev)" : "oneTBB (libtbb-dev)";
  return std::string(peer) + " is not built into this asyncl-bench: " + library +
         " was missing at configure time, or this is a sanitizer build (make peers builds it)";
}

// The first line of `text` that starts with "error", else its last non-empty line.
std::string telling_line(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  std::string last;
  while (std::getline(lines, line)) {
    if (line.rfind("error", 0) == 0) return line;
    if (!line.empty()) last = line;
  }
  return last;
}

std::optional<fs::path> find_program(const std::string& name) {
  if (name.empty()) return std::nullopt;
  const auto executable = [](const fs::path& path) {
    std::error_code error;
    return fs::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    if (executable(name)) return fs::absolute(name);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::istringstream directories(path != nullptr ? path : "");
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    if (!directory.empty() && executable(fs::path(directory) / name)) {
      return fs::path(directory) / name;
    }
  }
  return std::nullopt;
}

struct TokioPeer {
  fs::path binary;
  Json context;  // peer_tokio_* entries
};

// Builds the tokio program offline; nullopt, after one line on `notes`, when it cannot be.
std::optional<TokioPeer> build_tokio_peer(const std::string& cargo_name, std::ostream& notes) {
  const std::string skipped = std::string(kPrefix) + "tokio skipped: ";
  const std::optional<fs::path> cargo = find_program(cargo_name);
  if (!cargo) {
    notes << skipped << "cargo not found ('" << cargo_name
          << "'; make peers installs Debian's cargo and librust-tokio-dev)\n";
    return std::nullopt;
  }
  notes << kPrefix << "building the tokio peer with " << cargo->string() << " (release, offline)\n";
  const fs::path source = ASYNCL_BENCH_TOKIO_SOURCE_DIR;
  if (!fs::is_regular_file(source / "Cargo.toml")) {
    notes << skipped << "its source is not at " << source.string() << '\n';
    return std::nullopt;
  }
  // The rustc beside cargo, so that Debian's cargo builds with Debian's rustc even where another
  // toolchain comes first in PATH.
  std::vector<std::string> environment = tool::current_environment();
  if (find_program((cargo->parent_path() / "rustc").string())) {
    environment.push_back("RUSTC=" + (cargo->parent_path() / "rustc").string());
  }
  const auto run_cargo = [&](std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), cargo->string());
    return tool::run_process({std::move(arguments), environment, std::chrono::minutes(30)},
                             source.string());
  };
  const tool::ProcessResult build = run_cargo({"build", "--release", "--offline", "--quiet",
                                               "--target-dir", ASYNCL_BENCH_TOKIO_TARGET_DIR});
  if (!build.started() || build.exit_code != 0) {
    notes << skipped << "cargo could not build it offline (is librust-tokio-dev installed?): "
          << tool::one_line(build.started() ? telling_line(build.stderr_text) : build.spawn_error)
          << '\n';
    return std::nullopt;
  }

  TokioPeer peer{fs::path(ASYNCL_BENCH_TOKIO_TARGET_DIR) / "release" / "asyncl-peers-tokio",
                 Json::object()};
  peer.context["peer_tokio_name"] = "tokio";
  peer.context["peer_tokio_version"] = "unknown";
  const tool::ProcessResult metadata =
      run_cargo({"metadata", "--format-version", "1", "--offline", "--quiet"});
  if (metadata.exit_code == 0) {
    const Json packages =
        Json::parse(metadata.stdout_text, nullptr, false).value("packages", Json());
    for (const Json& package : packages.is_array() ? packages : Json::array()) {
      if (package.value("name", "") == "tokio") {
        peer.context["peer_tokio_version"] = package.value("version", "unknown");
      }
    }
  }
  const tool::ProcessResult version = run_cargo({"--version"});
  if (version.exit_code == 0)
    peer.context["peer_tokio_cargo"] = tool::one_line(version.stdout_text);
  peer.context["peer_tokio_fork_join"] =
      "tokio::spawn, then .await of each JoinHandle; fib's inline half boxed (E0733)";
  return peer;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// Runs one round's process and returns its report; throws std::runtime_error when it fails.
Json run_round_process(const std::string& what, std::vector<std::string> argv) {
  const tool::ProcessResult result =
      tool::run_process({std::move(argv), tool::current_environment(), {}});
  if (!result.started()) throw std::runtime_error(what + " did not start: " + result.spawn_error);
  if (result.exit_code != 0) {
    throw std::runtime_error(what + " failed (" +
                             (result.exit_code ? "exit " + std::to_string(*result.exit_code)
                                               : tool::signal_name(result.signal.value_or(0))) +
                             "): " + tool::one_line(telling_line(result.stderr_text)));
  }
  return parse_google_benchmark_json(result.stdout_text);
}

}  // namespace

CLI::App* setup_peers(CLI::App& app, PeersOptions& options) {
  CLI::App* command = app.add_subcommand(
      "peers",
      "Run the same workloads on asyncl, Boost.Asio, oneTBB and tokio (two workers each), in "
      "rounds that alternate between them; print medians and ratios to asyncl; write the JSON "
      "report and the HTML chart");
  command->add_option("peers", options.peers,
                      "Peers to run: asyncl, asio, tbb, tokio (default: every available one)");
  command
      ->add_option("--repetitions", options.repetitions,
                   "Repetitions (rounds) of each workload (default " +
                       std::to_string(kDefaultRepetitions) + ")")
      ->check(CLI::Range(1, 1000));
  command
      ->add_option(
          "--size", options.size,
          "full (100,000 tasks, skynet of 1,000,000 leaves, fib(30)) or tiny (a smoke run)")
      ->check(CLI::IsMember({"full", "tiny"}))
      ->capture_default_str();
  command->add_option("--cargo", options.cargo, "The cargo that builds the tokio peer")
      ->capture_default_str();
  add_report_options(command, options.min_time_seconds, options.json_path, options.html_path);
  return command;
}

CLI::App* setup_peers_run(CLI::App& app, PeersRunOptions& options) {
  CLI::App* command = app.add_subcommand(
      "peers-run", "One repetition of the C++ peers' workloads, as JSON on stdout (for peers)");
  command->group("");  // hidden: `peers` runs it
  command->add_option("peers", options.peers, "C++ peers to run");
  command->add_option("--min-time", options.min_time_seconds)->check(positive_seconds());
  command->add_option("--size", options.size)->check(CLI::IsMember({"full", "tiny"}));
  return command;
}

int run_peers_run(const PeersRunOptions& options) {
  set_current_peer_sizes(peer_sizes(options.size));
  std::vector<BenchmarkEntry> selected;
  for (const peers::Peer& peer : built_peers()) {
    if (!options.peers.empty() &&
        std::find(options.peers.begin(), options.peers.end(), peer.name) == options.peers.end()) {
      continue;
    }
    for (const auto& [key, value] : peer.context) {
      benchmark::AddCustomContext("peer_" + peer.name + "_" + key, value);
    }
    selected.insert(selected.end(), peer.benchmarks.begin(), peer.benchmarks.end());
  }
  if (selected.empty()) throw tool::UsageError("no C++ peer to run");
  RunSettings settings;
  settings.repetitions = 1;
  settings.min_time_seconds = options.min_time_seconds;
  std::cout << run_benchmarks(selected, settings, std::cerr).dump() << '\n';
  return tool::kExitOk;
}

int run_peers(const PeersOptions& options) {
  const std::vector<std::string> wanted = parse_peers(options.peers);
  const bool named = !options.peers.empty();
  std::vector<std::string> built;
  for (const peers::Peer& peer : built_peers()) built.push_back(peer.name);

  std::vector<std::string> cpp_peers;
  std::vector<std::string> notes;
  bool want_tokio = false;
  for (const std::string& peer : wanted) {
    if (peer == "tokio") {
      want_tokio = true;
    } else if (std::find(built.begin(), built.end(), peer) != built.end()) {
      cpp_peers.push_back(peer);
    } else if (named) {
      throw tool::UsageError(why_not_built(peer));
    } else {
      notes.push_back(std::string(kPrefix) + why_not_built(peer));
    }
  }
  (void)peer_sizes(options.size);  // checks the name
  const std::string& size = options.size;
  prepare_outputs(options.json_path, options.html_path);

  for (const std::string& note : notes) std::cerr << note << '\n';
  if (build_info().checked) {
    std::cerr << kPrefix << "warning: built with ASYNCL_CHECKED; the checks distort timings\n";
  }
  tool::install_interrupt_forwarding();  // Ctrl-C also ends the round's process (cargo, a peer)
  std::optional<TokioPeer> tokio;
  if (want_tokio) {
    tokio = build_tokio_peer(options.cargo, std::cerr);
  }
  std::vector<std::string> ran = cpp_peers;
  if (tokio) ran.emplace_back("tokio");
  if (ran.empty()) {
    std::cerr << kPrefix << "error: no peer can run\n";
    return tool::kExitUsageOrEnvironment;
  }

  const int repetitions = options.repetitions > 0 ? options.repetitions : kDefaultRepetitions;
  std::vector<std::string> min_time;
  if (options.min_time_seconds) {
    std::ostringstream seconds;
    seconds.precision(17);
    seconds << *options.min_time_seconds;
    min_time = {"--min-time", seconds.str()};
  }
  try {
    const fs::path self = fs::read_symlink("/proc/self/exe");
    Json merged;
    for (int round = 0; round < repetitions; ++round) {
      std::cerr << kPrefix << "round " << round + 1 << '/' << repetitions << ": " << joined(ran)
                << '\n';
      const auto run_cpp = [&] {
        if (cpp_peers.empty()) return;
        std::vector<std::string> argv{self.string(), "peers-run", "--size", size};
        argv.insert(argv.end(), min_time.begin(), min_time.end());
        argv.insert(argv.end(), cpp_peers.begin(), cpp_peers.end());
        merge_peer_run(merged, run_round_process("the C++ peers' run", argv), cpp_peers, round,
                       repetitions);
      };
      const auto run_tokio = [&] {
        if (!tokio) return;
        std::vector<std::string> argv{tokio->binary.string(),
                                      "--size",
                                      size,
                                      "--repetition-index",
                                      std::to_string(round),
                                      "--repetitions",
                                      std::to_string(repetitions)};
        argv.insert(argv.end(), min_time.begin(), min_time.end());
        Json run = run_round_process("the tokio peer", argv);
        if (!run["context"].is_object()) run["context"] = Json::object();
        run["context"].update(tokio->context);
        merge_peer_run(merged, run, {"tokio"}, round, repetitions);
      };
      // The order alternates, so that neither runs always first after a pause.
      if (round % 2 == 0) {
        run_cpp();
        run_tokio();
      } else {
        run_tokio();
        run_cpp();
      }
    }
    const Comparison comparison = compare_runs(merged, ran);
    const Json report = make_peers_report(std::move(merged), comparison);
    const std::string html = render_html(comparison, report["context"], "peer");
    tool::write_file_atomically(options.json_path, report.dump(2) + "\n");
    tool::write_file_atomically(options.html_path, html);
    std::cout << render_table(comparison) << "\nwrote " << options.json_path << " and "
              << options.html_path << '\n';
    return comparison.failed.empty() ? tool::kExitOk : tool::kExitFindings;
  } catch (const std::exception& error) {
    std::cerr << kPrefix << "error: " << tool::one_line(error.what()) << '\n';
    return tool::kExitFindings;
  }
}

}  // namespace asyncl::bench::cli
