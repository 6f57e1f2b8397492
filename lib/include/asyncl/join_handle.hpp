#pragma once
// asyncl/join_handle.hpp — JoinHandle<T>, the owner's view of a spawned task or blocking closure.
//
// Defines:
//   asyncl::JoinHandle<T>   returned by spawn and spawn_blocking
//   asyncl::TaskCancelled   thrown when the outcome is read of a task that never completed
//
// `co_await handle` (inside an asyncl task) resumes with the task's result, rethrows the
// exception that left it, or throws TaskCancelled; the outcome can be taken once, by one
// awaiter at a time (a second take, a second concurrent awaiter, or any use of a moved-from
// handle throws std::logic_error). A task's outcome is there once its frame is destroyed: its
// parameters and locals are gone, and so are the blocking closures it submitted.
// `is_finished()` says whether the outcome is there. `abort()` asks the runtime to destroy the
// task's frame at its current suspension point (a task that is running is destroyed when it
// next suspends; a closure on the blocking pool cannot be aborted). Dropping a JoinHandle
// detaches the task: it keeps running.
//
//   asyncl::JoinHandle<int> h = asyncl::spawn(compute());
//   int v = co_await std::move(h);
//
// Thread safety: a JoinHandle is owned by one thread or task at a time; abort() and
// is_finished() may race with the task completing on a worker.

#include <utility>

#include "asyncl/detail/join_state.hpp"
#include "asyncl/detail/task_header.hpp"

namespace asyncl {

template <class T>
class [[nodiscard]] JoinHandle {
 public:
  explicit JoinHandle(detail::JoinState<T>* state) noexcept : state_(state) {}
  JoinHandle(JoinHandle&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  JoinHandle& operator=(JoinHandle&& other) noexcept {
    if (this != &other) {
      reset();
      state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
  }
  JoinHandle(const JoinHandle&) = delete;
  JoinHandle& operator=(const JoinHandle&) = delete;
  ~JoinHandle() { reset(); }

  bool is_finished() const { return state().is_finished(); }
  void abort() { state().abort(); }

  class Awaiter : public detail::OutcomeWait {
   public:
    explicit Awaiter(detail::JoinState<T>* state) noexcept : OutcomeWait(state) {}
    T await_resume() {
      OutcomeWait::await_resume();
      return static_cast<detail::JoinState<T>*>(state_)->take();
    }
  };

  Awaiter operator co_await() && { return Awaiter(&state()); }
  Awaiter operator co_await() & { return Awaiter(&state()); }

  /// Blocks the calling thread until the outcome is there and returns it. Inside a task, or on a
  /// worker, it would block the thread the task needs: std::logic_error, unless the outcome is
  /// already there (then it returns at once).
  T wait() {
    detail::JoinState<T>& s = state();
    if (!s.is_finished()) detail::check_may_block("asyncl::JoinHandle::wait");
    s.wait_blocking();
    return s.take();
  }

 private:
  detail::JoinState<T>& state() const {
    if (state_ == nullptr) detail::throw_moved_from_join_handle();
    return *state_;
  }
  void reset() noexcept {
    if (state_ != nullptr) std::exchange(state_, nullptr)->release();
  }

  detail::JoinState<T>* state_;
};

}  // namespace asyncl
