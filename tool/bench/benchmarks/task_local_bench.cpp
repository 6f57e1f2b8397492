// TaskLocal<T> (asyncl/task_local.hpp):
//
//   task_local/with    KEY.with(fn) reading a u64, inside one scope of KEY
//                      raw: a u64 read through a thread_local whose address a non-inlined
//                      accessor computes — the plain-C++ way to reach a per-thread value, and
//                      what with() does at best (one out-of-line call, a test, a compare, a load)
//   task_local/resume  one yield_now round trip of a task that runs inside a scope of KEY
//                      raw: the same task with no scope (the library, without TaskLocal)
//
// Naming. TaskLocal has no context mode. The registry knows only the variants leaky, barrier,
// shared and raw, and `compare` puts a row's modes beside its raw baseline, so each family is
// registered per mode with identical code: the three mode columns measure the same thing, their
// spread against each other is this run's noise, and each mode's ratio to raw is the number
// these rows exist for (for task_local/resume: the per-resume cost of being inside a scope).
// Registering "in scope" and "no scope" as two modes would have named them falsely.
//
// Values read are kept with escape.hpp's keep (benchmark::DoNotOptimize lets g++ 12 drop the
// load). Both run on a current-thread runtime (inside block_on), so that a yield round trip is the
// scheduler's requeue and resume alone, without the cross-thread wake-ups of a multi-thread
// runtime, which would hide a per-resume cost of a few nanoseconds in their noise.

#include <benchmark/benchmark.h>

#include <cstdint>

#include "asyncl/context.hpp"  // asyncl::mode, which ASYNCL_BENCH_PER_MODE names
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task.hpp"
#include "asyncl/task_local.hpp"
#include "asyncl_bench/registry.hpp"
#include "benchmarks/escape.hpp"

namespace {

constinit asyncl::TaskLocal<std::uint64_t> with_key;
constinit asyncl::TaskLocal<std::uint64_t> resume_key;

asyncl::Runtime current_thread_runtime() {
  return asyncl::Runtime::Builder().current_thread().build();
}

// ── task_local/with ─────────────────────────────────────────────────────────────────────────────

asyncl::Task<void> with_loop(benchmark::State& state) {
  for (auto _ : state) {
    std::uint64_t value = with_key.with([](std::uint64_t& held) { return held; });
    asyncl::bench::keep(value);
  }
  co_return;
}

// The mode is not used: see the file comment.
template <class>
void task_local_with(benchmark::State& state) {
  asyncl::Runtime runtime = current_thread_runtime();
  runtime.block_on(with_key.scope(42, with_loop(state)));
}

thread_local std::uint64_t raw_value = 42;

[[gnu::noinline]] std::uint64_t* raw_value_address() noexcept {
  std::uint64_t* address = &raw_value;
  asm volatile("" : "+r"(address) : : "memory");
  return address;
}

void task_local_with_raw(benchmark::State& state) {
  for (auto _ : state) {
    std::uint64_t value = *raw_value_address();
    asyncl::bench::keep(value);
  }
}

// ── task_local/resume ───────────────────────────────────────────────────────────────────────────

asyncl::Task<void> yield_loop(benchmark::State& state) {
  for (auto _ : state) co_await asyncl::yield_now();
}

// The mode is not used: see the file comment.
template <class>
void resume_in_scope(benchmark::State& state) {
  asyncl::Runtime runtime = current_thread_runtime();
  runtime.block_on(resume_key.scope(1, yield_loop(state)));
}

void resume_no_scope(benchmark::State& state) {
  asyncl::Runtime runtime = current_thread_runtime();
  runtime.block_on(yield_loop(state));
}

}  // namespace

ASYNCL_BENCH_PER_MODE("task_local/with", task_local_with);
ASYNCL_BENCH_BASELINE("task_local/with", task_local_with_raw);
ASYNCL_BENCH_PER_MODE("task_local/resume", resume_in_scope);
ASYNCL_BENCH_BASELINE("task_local/resume", resume_no_scope);
