#pragma once
// Thread churn: the cost of many short-lived threads that each touch a thread-local once, and
// the heap memory that stays allocated after they have all exited.
//
// Defines:
//   asyncl::bench::kChurnThreads        threads per iteration (1,000)
//   asyncl::bench::heap_bytes_in_use()  glibc's count of allocated heap bytes (mallinfo2)
//   asyncl::bench::run_thread_churn()   the benchmark body every churn variant shares
//
// Every variant of "thread/churn" calls run_thread_churn with its own `touch`, so the raw
// baseline and each context mode do exactly the same thread work. Besides the time it reports
// two user counters: retained_bytes, the growth of heap_bytes_in_use() per iteration (that is,
// per kChurnThreads threads, measured after they have all been joined), and
// retained_bytes_per_thread. Leaky mode is expected to retain one allocation per thread and the
// other modes none, but the counters measure it rather than assume it.
//
// Thread safety: run_thread_churn is a benchmark body; Google Benchmark calls it from one thread.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <thread>

namespace asyncl::bench {

inline constexpr int kChurnThreads = 1000;

// Bytes the allocator has handed out and not yet taken back, over all of its arenas (glibc's
// mallinfo2: uordblks + hblkhd). 0 where mallinfo2 does not exist (glibc before 2.33).
std::size_t heap_bytes_in_use() noexcept;

// Starts kChurnThreads threads one after another per iteration, each running `touch()` once and
// exiting, and joins each before starting the next.
template <class Touch>
void run_thread_churn(benchmark::State& state, Touch touch) {
  const std::size_t before = heap_bytes_in_use();
  for (auto _ : state) {
    for (int i = 0; i < kChurnThreads; ++i) {
      std::thread thread(touch);
      thread.join();
    }
  }
  const double retained = static_cast<double>(heap_bytes_in_use()) - static_cast<double>(before);
  state.counters["retained_bytes"] =
      benchmark::Counter(retained, benchmark::Counter::kAvgIterations);
  state.counters["retained_bytes_per_thread"] =
      benchmark::Counter(retained / kChurnThreads, benchmark::Counter::kAvgIterations);
}

}  // namespace asyncl::bench
