#pragma once
// asyncl/detail/atomics.hpp — the one set of synchronization names the protocol code uses.
//
// The shutdown barrier, the task state machine, the work queue, the idle set and the task-local
// swap are written against these names only. Normally they are the standard library's types;
// under ASYNCL_RELACY they become Relacy's (atomics_relacy.hpp, same names and members), so the
// models in scenarios/models check the real protocol code rather than a copy of it.
//
//   Atomic<T>    std::atomic<T> (load/store/exchange/compare_exchange_*/fetch_*/wait/notify_*)
//   Var<T>       plain data shared between threads under some other ordering: load()/store()
//   Mutex        lock()/unlock()/try_lock(); use LockGuard
//   LockGuard    scoped lock of a Mutex
//   CondVar      wait(Mutex&) / wait_until(Mutex&, deadline) with the mutex held, notify_one(),
//                notify_all()
//   spin_pause() a hint inside a spin loop (under Relacy: the scheduling point a spin needs)
//   SpinLock     lock()/unlock() on one Atomic<bool>, for critical sections of a few stores

#if defined(ASYNCL_RELACY)
#include "asyncl/detail/atomics_relacy.hpp"
#else

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace asyncl::detail {

template <class T>
using Atomic = std::atomic<T>;

/// Plain data that more than one thread touches; whatever orders the accesses lives elsewhere
/// (a mutex, an acquire/release pair). Only a name here; Relacy checks it for data races.
template <class T>
class Var {
 public:
  Var() = default;
  explicit Var(T value) : value_(std::move(value)) {}
  T load() const { return value_; }
  void store(T value) { value_ = std::move(value); }

 private:
  T value_{};
};

class Mutex {
 public:
  void lock() { mutex_.lock(); }
  void unlock() { mutex_.unlock(); }
  bool try_lock() { return mutex_.try_lock(); }
  std::mutex& native() { return mutex_; }

 private:
  std::mutex mutex_;
};

using LockGuard = std::lock_guard<Mutex>;

class CondVar {
 public:
  /// Waits with `mutex` held by the caller; it is held again on return. Spurious wakeups happen.
  void wait(Mutex& mutex) {
    std::unique_lock<std::mutex> lock(mutex.native(), std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  template <class Clock, class Duration>
  void wait_until(Mutex& mutex, const std::chrono::time_point<Clock, Duration>& deadline) {
    std::unique_lock<std::mutex> lock(mutex.native(), std::adopt_lock);
    cv_.wait_until(lock, deadline);
    lock.release();
  }
  void notify_one() { cv_.notify_one(); }
  void notify_all() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

inline void spin_pause() { std::this_thread::yield(); }

}  // namespace asyncl::detail

#endif

namespace asyncl::detail {

/// A lock for critical sections of a few stores (a JoinState, a registry shard), where a mutex's
/// call and its two read-modify-writes cost more than the section: test-and-test-and-set,
/// yielding while another thread holds it. Acquire/release on one atomic, so ThreadSanitizer and
/// Relacy see the edges. Not for sections that block.
class SpinLock {
 public:
  void lock() noexcept {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      while (locked_.load(std::memory_order_relaxed)) spin_pause();
    }
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  Atomic<bool> locked_{false};
};

}  // namespace asyncl::detail
