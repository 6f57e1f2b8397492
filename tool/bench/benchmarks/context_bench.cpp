// Context<T, Mode> (asyncl/context.hpp), one variant per context mode (leaky, barrier, shared),
// beside a raw baseline that does the same work with a plain thread_local and plain pointers:
//
//   local_ref/create       KEY.local_ref() and the reference's destruction (raw: raw_bench.cpp)
//   local_ref/read         a u64 read through a LocalRef made once before the loop (raw: a pointer)
//   local_ref/increment    a relaxed fetch_add on a std::atomic<u64> through such a LocalRef
//   context/with_async     one `co_await KEY.with_async(fn)`, fn's task reading the u64
//   context/with_blocking  one `co_await KEY.with_blocking(fn)`, fn reading the u64 on the
//                          blocking pool
//   thread/churn           1,000 std::threads one after another, each touching the key once
//                          (thread_churn.hpp; raw: raw_bench.cpp). Leaky and shared only: a
//                          barrier-mode local_ref() on a plain std::thread throws ContextMisuse.
//   thread/churn_pool      the churn every mode can run, barrier included: 1,000 blocking threads
//                          of a fresh runtime, each touching the key once (run_pool_churn below)
//
// Where the loops run. Barrier mode allows local_ref() only on a runtime's threads, so the
// local_ref/* loops run inside block_on of a current-thread runtime, in every mode alike. The
// context/* round trips run on a two-worker multi-thread runtime, the default barrier-protected
// one in every mode: the rendezvous happens only at shutdown, outside the timed loop, so the
// modes differ in the context alone (runtime_bench.cpp measures the rendezvous).
//
// Fairness with raw_bench.cpp's baselines. The read and increment loops hide the LocalRef from
// the optimizer each iteration as the raw loops hide their pointer, so every iteration
// dereferences it afresh; a LocalRef is an object, so it is hidden in memory (escape.hpp's
// hide), and each iteration loads the reference's pointer and then the value. Values read are
// kept with escape.hpp's keep, not benchmark::DoNotOptimize, under which g++ 12 drops the load
// (escape.hpp). Each context/* raw baseline makes the same tasks and pool hand-overs as its
// library variants, around a raw thread_local.

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <latch>
#include <vector>

#include "asyncl/context.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/task.hpp"
#include "asyncl_bench/registry.hpp"
#include "asyncl_bench/thread_churn.hpp"
#include "benchmarks/escape.hpp"

