#pragma once
// `asyncl-bench peers`: the same workloads on asyncl and on the runtimes a user would pick
// instead, and the report that puts them side by side.
//
// Defines:
//   asyncl::bench::kPeers, kPeersReportSchema
//   asyncl::bench::PeerSizes, peer_sizes(), skynet_tasks(), fib_tasks(), skynet_sum(), fib_value()
//   asyncl::bench::current_peer_sizes(), set_current_peer_sizes()
//   asyncl::bench::parse_peers()
//   asyncl::bench::merge_peer_run()     adds one repetition of some peers to the merged report
//   asyncl::bench::make_peers_report()  the merged report with its comparison
//
// Naming. Every record is "<workload>/<peer>" (e.g. "skynet/tbb"), so compare_runs() with the
// peers as its modes makes one row per workload and one column per peer, with ratios to the
// first peer, asyncl. A workload a peer cannot express (tbb has no suspended task to yield or to
// drop) has no record: its cell stays empty.
//
// Workloads (two workers everywhere; "from a worker" means the loop runs inside a task):
//   batch      spawn `batch` empty tasks from a worker, then join them all; one iteration is the
//              whole batch, the counter ns_per_task divides it
//   spawn_one  spawn one empty task from a worker and await it
//   yield      one yield round trip of a task on a worker
//   shutdown   drop a runtime that holds `shutdown` suspended tasks (set-up not timed)
//   skynet     `skynet_leaves` leaves, ten children per node, every node a spawned task that joins
//              its children and returns the sum of the leaves' ids
//   fib        fib(`fib`): every call with n >= 2 spawns fib(n-1), computes fib(n-2) inline and
//              joins the child
//   memory     bytes asked of the allocator while `memory` empty tasks are spawned and joined,
//              per task (counter bytes_per_task)
// skynet and fib report core_ns_per_task = wall time x 2 workers / spawned tasks (the root is
// not counted) and tasks.
//
// Interleaving. Google Benchmark may run once per process (runner.hpp), and tokio runs in a
// program of its own, so `peers` runs rounds: in each, one process runs one repetition of every
// C++ peer's workloads (randomly interleaved) and the tokio program one of its own, the two in
// alternating order. merge_peer_run() numbers the repetitions by round.
//
// Thread safety: set_current_peer_sizes() before any workload runs; the rest are pure.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "asyncl_bench/comparison.hpp"

namespace asyncl::bench {

// The runtimes `peers` knows, in the order of the report's columns; asyncl is the reference.
inline constexpr std::array<std::string_view, 4> kPeers{"asyncl", "asio", "tbb", "tokio"};

inline constexpr std::string_view kPeersReportSchema = "asyncl-bench-peers/1";

struct PeerSizes {
  std::int64_t batch = 100'000;
  std::int64_t shutdown = 100'000;
  std::int64_t skynet_leaves = 1'000'000;  // a power of ten
  int fib = 30;
  std::int64_t memory = 10'000;
};

// "full" (the sizes above) or "tiny" (a smoke run: 100 tasks, 100 leaves, fib(10)). Throws
// UsageError for anything else.
PeerSizes peer_sizes(std::string_view size);

// Tasks spawned below the root: skynet's nodes other than the root, fib's calls with n >= 2.
std::int64_t skynet_tasks(std::int64_t leaves);
std::int64_t fib_tasks(int n);
// The results the workloads check: 0 + 1 + ... + (leaves - 1), and fib(n).
std::int64_t skynet_sum(std::int64_t leaves);
std::int64_t fib_value(int n);

const PeerSizes& current_peer_sizes();
void set_current_peer_sizes(const PeerSizes& sizes);

// The peers named (all of kPeers when none are), in kPeers order, always with asyncl: it is the
// reference every ratio is taken against. Throws UsageError for an unknown or repeated name.
std::vector<std::string> parse_peers(const std::vector<std::string>& names);

// Appends the repetition records ("run_type": "iteration") of `run`, a Google Benchmark JSON
// report of one repetition, to `merged`'s "benchmarks", renumbered as repetition
// `repetition_index` of `repetitions`; aggregates are dropped. Every record must be named
// "<workload>/<peer>" with <peer> one of `peers`, or std::invalid_argument is thrown and
// `merged` is left as it was: a record is never attributed to a runtime that did not produce
// it. `merged` takes the first run's context; from later runs, context keys that start with
// "peer_" are added.
void merge_peer_run(Json& merged, const Json& run, const std::vector<std::string>& peers,
                    int repetition_index, int repetitions);

// make_report() of the merged runs with the peers as modes, under kPeersReportSchema.
Json make_peers_report(Json merged, const Comparison& comparison);

}  // namespace asyncl::bench
