#pragma once
// asyncl/sync.hpp — the awaitables tasks need to give way, wait for time, and wait for each other.
//
// Defines:
//   asyncl::yield_now()     suspends and requeues the task behind the work already waiting
//   asyncl::sleep_for(d)    suspends for at least d, driven by the runtime's timer thread
//   asyncl::Notify          wakes one or all waiting tasks; notify_one stores a permit if none waits
//
//   asyncl::Notify ready;
//   co_await ready.wait();        // in one task
//   ready.notify_one();           // anywhere, any thread
//
// They can be awaited only inside an asyncl::Task run by an asyncl runtime (a static_assert says
// so for other coroutine types; a task driven by a foreign executor aborts with a message).
// A task destroyed while it waits (abort, shutdown) unregisters first: nothing wakes a dead frame.
//
// Thread safety: Notify may be used from any thread; it must outlive the tasks waiting on it.

#include <chrono>
#include <coroutine>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/runtime_core.hpp"
#include "asyncl/detail/task_header.hpp"

namespace asyncl {

class YieldAwaiter {
 public:
  YieldAwaiter() noexcept = default;
  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    // The task is running, so this only marks it notified: its worker requeues it once the
    // frame is fully suspended.
    detail::wake(detail::suspend_point(h));
  }
  void await_resume() const noexcept {}
};

[[nodiscard]] inline YieldAwaiter yield_now() noexcept { return YieldAwaiter(); }

class SleepAwaiter {
 public:
  explicit SleepAwaiter(std::chrono::steady_clock::duration d) noexcept : duration_(d) {}
  SleepAwaiter(SleepAwaiter&& other) noexcept : duration_(other.duration_) {}
  SleepAwaiter& operator=(SleepAwaiter&&) = delete;
  ~SleepAwaiter() {
    if (runtime_ != nullptr) runtime_->remove_timer(entry_);
  }

  bool await_ready() const noexcept { return duration_ <= std::chrono::steady_clock::duration::zero(); }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    entry_.task = detail::suspend_point(h);
    entry_.deadline = std::chrono::steady_clock::now() + duration_;
    runtime_ = entry_.task->runtime;
    runtime_->add_timer(entry_);
  }
  void await_resume() noexcept {
    runtime_->remove_timer(entry_);
    runtime_ = nullptr;
  }

 private:
  std::chrono::steady_clock::duration duration_;
  detail::TimerEntry entry_;
  detail::RuntimeCore* runtime_ = nullptr;
};

template <class Rep, class Period>
[[nodiscard]] SleepAwaiter sleep_for(std::chrono::duration<Rep, Period> d) noexcept {
  return SleepAwaiter(std::chrono::duration_cast<std::chrono::steady_clock::duration>(d));
}

class Notify {
 public:
  Notify() = default;
  Notify(const Notify&) = delete;
  Notify& operator=(const Notify&) = delete;
  ~Notify();

  /// Wakes the longest-waiting task, or, if none waits, lets the next wait() pass at once.
  void notify_one();
  /// Wakes every task waiting now; stores no permit.
  void notify_all();

  class WaitAwaiter {
   public:
    explicit WaitAwaiter(Notify& notify) noexcept : notify_(notify) {}
    WaitAwaiter(WaitAwaiter&& other) noexcept : notify_(other.notify_) {}
    WaitAwaiter& operator=(WaitAwaiter&&) = delete;
    ~WaitAwaiter();

    bool await_ready() const noexcept { return false; }
    template <class P>
    bool await_suspend(std::coroutine_handle<P> h) {
      return notify_.enqueue(*this, detail::suspend_point(h));
    }
    void await_resume() const noexcept {}

   private:
    friend class Notify;
    Notify& notify_;
    detail::TaskHeader* task_ = nullptr;
    WaitAwaiter* prev_ = nullptr;  // guarded by notify_.mutex_
    WaitAwaiter* next_ = nullptr;
    bool linked_ = false;
  };

  [[nodiscard]] WaitAwaiter wait() noexcept { return WaitAwaiter(*this); }

 private:
  /// False if a permit was taken (do not suspend).
  bool enqueue(WaitAwaiter& waiter, detail::TaskHeader* task);
  void unlink_locked(WaitAwaiter& waiter) noexcept;

  detail::Mutex mutex_;
  WaitAwaiter* head_ = nullptr;
  WaitAwaiter* tail_ = nullptr;
  bool permit_ = false;
};

}  // namespace asyncl
