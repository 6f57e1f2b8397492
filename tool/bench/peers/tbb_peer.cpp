// The oneTBB peer: the workloads of asyncl_bench/peers.hpp with tbb::task_group, as oneTBB's
// documentation writes fork-join (its fib example: run one half, compute the other, wait), in a
// task_arena of two threads (the calling thread and one worker; global_control caps the worker
// pool too). TBB tasks run to completion: there is no task to suspend, so the yield and
// shutdown rows have no tbb column, and its tasks are allocated by TBB's own allocator, not
// through operator new, so neither has memory.

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>
#include <oneapi/tbb/version.h>

#include <array>

#include "peer_benchmarks.hpp"

namespace asyncl::bench::peers {
namespace {

using Clock = std::chrono::steady_clock;

// Runs `body` in an arena of kWorkers threads, the calling thread one of them.
template <class Body>
void in_arena(Body&& body) {
  const tbb::global_control workers(tbb::global_control::max_allowed_parallelism, kWorkers);
  tbb::task_arena arena(kWorkers);
  arena.execute(body);
}

void batch(benchmark::State& state) {
  const std::int64_t n = current_peer_sizes().batch;
  double elapsed = 0;
  in_arena([&] {
    const auto start = Clock::now();
    for (auto _ : state) {
      tbb::task_group group;
      for (std::int64_t i = 0; i < n; ++i) group.run([] {});
      group.wait();
    }
    elapsed = nanoseconds_since(start);
  });
  set_per_task_counter(state, elapsed, n);
}

void spawn_one(benchmark::State& state) {
  in_arena([&] {
    tbb::task_group group;
    for (auto _ : state) {
      group.run([] {});
      group.wait();
    }
  });
}

std::int64_t skynet(std::int64_t num, std::int64_t size) {
  if (size == 1) return num;
  const std::int64_t child = size / 10;
  std::array<std::int64_t, 10> results{};
  tbb::task_group group;
  for (std::size_t i = 0; i < 10; ++i) {
    group.run([&results, i, num, child] {
      results[i] = skynet(num + static_cast<std::int64_t>(i) * child, child);
    });
  }
  group.wait();
  std::int64_t sum = 0;
  for (std::int64_t value : results) sum += value;
  return sum;
}

std::int64_t fib(int n) {
  if (n < 2) return n;
  std::int64_t spawned = 0;
  tbb::task_group group;
  group.run([&spawned, n] { spawned = fib(n - 1); });
  const std::int64_t inline_part = fib(n - 2);
  group.wait();
  return inline_part + spawned;
}

template <std::int64_t (*Root)(), std::int64_t (*Tasks)(), std::int64_t (*Expected)()>
void fork_join(benchmark::State& state) {
  double elapsed = 0;
  in_arena([&] {
    const auto start = Clock::now();
    for (auto _ : state) {
      if (Root() != Expected()) state.SkipWithError("wrong result");
    }
    elapsed = nanoseconds_since(start);
  });
  set_fork_join_counters(state, elapsed, Tasks());
}

std::int64_t skynet_root() { return skynet(0, current_peer_sizes().skynet_leaves); }
std::int64_t fib_root() { return fib(current_peer_sizes().fib); }

}  // namespace

Peer tbb_peer() {
  Peer peer{
      "tbb",
      {{"name", "oneTBB"},
       {"version", std::string(TBB_VERSION_STRING) + " (runtime " + TBB_runtime_version() + ")"},
       {"runtime", "task_arena(2) under global_control(max_allowed_parallelism, 2)"},
       {"fork_join", "task_group: run the children, wait"}},
      {}};
  add_workloads(peer, {.batch = &batch,
                       .spawn_one = &spawn_one,
                       .skynet = &fork_join<&skynet_root, &skynet_root_tasks, &skynet_expected>,
                       .fib = &fork_join<&fib_root, &fib_root_tasks, &fib_expected>});
  return peer;
}

}  // namespace asyncl::bench::peers