namespace {

using asyncl::mode::leaky;
using asyncl::mode::shared;

template <class Mode>
inline constexpr auto create_key = asyncl::context<std::uint64_t, Mode>("local_ref/create", [] {
  return std::uint64_t{0};
});

template <class Mode>
inline constexpr auto read_key = asyncl::context<std::uint64_t, Mode>("local_ref/read", [] {
  return std::uint64_t{0};
});

template <class Mode>
inline constexpr auto increment_key = asyncl::context<std::atomic<std::uint64_t>, Mode>(
    "local_ref/increment", [] { return std::uint64_t{0}; });

template <class Mode>
inline constexpr auto round_trip_key =
    asyncl::context<std::uint64_t, Mode>("context/round_trip", [] { return std::uint64_t{0}; });

template <class Mode>
inline constexpr auto churn_key = asyncl::context<std::uint64_t, Mode>("thread/churn", [] {
  return std::uint64_t{0};
});

void in_milliseconds(benchmark::internal::Benchmark* benchmark) {
  benchmark->Unit(benchmark::kMillisecond);
}

asyncl::Runtime current_thread_runtime() {
  return asyncl::Runtime::Builder().current_thread().build();
}

asyncl::Runtime two_worker_runtime() {
  return asyncl::Runtime::Builder().worker_threads(2).build();
}

// ── local_ref/create, local_ref/read, local_ref/increment ───────────────────────────────────────

template <class Mode>
asyncl::Task<void> local_ref_create_loop(benchmark::State& state) {
  for (auto _ : state) {
    auto ref = create_key<Mode>.local_ref();
    benchmark::DoNotOptimize(ref);
  }
  co_return;
}

template <class Mode>
void local_ref_create(benchmark::State& state) {
  asyncl::Runtime runtime = current_thread_runtime();
  runtime.block_on(local_ref_create_loop<Mode>(state));
}

// The loops are plain functions given the reference, so they compile as raw_bench.cpp's do.
template <class Mode>
void read_through(benchmark::State& state, asyncl::LocalRef<std::uint64_t, Mode>& ref) {
  for (auto _ : state) {
    asyncl::bench::hide(ref);
    asyncl::bench::keep(*ref);
  }
}

template <class Mode>
void increment_through(benchmark::State& state,
                       asyncl::LocalRef<std::atomic<std::uint64_t>, Mode>& ref) {
  for (auto _ : state) {
    asyncl::bench::hide(ref);
    // Relaxed: nothing is published through the counter; this measures the read-modify-write.
    ref->fetch_add(1, std::memory_order_relaxed);
  }
}

template <class Mode>
asyncl::Task<void> local_ref_read_task(benchmark::State& state) {
  auto ref = read_key<Mode>.local_ref();
  read_through<Mode>(state, ref);
  co_return;
}

template <class Mode>
asyncl::Task<void> local_ref_increment_task(benchmark::State& state) {
  auto ref = increment_key<Mode>.local_ref();
  increment_through<Mode>(state, ref);
  co_return;
}

template <class Mode>
void local_ref_read(benchmark::State& state) {
  asyncl::Runtime runtime = current_thread_runtime();
  runtime.block_on(local_ref_read_task<Mode>(state));
}

template <class Mode>
void local_ref_increment(benchmark::State& state) {
  asyncl::Runtime runtime = current_thread_runtime();
  runtime.block_on(local_ref_increment_task<Mode>(state));
}

// ── context/with_async, context/with_blocking ───────────────────────────────────────────────────

template <class Mode>
asyncl::Task<std::uint64_t> read_value(asyncl::LocalRef<std::uint64_t, Mode>& ref) {
  co_return *ref;
}

template <class Mode>
asyncl::Task<void> with_async_loop(benchmark::State& state) {
  for (auto _ : state) {
    std::uint64_t value = co_await round_trip_key<Mode>.with_async(&read_value<Mode>);
    asyncl::bench::keep(value);
  }
}

template <class Mode>
void with_async_round_trip(benchmark::State& state) {
  asyncl::Runtime runtime = two_worker_runtime();
  runtime.block_on(with_async_loop<Mode>(state));
}

template <class Mode>
asyncl::Task<void> with_blocking_loop(benchmark::State& state) {
  for (auto _ : state) {
    std::uint64_t value =
        co_await round_trip_key<Mode>.with_blocking([](std::uint64_t& object) { return object; });
    asyncl::bench::keep(value);
  }
}

template <class Mode>
void with_blocking_round_trip(benchmark::State& state) {
  asyncl::Runtime runtime = two_worker_runtime();
  runtime.block_on(with_blocking_loop<Mode>(state));
}

// The raw round trips: the same two task frames (with_async: the task that takes the address
// when it starts, and fn's task) and the same blocking-pool hand-over (with_blocking), around a
// thread_local whose address a non-inlined accessor computes (as raw_bench.cpp does).
thread_local std::uint64_t raw_round_trip_value = 0;

[[gnu::noinline]] std::uint64_t* raw_round_trip_address() noexcept {
  std::uint64_t* address = &raw_round_trip_value;
  asm volatile("" : "+r"(address) : : "memory");
  return address;
}

asyncl::Task<std::uint64_t> raw_read_value(std::uint64_t* pointer) { co_return *pointer; }

asyncl::Task<std::uint64_t> raw_with_async() {
  std::uint64_t* pointer = raw_round_trip_address();
  co_return co_await raw_read_value(pointer);
}

asyncl::Task<void> raw_with_async_loop(benchmark::State& state) {
  for (auto _ : state) {
    std::uint64_t value = co_await raw_with_async();
    asyncl::bench::keep(value);
  }
}

void with_async_round_trip_raw(benchmark::State& state) {
  asyncl::Runtime runtime = two_worker_runtime();
  runtime.block_on(raw_with_async_loop(state));
}

asyncl::Task<void> raw_with_blocking_loop(benchmark::State& state) {
  for (auto _ : state) {
    std::uint64_t value =
        co_await asyncl::spawn_blocking([pointer = raw_round_trip_address()] { return *pointer; });
    asyncl::bench::keep(value);
  }
}

void with_blocking_round_trip_raw(benchmark::State& state) {
  asyncl::Runtime runtime = two_worker_runtime();
  runtime.block_on(raw_with_blocking_loop(state));
}

// ── thread/churn, thread/churn_pool ─────────────────────────────────────────────────────────────

template <class Mode>
void touch_churn_key() {
  auto ref = churn_key<Mode>.local_ref();
  *ref += 1;
}

template <class Mode>
void thread_churn(benchmark::State& state) {
  asyncl::bench::run_thread_churn(state, &touch_churn_key<Mode>);
}

// One round of the pool churn: a fresh runtime whose blocking pool may grow to kChurnThreads,
// and kChurnThreads blocking closures that each call touch() and then wait until all of them
// have started. None can finish before the last has started, and a blocking pool starts a new
// thread for a job whenever no thread is idle, so the round runs on kChurnThreads distinct
// threads; all of them exit when the runtime is destroyed (through its shutdown barrier).
template <class Touch>
void pool_churn_round(Touch touch) {
  asyncl::Runtime runtime = asyncl::Runtime::Builder()
                                .current_thread()
                                .max_blocking_threads(asyncl::bench::kChurnThreads)
                                .build();
  std::latch all_started(asyncl::bench::kChurnThreads);
  std::vector<asyncl::JoinHandle<void>> handles;
  handles.reserve(asyncl::bench::kChurnThreads);
  for (int i = 0; i < asyncl::bench::kChurnThreads; ++i) {
    handles.push_back(runtime.spawn_blocking([&all_started, touch] {
      touch();
      all_started.arrive_and_wait();
    }));
  }
  for (asyncl::JoinHandle<void>& handle : handles) handle.wait();
}

// run_thread_churn's measurement (time per round of kChurnThreads threads, retained_bytes and
// retained_bytes_per_thread), with the threads of pool_churn_round. One untimed round comes
// first: kChurnThreads threads alive at once make glibc create its per-thread arenas, which are
// never returned and would otherwise count as retained by whichever variant ran first.
template <class Touch>
void run_pool_churn(benchmark::State& state, Touch touch) {
  pool_churn_round(touch);
  const std::size_t before = asyncl::bench::heap_bytes_in_use();
  for (auto _ : state) pool_churn_round(touch);
  const double retained =
      static_cast<double>(asyncl::bench::heap_bytes_in_use()) - static_cast<double>(before);
  state.counters["retained_bytes"] =
      benchmark::Counter(retained, benchmark::Counter::kAvgIterations);
  state.counters["retained_bytes_per_thread"] = benchmark::Counter(
      retained / asyncl::bench::kChurnThreads, benchmark::Counter::kAvgIterations);
}

template <class Mode>
void pool_churn(benchmark::State& state) {
  run_pool_churn(state, &touch_churn_key<Mode>);
}

thread_local std::uint64_t raw_churn_value = 0;

[[gnu::noinline]] std::uint64_t* raw_churn_address() noexcept {
  std::uint64_t* address = &raw_churn_value;
  asm volatile("" : "+r"(address) : : "memory");
  return address;
}

void pool_churn_raw(benchmark::State& state) {
  run_pool_churn(state, [] { *raw_churn_address() += 1; });
}

}  // namespace

ASYNCL_BENCH_PER_MODE("local_ref/create", local_ref_create);
ASYNCL_BENCH_PER_MODE("local_ref/read", local_ref_read);
ASYNCL_BENCH_PER_MODE("local_ref/increment", local_ref_increment);
ASYNCL_BENCH_PER_MODE("context/with_async", with_async_round_trip);
ASYNCL_BENCH_BASELINE("context/with_async", with_async_round_trip_raw);
ASYNCL_BENCH_PER_MODE("context/with_blocking", with_blocking_round_trip);
ASYNCL_BENCH_BASELINE("context/with_blocking", with_blocking_round_trip_raw);

// Barrier mode is left out of thread/churn on purpose (see the file comment); thread/churn_pool
// has it.
[[maybe_unused]] static const bool kThreadChurnRegistered = asyncl::bench::register_variants(
    "thread/churn", {{"leaky", &thread_churn<leaky>}, {"shared", &thread_churn<shared>}},
    &in_milliseconds);

ASYNCL_BENCH_PER_MODE("thread/churn_pool", pool_churn, &in_milliseconds);
ASYNCL_BENCH_BASELINE("thread/churn_pool", pool_churn_raw, &in_milliseconds);
