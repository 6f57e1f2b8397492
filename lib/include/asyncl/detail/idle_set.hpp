#pragma once
// asyncl/detail/idle_set.hpp — parks idle worker threads and wakes them for new work.
//
// No busy spinning: a worker that finds no work parks on a condition variable. The protocol
// must never lose a wakeup (a task pushed while every worker goes to sleep):
//
//   worker:  announce (RMW on sleepers_) -> look at the queues again -> sleep until a permit
//   pusher:  publish the task            -> read sleepers_ with an RMW -> if > 0, grant a permit
//
// Both sides use acq_rel read-modify-writes of the same atomic, which are totally ordered.
// If the pusher's RMW comes first, the worker's RMW reads it and so sees the task when it looks
// again; if the worker's comes first, the pusher reads a count that includes the worker and
// grants a permit. Permits are counted under the mutex, so a permit granted before the worker
// reaches wait() is not lost either. (A plain load on the pusher side would not do: store-load
// reordering could hide each side from the other.)

#include <cstdint>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/mutation.hpp"

namespace asyncl::detail {

class IdleSet {
 public:
  explicit IdleSet(std::uint32_t max_permits) : max_permits_(max_permits) {}

  /// Worker: parks until notify_one()/close(), unless `has_work()` turns true once announced.
  template <class HasWork>
  void park(HasWork&& has_work) {
    sleepers_.fetch_add(1, std::memory_order_acq_rel);
    if (!has_work()) {
      LockGuard lock(mutex_);
      while (permits_.load() == 0 && !closed_.load()) cv_.wait(mutex_);
      if (permits_.load() > 0) permits_.store(permits_.load() - 1);
    }
    sleepers_.fetch_sub(1, std::memory_order_acq_rel);
  }

  /// Pusher: call after publishing work.
  void notify_one() {
    // Mutant idle_lost_wakeup: a plain load may read a count from before a worker announced.
    const std::uint32_t sleepers = mutated(Mutation::idle_lost_wakeup)
                                       ? sleepers_.load(std::memory_order_acquire)
                                       : sleepers_.fetch_add(0, std::memory_order_acq_rel);
    if (sleepers == 0) return;
    {
      LockGuard lock(mutex_);
      if (permits_.load() < max_permits_) permits_.store(permits_.load() + 1);
    }
    cv_.notify_one();
  }

  /// Wakes every parked worker, now and in the future.
  void close() {
    {
      LockGuard lock(mutex_);
      closed_.store(true);
    }
    cv_.notify_all();
  }

  /// Undoes close() (the current-thread runtime parks again in the next block_on).
  void reopen() {
    LockGuard lock(mutex_);
    closed_.store(false);
  }

 private:
  const std::uint32_t max_permits_;
  Atomic<std::uint32_t> sleepers_{0};
  Mutex mutex_;
  CondVar cv_;
  Var<std::uint32_t> permits_{0};
  Var<bool> closed_{false};
};

}  // namespace asyncl::detail
