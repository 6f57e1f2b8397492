// The runtime's own costs, on a two-worker multi-thread runtime:
//
//   runtime/spawn_join_batch   from a worker: spawn 100,000 empty tasks, then join them all
//                              (one iteration = the whole batch; divide by 100,000 per task)
//   runtime/spawn_join_one     from a worker: spawn one empty task and await it
//   runtime/yield              one yield_now round trip of a task on a worker
//   runtime/shutdown_100k      destroying a runtime that holds 100,000 tasks suspended forever,
//                              each holding a LocalRef of its variant's mode (barrier or leaky)
//                              (one iteration = one runtime; set-up is not timed)
//
// Variants: "barrier" is the default runtime, whose pool threads rendezvous at shutdown;
// "leaky" is a runtime built with barrier_protected(false), which is what leaky-mode contexts
// permit. Only shutdown differs between the two; the other rows show that the rendezvous costs
// nothing elsewhere.

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "asyncl/context.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl_bench/registry.hpp"

namespace {

constexpr int kBatch = 100'000;

asyncl::Runtime make_runtime(bool barrier_protected) {
  return asyncl::Runtime::Builder().worker_threads(2).barrier_protected(barrier_protected).build();
}

asyncl::Task<void> empty() { co_return; }

template <bool kBarrier>
void spawn_join_batch(benchmark::State& state) {
  asyncl::Runtime rt = make_runtime(kBarrier);
  rt.block_on([](benchmark::State& state) -> asyncl::Task<void> {
    std::vector<asyncl::JoinHandle<void>> handles;
    handles.reserve(kBatch);
    for (auto _ : state) {
      for (int i = 0; i < kBatch; ++i) handles.push_back(asyncl::spawn(empty()));
      for (auto& h : handles) co_await h;
      handles.clear();
    }
  }(state));
  state.SetItemsProcessed(state.iterations() * kBatch);
}

template <bool kBarrier>
void spawn_join_one(benchmark::State& state) {
  asyncl::Runtime rt = make_runtime(kBarrier);
  rt.block_on([](benchmark::State& state) -> asyncl::Task<void> {
    for (auto _ : state) co_await asyncl::spawn(empty());
  }(state));
}

template <bool kBarrier>
void yield_round_trip(benchmark::State& state) {
  asyncl::Runtime rt = make_runtime(kBarrier);
  rt.block_on([](benchmark::State& state) -> asyncl::Task<void> {
    for (auto _ : state) co_await asyncl::yield_now();
  }(state));
}

// The reference each suspended task holds: barrier mode on the barrier-protected runtime, leaky
// mode on the runtime without the rendezvous (a barrier-mode reference is refused there).
template <bool kBarrier>
using HeldMode = std::conditional_t<kBarrier, asyncl::mode::barrier, asyncl::mode::leaky>;

template <bool kBarrier>
inline constexpr auto held_key = asyncl::context<std::uint64_t, HeldMode<kBarrier>>(
    "runtime/shutdown_100k", [] { return std::uint64_t{0}; });

template <bool kBarrier>
asyncl::Task<void> wait_forever(asyncl::Notify& never, std::atomic<int>& started) {
  auto ref = held_key<kBarrier>.local_ref();
  started.fetch_add(1, std::memory_order_relaxed);
  co_await never.wait();
  *ref += 1;  // never reached: the reference is held across the suspension, in the frame
}

template <bool kBarrier>
void shutdown_100k(benchmark::State& state) {
  asyncl::Notify never;
  for (auto _ : state) {
    state.PauseTiming();
    auto rt = std::make_unique<asyncl::Runtime>(make_runtime(kBarrier));
    std::atomic<int> started{0};
    // Every task has started and is suspended when the runtime is dropped.
    rt->block_on([](asyncl::Notify& never, std::atomic<int>& started) -> asyncl::Task<void> {
      for (int i = 0; i < kBatch; ++i) (void)asyncl::spawn(wait_forever<kBarrier>(never, started));
      while (started.load(std::memory_order_relaxed) < kBatch) co_await asyncl::yield_now();
    }(never, started));
    state.ResumeTiming();
    rt.reset();
  }
}

void in_milliseconds(benchmark::internal::Benchmark* b) { b->Unit(benchmark::kMillisecond); }

[[maybe_unused]] const bool kRegistered =
    asyncl::bench::register_variants(
        "runtime/spawn_join_batch",
        {{"barrier", &spawn_join_batch<true>}, {"leaky", &spawn_join_batch<false>}},
        &in_milliseconds) &&
    asyncl::bench::register_variants(
        "runtime/spawn_join_one",
        {{"barrier", &spawn_join_one<true>}, {"leaky", &spawn_join_one<false>}}) &&
    asyncl::bench::register_variants("runtime/yield", {{"barrier", &yield_round_trip<true>},
                                                       {"leaky", &yield_round_trip<false>}}) &&
    asyncl::bench::register_variants(
        "runtime/shutdown_100k",
        {{"barrier", &shutdown_100k<true>}, {"leaky", &shutdown_100k<false>}}, &in_milliseconds);

}  // namespace
