#pragma once
// The C++ peers of `asyncl-bench peers` (see asyncl_bench/peers.hpp for the workloads): one
// function per runtime that returns its benchmarks, named "<workload>/<peer>", and what the
// report records about it. asio and tbb are compiled only where CMake found their headers
// (ASYNCL_BENCH_HAVE_ASIO, ASYNCL_BENCH_HAVE_TBB); the tokio peer is a Rust program (tokio/).
//
// Every workload reads its sizes from current_peer_sizes(), and counts allocations through
// allocation_counter.hpp.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "asyncl_bench/peers.hpp"
#include "asyncl_bench/registry.hpp"

namespace asyncl::bench::peers {

inline constexpr int kWorkers = 2;

struct Peer {
  std::string name;
  // Context entries, "peer_<name>_<key>": at least "version"; also how the workloads are written.
  std::vector<std::pair<std::string, std::string>> context;
  std::vector<BenchmarkEntry> benchmarks;
};

Peer asyncl_peer();
#if defined(ASYNCL_BENCH_HAVE_ASIO)
Peer asio_peer();
#endif
#if defined(ASYNCL_BENCH_HAVE_TBB)
Peer tbb_peer();
#endif

// Wall-clock nanoseconds since `start`.
inline double nanoseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
}

// The counters of batch (ns_per_task) and of skynet and fib (core_ns_per_task, tasks), from the
// wall time of the whole benchmark loop.
inline void set_per_task_counter(benchmark::State& state, double elapsed_ns, std::int64_t tasks) {
  state.counters["ns_per_task"] =
      elapsed_ns / (static_cast<double>(state.iterations()) * static_cast<double>(tasks));
}
inline void set_fork_join_counters(benchmark::State& state, double elapsed_ns, std::int64_t tasks) {
  state.counters["core_ns_per_task"] =
      elapsed_ns * kWorkers /
      (static_cast<double>(state.iterations()) * static_cast<double>(tasks));
  state.counters["tasks"] = static_cast<double>(tasks);
}

// The fork-join roots' sizes, for every peer: tasks spawned and the expected result.
inline std::int64_t skynet_root_tasks() { return skynet_tasks(current_peer_sizes().skynet_leaves); }
inline std::int64_t skynet_expected() { return skynet_sum(current_peer_sizes().skynet_leaves); }
inline std::int64_t fib_root_tasks() { return fib_tasks(current_peer_sizes().fib); }
inline std::int64_t fib_expected() { return fib_value(current_peer_sizes().fib); }

inline void in_milliseconds(benchmark::internal::Benchmark* b) { b->Unit(benchmark::kMillisecond); }

// The workloads one peer implements; a null one is a row the peer does not have.
struct Workloads {
  BenchmarkFunction batch = nullptr;
  BenchmarkFunction spawn_one = nullptr;
  BenchmarkFunction yield = nullptr;
  BenchmarkFunction shutdown = nullptr;
  BenchmarkFunction skynet = nullptr;
  BenchmarkFunction fib = nullptr;
  BenchmarkFunction memory = nullptr;
};

// Appends the peer's benchmarks, "<workload>/<peer>", in the report's order; the ones that take
// milliseconds are reported in milliseconds.
inline void add_workloads(Peer& peer, const Workloads& workloads) {
  const auto add = [&](const char* workload, BenchmarkFunction function,
                       ConfigureFunction configure = nullptr) {
    if (function != nullptr) {
      peer.benchmarks.push_back(BenchmarkEntry{workload, peer.name, function, configure});
    }
  };
  add("batch", workloads.batch, &in_milliseconds);
  add("spawn_one", workloads.spawn_one);
  add("yield", workloads.yield);
  add("shutdown", workloads.shutdown, &in_milliseconds);
  add("skynet", workloads.skynet, &in_milliseconds);
  add("fib", workloads.fib, &in_milliseconds);
  add("memory", workloads.memory);
}

}  // namespace asyncl::bench::peers
