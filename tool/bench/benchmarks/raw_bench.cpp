// The raw baselines: the same work as the library benchmarks of each family, done with a plain
// thread_local and plain pointers, so that each mode's cost can be read against the cost of no
// library at all.
//
//   local_ref/create/raw         taking a thread_local's address through a non-inlined accessor
//   local_ref/create_inline/raw  taking it inline, where the compiler may compute it once
//   local_ref/read/raw           a read through a pointer to a thread_local
//   local_ref/increment/raw      a relaxed atomic increment through a pointer to a thread_local
//   thread/churn/raw             1,000 threads each touching a thread_local once (thread_churn.hpp)

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>

#include "asyncl_bench/registry.hpp"
#include "asyncl_bench/thread_churn.hpp"
#include "escape.hpp"

namespace {

thread_local std::uint64_t raw_value = 0;
thread_local std::atomic<std::uint64_t> raw_counter{0};

// The address is taken in a function that is never inlined and whose body holds an empty asm
// with a memory clobber. This is the form that kept a thread-local address from being cached
// across calls on every compiler of this project's toolchain (a non-inlined function alone was not
// enough on clang 14, which merged identical calls), and so the cost a library accessor that must
// not be cached pays: the fair baseline for local_ref().
[[gnu::noinline]] std::uint64_t* raw_value_address() noexcept {
  std::uint64_t* address = &raw_value;
  asm volatile("" : "+r"(address) : : "memory");
  return address;
}

[[gnu::noinline]] std::atomic<std::uint64_t>* raw_counter_address() noexcept {
  std::atomic<std::uint64_t>* address = &raw_counter;
  asm volatile("" : "+r"(address) : : "memory");
  return address;
}

void local_ref_create_raw(benchmark::State& state) {
  for (auto _ : state) {
    std::uint64_t* address = raw_value_address();
    benchmark::DoNotOptimize(address);
  }
}

// The best case: the compiler sees the thread_local directly and may keep its address in a
// register for the whole loop.
void local_ref_create_inline_raw(benchmark::State& state) {
  for (auto _ : state) {
    std::uint64_t* address = &raw_value;
    benchmark::DoNotOptimize(address);
  }
}

void local_ref_read_raw(benchmark::State& state) {
  std::uint64_t* pointer = raw_value_address();
  for (auto _ : state) {
    // The pointer may have changed and the loaded value must exist: one load per iteration
    // (escape.hpp says why not benchmark::DoNotOptimize).
    asyncl::bench::hide(pointer);
    asyncl::bench::keep(*pointer);
  }
}

void local_ref_increment_raw(benchmark::State& state) {
  std::atomic<std::uint64_t>* counter = raw_counter_address();
  for (auto _ : state) {
    asyncl::bench::hide(counter);
    // Relaxed: nothing is published through the counter; this measures the read-modify-write.
    counter->fetch_add(1, std::memory_order_relaxed);
  }
}

void thread_churn_raw(benchmark::State& state) {
  asyncl::bench::run_thread_churn(state, [] { *raw_value_address() += 1; });
}

void in_milliseconds(benchmark::internal::Benchmark* benchmark) {
  benchmark->Unit(benchmark::kMillisecond);
}

}  // namespace

ASYNCL_BENCH_BASELINE("local_ref/create", local_ref_create_raw);
ASYNCL_BENCH_BASELINE("local_ref/create_inline", local_ref_create_inline_raw);
ASYNCL_BENCH_BASELINE("local_ref/read", local_ref_read_raw);
ASYNCL_BENCH_BASELINE("local_ref/increment", local_ref_increment_raw);
ASYNCL_BENCH_BASELINE("thread/churn", thread_churn_raw, in_milliseconds);
