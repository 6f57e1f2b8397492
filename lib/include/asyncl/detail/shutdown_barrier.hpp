#pragma once
// asyncl/detail/shutdown_barrier.hpp — where every pool thread meets before it may exit.
//
// ShutdownBarrier(n): each of n threads calls arrive_and_wait() once; none returns before all
// n have arrived. It is step 5 of the shutdown protocol (lib/src/scheduler.cpp): after it, a
// pool thread returns from its thread function and its thread-local objects are destroyed.
//
// Memory ordering: everything a thread did before arriving (destroying task frames, writing
// through LocalRefs into other threads' thread-local objects) happens before anything any
// thread does after returning (destroying its own thread-local objects). The chain is:
// arrive (release, on an RMW of `remaining_`) -> the last arrival's RMW reads the final value
// of that release sequence (acquire) -> its store to `open_` (release) -> each waiter's load
// of `open_` (acquire). The orders sit on the atomics themselves, not on standalone fences,
// because ThreadSanitizer understands the former and misreports the latter (docs/hazards.md).

#include <cstdint>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/checks.hpp"
#include "asyncl/detail/mutation.hpp"

namespace asyncl::detail {

class ShutdownBarrier {
 public:
  explicit ShutdownBarrier(std::uint32_t count) : remaining_(count) {
    ASYNCL_INTERNAL_EXPECT(count > 0, "ShutdownBarrier: built for no thread");
  }
  ShutdownBarrier(const ShutdownBarrier&) = delete;
  ShutdownBarrier& operator=(const ShutdownBarrier&) = delete;

  void arrive_and_wait() {
    if (mutated(Mutation::skip_barrier_wait)) return;
    const bool relaxed = mutated(Mutation::relaxed_barrier);
    const auto arrive = relaxed ? std::memory_order_relaxed : std::memory_order_acq_rel;
    const auto open = relaxed ? std::memory_order_relaxed : std::memory_order_release;
    const auto observe = relaxed ? std::memory_order_relaxed : std::memory_order_acquire;
    const std::uint32_t before = remaining_.fetch_sub(1, arrive);
    ASYNCL_INTERNAL_EXPECT(before > 0, "ShutdownBarrier: more arrivals than it was built for");
    if (before == 1) {
      open_.store(1, open);
      open_.notify_all();
      return;
    }
    while (open_.load(observe) == 0) open_.wait(0, observe);
  }

 private:
  Atomic<std::uint32_t> remaining_;
  Atomic<std::uint32_t> open_{0};
};

}  // namespace asyncl::detail
