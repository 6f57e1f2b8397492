// The asyncl peer: the workloads of asyncl_bench/peers.hpp through the public API only, on a
// multi-thread runtime with two workers. Each loop runs inside block_on's task, on a worker;
// children are spawned with asyncl::spawn and joined by awaiting their JoinHandles.

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "allocation_counter.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl_bench/build_info.hpp"
#include "peer_benchmarks.hpp"

namespace asyncl::bench::peers {
namespace {

using Clock = std::chrono::steady_clock;

asyncl::Runtime make_runtime() {
  return asyncl::Runtime::Builder().worker_threads(kWorkers).build();
}

asyncl::Task<void> empty() { co_return; }

void batch(benchmark::State& state) {
  const std::int64_t n = current_peer_sizes().batch;
  asyncl::Runtime rt = make_runtime();
  const double elapsed =
      rt.block_on([](benchmark::State& state, std::int64_t n) -> asyncl::Task<double> {
        std::vector<asyncl::JoinHandle<void>> handles;
        handles.reserve(static_cast<std::size_t>(n));
        const auto start = Clock::now();
        for (auto _ : state) {
          for (std::int64_t i = 0; i < n; ++i) handles.push_back(asyncl::spawn(empty()));
          for (auto& handle : handles) co_await handle;
          handles.clear();
        }
        co_return nanoseconds_since(start);
      }(state, n));
  set_per_task_counter(state, elapsed, n);
}

void spawn_one(benchmark::State& state) {
  asyncl::Runtime rt = make_runtime();
  rt.block_on([](benchmark::State& state) -> asyncl::Task<void> {
    for (auto _ : state) co_await asyncl::spawn(empty());
  }(state));
}

void yield_round_trip(benchmark::State& state) {
  asyncl::Runtime rt = make_runtime();
  rt.block_on([](benchmark::State& state) -> asyncl::Task<void> {
    for (auto _ : state) co_await asyncl::yield_now();
  }(state));
}

asyncl::Task<void> wait_forever(asyncl::Notify& never, std::atomic<std::int64_t>& started) {
  started.fetch_add(1, std::memory_order_relaxed);
  co_await never.wait();
}

// The runtime is dropped with every task started and suspended on a Notify nobody notifies.
void shutdown(benchmark::State& state) {
  const std::int64_t n = current_peer_sizes().shutdown;
  asyncl::Notify never;
  for (auto _ : state) {
    state.PauseTiming();
    auto rt = std::make_unique<asyncl::Runtime>(make_runtime());
    std::atomic<std::int64_t> started{0};
    rt->block_on([](asyncl::Notify& never, std::atomic<std::int64_t>& started,
                    std::int64_t n) -> asyncl::Task<void> {
      for (std::int64_t i = 0; i < n; ++i) (void)asyncl::spawn(wait_forever(never, started));
      while (started.load(std::memory_order_relaxed) < n) co_await asyncl::yield_now();
    }(never, started, n));
    state.ResumeTiming();
    rt.reset();
  }
}

asyncl::Task<std::int64_t> skynet(std::int64_t num, std::int64_t size) {
  if (size == 1) co_return num;
  const std::int64_t child = size / 10;
  std::array<std::optional<asyncl::JoinHandle<std::int64_t>>, 10> children;
  for (std::int64_t i = 0; i < 10; ++i)
    children[i].emplace(asyncl::spawn(skynet(num + i * child, child)));
  std::int64_t sum = 0;
  for (auto& handle : children) sum += co_await *handle;
  co_return sum;
}

asyncl::Task<std::int64_t> fib(int n) {
  if (n < 2) co_return n;
  asyncl::JoinHandle<std::int64_t> child = asyncl::spawn(fib(n - 1));
  const std::int64_t inline_part = co_await fib(n - 2);
  co_return inline_part + co_await child;
}

template <asyncl::Task<std::int64_t> (*Root)(), std::int64_t (*Tasks)(), std::int64_t (*Expected)()>
void fork_join(benchmark::State& state) {
  asyncl::Runtime rt = make_runtime();
  const double elapsed = rt.block_on([](benchmark::State& state) -> asyncl::Task<double> {
    const auto start = Clock::now();
    for (auto _ : state) {
      const std::int64_t result = co_await Root();
      if (result != Expected()) state.SkipWithError("wrong result");
    }
    co_return nanoseconds_since(start);
  }(state));
  set_fork_join_counters(state, elapsed, Tasks());
}

asyncl::Task<std::int64_t> skynet_root() { return skynet(0, current_peer_sizes().skynet_leaves); }
asyncl::Task<std::int64_t> fib_root() { return fib(current_peer_sizes().fib); }

void memory(benchmark::State& state) {
  const std::int64_t n = current_peer_sizes().memory;
  asyncl::Runtime rt = make_runtime();
  const std::uint64_t bytes =
      rt.block_on([](benchmark::State& state, std::int64_t n) -> asyncl::Task<std::uint64_t> {
        std::vector<asyncl::JoinHandle<void>> handles;
        handles.reserve(static_cast<std::size_t>(n));
        std::uint64_t bytes = 0;
        for (auto _ : state) {
          start_counting_allocations();
          for (std::int64_t i = 0; i < n; ++i) handles.push_back(asyncl::spawn(empty()));
          for (auto& handle : handles) co_await handle;
          bytes += stop_counting_allocations();
          handles.clear();
        }
        co_return bytes;
      }(state, n));
  state.counters["bytes_per_task"] =
      static_cast<double>(bytes) /
      (static_cast<double>(state.iterations()) * static_cast<double>(n));
}

}  // namespace

Peer asyncl_peer() {
  Peer peer{"asyncl",
            {{"version", std::string(build_info().version)},
             {"runtime", "Runtime::Builder().worker_threads(2)"},
             {"fork_join", "asyncl::spawn, then co_await of each JoinHandle"}},
            {}};
  add_workloads(peer, {.batch = &batch,
                       .spawn_one = &spawn_one,
                       .yield = &yield_round_trip,
                       .shutdown = &shutdown,
                       .skynet = &fork_join<&skynet_root, &skynet_root_tasks, &skynet_expected>,
                       .fib = &fork_join<&fib_root, &fib_root_tasks, &fib_expected>,
                       .memory = &memory});
  return peer;
}

}  // namespace asyncl::bench::peers
