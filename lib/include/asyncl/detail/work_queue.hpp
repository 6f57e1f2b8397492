#pragma once
// asyncl/detail/work_queue.hpp — the run queues of the multi-thread scheduler.
//
//   LocalQueue<T, N>  one per worker: a ring of N task pointers. The owner pushes and pops at
//                     the back and front; other workers steal half of it from the front.
//   Injector<T>       the global queue: an unbounded intrusive FIFO (T has `Var<T*> queue_next`)
//                     for tasks pushed from outside the workers and for local overflow.
//
// Invariants: a task pointer is in at most one queue at a time (TaskState::kScheduled says which
// thread put it there); a popped or stolen pointer is owned by the thread that took it.
//
// Both are guarded by a mutex: correctness first, and ThreadSanitizer and Relacy both check it
// as it is. `size()` is an atomic hint read without the lock, used only to decide whether to look
// (an idle worker re-checks under the idle protocol before it parks, see idle_set.hpp).

#include <array>
#include <cstddef>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/checks.hpp"
#include "asyncl/detail/mutation.hpp"

namespace asyncl::detail {

template <class T, std::size_t N>
class LocalQueue {
  static_assert((N & (N - 1)) == 0, "capacity must be a power of two");

 public:
  /// Owner only. False when full: the caller sends the task to the Injector instead.
  bool push(T* task) {
    ASYNCL_INTERNAL_EXPECT(task != nullptr, "LocalQueue::push: a null task");
    LockGuard lock(mutex_);
    const std::size_t head = head_.load();
    const std::size_t tail = tail_.load();
    if (tail - head == N) return false;
    slots_[tail & (N - 1)].store(task);
    tail_.store(tail + 1);
    // Relaxed: a hint; the task itself is published by the mutex.
    size_.store(tail + 1 - head, std::memory_order_relaxed);
    return true;
  }

  /// Owner only. Oldest first, so a task that yields goes behind the ones already waiting.
  T* pop() {
    LockGuard lock(mutex_);
    return take_front();
  }

  /// Any worker: moves the older half of this queue into `into` (the thief's own queue, which
  /// the thief owns and which is empty) and returns one more task to run at once, or nullptr.
  T* steal_into(LocalQueue& into) {
    ASYNCL_INTERNAL_EXPECT(&into != this, "LocalQueue::steal_into: a worker steals from itself");
    // The stolen half is collected under the victim's lock and pushed under the thief's lock,
    // never both at once: two workers stealing from each other would otherwise deadlock.
    std::array<T*, N / 2> stolen;
    std::size_t count = 0;
    T* first = nullptr;
    if (mutated(Mutation::queue_steal_unlocked)) {
      // Mutant queue_steal_unlocked: the thief reads and writes the victim's ring without its lock.
      first = take_half(stolen, count);
    } else {
      LockGuard lock(mutex_);
      first = take_half(stolen, count);
    }
    if (count > 0) {
      LockGuard lock(into.mutex_);
      ASYNCL_INTERNAL_EXPECT(into.tail_.load() == into.head_.load(),
                             "LocalQueue::steal_into: the thief's own queue is not empty");
      for (std::size_t i = 0; i < count; ++i) {
        const std::size_t tail = into.tail_.load();
        into.slots_[tail & (N - 1)].store(stolen[i]);
        into.tail_.store(tail + 1);
      }
      into.size_.store(into.tail_.load() - into.head_.load(), std::memory_order_relaxed);
    }
    return first;
  }

  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  /// With mutex_ held (but by the mutant): takes the oldest task to return, and half of the
  /// rest into `stolen`.
  T* take_half(std::array<T*, N / 2>& stolen, std::size_t& count) {
    const std::size_t available = tail_.load() - head_.load();
    if (available == 0) return nullptr;
    T* first = take_front();
    for (std::size_t moving = available / 2; moving > 0; --moving) stolen[count++] = take_front();
    return first;
  }

  T* take_front() {
    const std::size_t head = head_.load();
    const std::size_t tail = tail_.load();
    if (head == tail) return nullptr;
    T* task = slots_[head & (N - 1)].load();
    head_.store(head + 1);
    size_.store(tail - head - 1, std::memory_order_relaxed);
    return task;
  }

  Mutex mutex_;
  Var<std::size_t> head_{0};
  Var<std::size_t> tail_{0};
  std::array<Var<T*>, N> slots_{};
  Atomic<std::size_t> size_{0};
};

template <class T>
class Injector {
 public:
  void push(T* task) {
    ASYNCL_INTERNAL_EXPECT(task != nullptr, "Injector::push: a null task");
    LockGuard lock(mutex_);
    task->queue_next.store(nullptr);
    if (T* tail = tail_.load()) {
      tail->queue_next.store(task);
    } else {
      head_.store(task);
    }
    tail_.store(task);
    size_.store(size_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  T* pop() {
    LockGuard lock(mutex_);
    T* task = head_.load();
    if (task == nullptr) return nullptr;
    head_.store(task->queue_next.load());
    if (head_.load() == nullptr) tail_.store(nullptr);
    size_.store(size_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    return task;
  }

  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  Mutex mutex_;
  Var<T*> head_{nullptr};
  Var<T*> tail_{nullptr};
  Atomic<std::size_t> size_{0};
};

}  // namespace asyncl::detail
