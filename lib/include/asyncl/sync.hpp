#pragma once
// asyncl/sync.hpp — the awaitables tasks need to give way, wait for time, and wait for each other.
//
// Defines:
//   asyncl::yield_now()     suspends and requeues the task behind the work already waiting
//   asyncl::sleep_for(d)    suspends for at least d, driven by the runtime's timer thread
//   asyncl::sleep_until(t)  suspends until the time point t (any clock; steady_clock directly)
//   asyncl::Notify          wakes one or all waiting tasks; notify_one stores a permit if none
//   waits
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
// Once a notification has woken a task, that task no longer waits: the Notify may be destroyed
// before the woken task runs.

#include <chrono>
#include <coroutine>
#include <type_traits>
#include <utility>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/runtime_core.hpp"
#include "asyncl/detail/task_header.hpp"

namespace asyncl {

class YieldAwaiter {
 public:
  using is_asyncl_awaiter = void;
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

namespace detail {

/// `d` as a steady_clock duration, saturated at the duration's limits instead of overflowing;
/// NaN is zero.
template <class Rep, class Period>
constexpr std::chrono::steady_clock::duration saturating_steady_duration(
    std::chrono::duration<Rep, Period> d) {
  using Steady = std::chrono::steady_clock::duration;
  using Wide = std::chrono::duration<long double, typename Steady::period>;
  const Wide wide =
      std::chrono::duration_cast<Wide>(std::chrono::duration<long double, Period>(d.count()));
  if (!(wide == wide)) return Steady::zero();
  if (wide >= Wide(static_cast<long double>(Steady::max().count()))) return Steady::max();
  if (wide <= Wide(static_cast<long double>(Steady::min().count()))) return Steady::min();
  return std::chrono::duration_cast<Steady>(wide);
}

/// now + d, saturated at the time point's limits.
inline std::chrono::steady_clock::time_point saturating_deadline(
    std::chrono::steady_clock::time_point now, std::chrono::steady_clock::duration d) {
  using TimePoint = std::chrono::steady_clock::time_point;
  const auto since_epoch = now.time_since_epoch();
  if (d > d.zero() && since_epoch > TimePoint::duration::max() - d) return TimePoint::max();
  if (d < d.zero() && since_epoch < TimePoint::duration::min() - d) return TimePoint::min();
  return now + d;
}

}  // namespace detail

/// Suspends the task until its deadline. A deadline that has passed completes at once, without
/// suspending and without a timer; the largest deadline (time_point::max(), where huge
/// durations saturate) never fires, and the task sleeps until it is aborted or shut down.
class SleepAwaiter {
 public:
  using is_asyncl_awaiter = void;
  explicit SleepAwaiter(std::chrono::steady_clock::time_point deadline) noexcept
      : deadline_(deadline) {}
  SleepAwaiter(SleepAwaiter&& other) noexcept : deadline_(other.deadline_) {}
  SleepAwaiter& operator=(SleepAwaiter&&) = delete;
  ~SleepAwaiter() {
    if (runtime_ != nullptr) runtime_->remove_timer(entry_);
  }

  std::chrono::steady_clock::time_point deadline() const noexcept { return deadline_; }

  bool await_ready() const noexcept { return deadline_ <= std::chrono::steady_clock::now(); }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    entry_.task = detail::suspend_point(h);
    entry_.deadline = deadline_;
    runtime_ = entry_.task->runtime;
    runtime_->add_timer(entry_);
  }
  void await_resume() noexcept {
    // Null when await_ready() said the deadline had passed: nothing was registered.
    if (runtime_ != nullptr) std::exchange(runtime_, nullptr)->remove_timer(entry_);
  }

 private:
  std::chrono::steady_clock::time_point deadline_;
  detail::TimerEntry entry_;
  detail::RuntimeCore* runtime_ = nullptr;
};

/// Sleeps for at least `d` from now. Zero, negative and NaN durations complete at once; a
/// duration too large for the steady clock sleeps until the task is aborted or shut down.
template <class Rep, class Period>
[[nodiscard]] SleepAwaiter sleep_for(std::chrono::duration<Rep, Period> d) {
  return SleepAwaiter(detail::saturating_deadline(std::chrono::steady_clock::now(),
                                                  detail::saturating_steady_duration(d)));
}

/// Sleeps until `t`, with sleep_for's rules. A time point of another clock is converted
/// through the time left until it, measured on that clock now.
template <class Clock, class Duration>
[[nodiscard]] SleepAwaiter sleep_until(std::chrono::time_point<Clock, Duration> t) {
  if constexpr (std::is_same_v<Clock, std::chrono::steady_clock>) {
    // Saturated in long double: comparing with the clock's own limits in the common unit of
    // the two durations overflows (hours::max() in nanoseconds, nanoseconds::max() in
    // picoseconds).
    return SleepAwaiter(std::chrono::steady_clock::time_point(
        detail::saturating_steady_duration(t.time_since_epoch())));
  } else {
    // In long double: the difference of two extreme time points overflows their own type.
    using Wide = std::chrono::duration<long double, typename Duration::period>;
    const Wide until = Wide(static_cast<long double>(t.time_since_epoch().count())) -
                       std::chrono::duration_cast<Wide>(Clock::now().time_since_epoch());
    const auto left = detail::saturating_steady_duration(until);
    return SleepAwaiter(detail::saturating_deadline(std::chrono::steady_clock::now(), left));
  }
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
    using is_asyncl_awaiter = void;
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
    // idle: never linked (a permit let it pass). waiting: linked in the Notify. leaving: its
    // destructor took it back and unlinks it under the mutex. notifying: a notifier took it
    // and is waking its task. notified: the notifier is done with it (and with the Notify, for
    // all this awaiter cares: its destructor does not touch the Notify any more).
    enum State : unsigned char { idle, waiting, leaving, notifying, notified };

    Notify& notify_;
    detail::TaskHeader* task_ = nullptr;
    WaitAwaiter* prev_ = nullptr;  // guarded by notify_.mutex_
    WaitAwaiter* next_ = nullptr;
    detail::Atomic<unsigned char> state_{idle};
  };

  [[nodiscard]] WaitAwaiter wait() noexcept { return WaitAwaiter(*this); }

 private:
  /// False if a permit was taken (do not suspend).
  bool enqueue(WaitAwaiter& waiter, detail::TaskHeader* task);
  void unlink_locked(WaitAwaiter& waiter) noexcept;
  /// Takes `waiter` out of the list to wake it, unless its destructor is taking it back; false
  /// then. With mutex_ held.
  bool claim_locked(WaitAwaiter& waiter);
  /// Wakes a claimed waiter. Called after mutex_ is unlocked: once the task is woken it may
  /// destroy this Notify, so nothing of it may be touched afterwards.
  static void wake_claimed(WaitAwaiter& waiter);

  detail::Mutex mutex_;
  WaitAwaiter* head_ = nullptr;
  WaitAwaiter* tail_ = nullptr;
  bool permit_ = false;
};

}  // namespace asyncl
