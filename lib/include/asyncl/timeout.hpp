#pragma once
// asyncl/timeout.hpp — a deadline for a piece of work that cancels the work cleanly.
//
// Defines:
//   asyncl::timeout(d, work)      the work's result, or TimedOut once d has passed
//   asyncl::timeout_at(t, work)   the same with a time point (any clock, as sleep_until)
//   asyncl::TimedOut              a std::runtime_error
//
//   try {
//     Reply r = co_await asyncl::timeout(std::chrono::seconds(2), fetch(url));
//   } catch (const asyncl::TimedOut&) {
//     // fetch() was aborted and its frame destroyed before this line runs
//   }
//
// `work` is a Task<T> or any awaitable (a JoinHandle, a Notify wait, a sleep...). The deadline is
// fixed when timeout() is called, from d with sleep_for's rules: zero, negative and NaN
// durations have passed already; huge ones saturate and never expire.
//
// How it runs: the work runs as a separate task, a child spawned on the current runtime with
// inherit_task_locals (it sees copies of the caller's task-local values, and may run on another
// worker); an awaitable is awaited inside such a child. The caller sleeps until the child
// finishes or the deadline passes, whichever is first (one awaiter registered with both; no
// extra task, no polling). Then:
//   - finished: its outcome is returned (its exception rethrown);
//   - deadline: the child is aborted and awaited, so its frame is destroyed before timeout()
//     throws TimedOut: nothing of the work runs after that. A child that completed before the
//     abort took effect returns its result instead: work that did finish is not reported lost.
//   - a deadline that has passed when timeout() starts: TimedOut at once, the work never starts
//     (a Task is destroyed unstarted); only an awaitable that is ready already (await_ready(),
//     e.g. a finished JoinHandle) gives its result.
// If the task awaiting timeout() is itself destroyed (aborted, runtime shutdown), the child is
// aborted too; its frame is then destroyed by the runtime shortly after, not before.
//
// An awaitable passed as an lvalue is awaited by reference (it stays the caller's: a JoinHandle
// passed that way can still be awaited or aborted after a timeout); an rvalue is moved into the
// child. Awaitables that must be awaited on the thread or in the task that made them are not
// suitable: the child is another task.
//
// Thread safety: timeout() must be awaited inside a task of an asyncl runtime.

#include <chrono>
#include <coroutine>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "asyncl/join_handle.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task.hpp"

namespace asyncl {

/// Thrown by timeout() and timeout_at() when the deadline passed before the work finished.
class TimedOut : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

[[noreturn]] inline void throw_timed_out() {
  throw TimedOut("asyncl: timed out: the work was cancelled at its deadline");
}

/// What `co_await a` would call await_ready/await_resume on (asyncl's awaitables: a member
/// operator co_await, or the object itself).
template <class A>
decltype(auto) awaiter_of(A&& a) {
  if constexpr (MemberCoAwait<A>) {
    return std::forward<A>(a).operator co_await();
  } else {
    return static_cast<A&&>(a);
  }
}
template <class A>
using await_result_t = std::remove_cvref_t<decltype(awaiter_of(std::declval<A>()).await_resume())>;

/// Suspends until `child` finishes or `deadline` passes: registered as the child's waiter and as
/// a timer entry at once. The second of the two wakes can arrive after the first resumed the
/// task and before this awaiter's destructor unregisters it; it then only marks the running
/// task notified, and timeout_at_impl absorbs it (yield_now) before the next suspension.
template <class T>
class RaceAwaiter {
 public:
  using is_asyncl_awaiter = void;
  RaceAwaiter(JoinHandle<T>& child, std::chrono::steady_clock::time_point deadline)
      : join_(child.operator co_await()), sleep_(deadline) {}
  RaceAwaiter(const RaceAwaiter&) = delete;
  RaceAwaiter& operator=(const RaceAwaiter&) = delete;

  bool await_ready() { return join_.await_ready() || sleep_.await_ready(); }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) {
    if (!join_.await_suspend(h)) return false;  // finished meanwhile
    // A wake by the child from here on finds the task running: deferred to its runner.
    sleep_.await_suspend(h);
    return true;
  }
  void await_resume() const noexcept {}  // the destructors unregister both

 private:
  typename JoinHandle<T>::Awaiter join_;
  SleepAwaiter sleep_;
};

template <class T>
class AbortOnExit {
 public:
  explicit AbortOnExit(JoinHandle<T>& child) noexcept : child_(child) {}
  AbortOnExit(const AbortOnExit&) = delete;
  AbortOnExit& operator=(const AbortOnExit&) = delete;
  ~AbortOnExit() { child_.abort(); }  // finished or taken: nothing happens

 private:
  JoinHandle<T>& child_;
};

template <class T>
Task<T> timeout_at_impl(std::chrono::steady_clock::time_point deadline, Task<T> work) {
  using Clock = std::chrono::steady_clock;
  if (deadline <= Clock::now()) throw_timed_out();  // `work` is destroyed unstarted
  JoinHandle<T> child = spawn(std::move(work), inherit_task_locals);
  const AbortOnExit<T> abort_on_exit(child);
  bool finished = false;
  for (;;) {
    co_await RaceAwaiter<T>(child, deadline);
    finished = child.is_finished();
    if (finished || Clock::now() >= deadline) break;
  }
  // Both wakes can have happened only if both conditions hold now (each is checked after its
  // registration is gone): absorb the late one, so it cannot resume the next await early.
  if (finished && Clock::now() >= deadline) co_await yield_now();
  if (!finished) child.abort();
  try {
    co_return co_await child;
  } catch (const TaskCancelled&) {
    if (!finished) throw_timed_out();
    throw;
  }
}

template <class R, class Aw>
Task<R> await_in_task(Aw awaitable) {
  if constexpr (std::is_void_v<R>) {
    co_await static_cast<Aw&&>(awaitable);
  } else {
    co_return co_await static_cast<Aw&&>(awaitable);
  }
}

/// `Aw` is A& for an lvalue (awaited by reference), A for an rvalue (moved into the frame).
template <class R, class Aw>
Task<R> timeout_awaitable(std::chrono::steady_clock::time_point deadline, Aw awaitable) {
  if (deadline <= std::chrono::steady_clock::now()) {
    auto&& awaiter = awaiter_of(static_cast<Aw&&>(awaitable));
    if (!awaiter.await_ready()) throw_timed_out();
    if constexpr (std::is_void_v<R>) {
      awaiter.await_resume();
      co_return;
    } else {
      co_return awaiter.await_resume();
    }
  }
  if constexpr (std::is_void_v<R>) {
    co_await timeout_at_impl(deadline, await_in_task<R, Aw>(static_cast<Aw&&>(awaitable)));
  } else {
    co_return co_await timeout_at_impl(deadline,
                                       await_in_task<R, Aw>(static_cast<Aw&&>(awaitable)));
  }
}

template <class A>
auto timeout_any(std::chrono::steady_clock::time_point deadline, A&& work) {
  if constexpr (IsTask<std::remove_cvref_t<A>>::value) {
    static_assert(!std::is_lvalue_reference_v<A>,
                  "asyncl::timeout takes a Task by value: std::move it");
    return timeout_at_impl(deadline, std::move(work));
  } else {
    using Aw = std::conditional_t<std::is_lvalue_reference_v<A>, A, std::remove_cvref_t<A>>;
    return timeout_awaitable<await_result_t<Aw>, Aw>(deadline, std::forward<A>(work));
  }
}

}  // namespace detail

/// `work`'s result, or TimedOut once `d` has passed (the work then aborted and destroyed).
template <class Rep, class Period, class A>
[[nodiscard]] auto timeout(std::chrono::duration<Rep, Period> d, A&& work) {
  return detail::timeout_any(sleep_for(d).deadline(), std::forward<A>(work));
}

/// timeout() with a deadline: a time point of any clock, converted as sleep_until converts it.
template <class Clock, class Duration, class A>
[[nodiscard]] auto timeout_at(std::chrono::time_point<Clock, Duration> t, A&& work) {
  return detail::timeout_any(sleep_until(t).deadline(), std::forward<A>(work));
}

}  // namespace asyncl
