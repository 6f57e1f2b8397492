#pragma once
// asyncl/detail/join_state.hpp — where a spawned task (or blocking closure) leaves its outcome.
//
// Shared by the producer (the task's root frame, or a blocking job) and the JoinHandle, each
// holding one reference. Everything but the reference count is guarded by `mutex_`; a task that
// awaits the outcome registers as the waiter and is woken under the same mutex, so a waiter
// whose frame is being destroyed (it unregisters under the mutex first) is never woken.

#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/task_header.hpp"

namespace asyncl {

/// Thrown when awaiting the outcome of a task that never completed: aborted, destroyed by
/// runtime shutdown, or rejected because it was spawned while the runtime was shutting down.
class TaskCancelled : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

/// JoinHandle::wait() would block a thread that runs tasks (a worker, or the owner inside
/// block_on): throws std::logic_error there. Defined in runtime.cpp.
void check_may_block(const char* caller);
[[noreturn]] void throw_moved_from_join_handle();

class JoinStateBase {
 public:
  enum class Status : unsigned char { pending, completed, failed, cancelled, aborted, rejected };

  JoinStateBase() = default;
  JoinStateBase(const JoinStateBase&) = delete;
  JoinStateBase& operator=(const JoinStateBase&) = delete;

  void release() noexcept {
    // acq_rel: the last holder must see every write of the other before deleting.
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  bool is_finished() {
    LockGuard lock(mutex_);
    return status_ != Status::pending;
  }

  /// Registers `task` to be woken when the outcome is there; false if it already is. One task
  /// at a time: a second awaiter would take the first one's slot, and the first would never wake.
  bool register_waiter(TaskHeader* task) {
    LockGuard lock(mutex_);
    if (status_ != Status::pending) return false;
    if (waiter_ != nullptr && waiter_ != task) {
      throw std::logic_error(
          "asyncl: a JoinHandle was awaited by two tasks at once; its outcome "
          "can be read only once");
    }
    waiter_ = task;
    return true;
  }
  void unregister_waiter(TaskHeader* task) {
    LockGuard lock(mutex_);
    if (waiter_ == task) waiter_ = nullptr;
  }

  /// Blocks the calling thread (not a task) until the outcome is there.
  void wait_blocking() {
    LockGuard lock(mutex_);
    while (status_ == Status::pending) cv_.wait(mutex_);
  }

  void abort() {
    LockGuard lock(mutex_);
    aborted_ = true;
    if (task_ != nullptr && task_->state.cancel()) schedule(task_);
  }

  /// The producing task's frame: set while it lives, cleared before it is destroyed.
  void attach_task(TaskHeader* task) {
    LockGuard lock(mutex_);
    task_ = task;
  }

  /// The producing task's frame is being destroyed: abort() must not reach it any more.
  void detach_task() {
    LockGuard lock(mutex_);
    task_ = nullptr;
  }

  /// The producer is gone: a task frame destroyed, a blocking job dropped or rejected. Records
  /// `status` unless an outcome is already there.
  void producer_gone(Status status) {
    LockGuard lock(mutex_);
    task_ = nullptr;
    if (status_ == Status::pending) finish_locked(aborted_ ? Status::aborted : status);
  }

  void fail(std::exception_ptr error) {
    LockGuard lock(mutex_);
    error_ = std::move(error);
    finish_locked(Status::failed);
  }

 protected:
  virtual ~JoinStateBase() = default;

  void finish_locked(Status status) {
    status_ = status;
    if (waiter_ != nullptr) {
      wake(std::exchange(waiter_, nullptr));
    }
    cv_.notify_all();
  }

  /// Marks the outcome taken and throws the failure, if any. Called with the outcome there
  /// (after wait or wake), with mutex_ held.
  void take_outcome_locked() {
    if (taken_) {
      throw std::logic_error(
          "asyncl: the outcome of a JoinHandle was already taken; it can be "
          "read only once");
    }
    taken_ = true;
    switch (status_) {
      case Status::completed:
        return;
      case Status::failed:
        std::rethrow_exception(error_);
      case Status::aborted:
        throw TaskCancelled("asyncl: the task was aborted before it completed");
      case Status::cancelled:
        throw TaskCancelled("asyncl: the runtime shut down before the task completed");
      case Status::rejected:
        throw TaskCancelled("asyncl: spawn rejected: the runtime is shutting down");
      case Status::pending:
        break;
    }
    fatal("asyncl: a JoinHandle was read before its task finished");
  }

  static void schedule(TaskHeader* task);

  Mutex mutex_;

 private:
  CondVar cv_;
  Atomic<unsigned> refs_{2};
  Status status_ = Status::pending;
  bool aborted_ = false;
  bool taken_ = false;
  TaskHeader* waiter_ = nullptr;
  TaskHeader* task_ = nullptr;
  std::exception_ptr error_;
};

template <class T>
class JoinState final : public JoinStateBase {
 public:
  template <class... U>
  void complete(U&&... value) {
    LockGuard lock(mutex_);
    if constexpr (!std::is_void_v<T>) value_.emplace(std::forward<U>(value)...);
    finish_locked(Status::completed);
  }

  /// The outcome: the value, or the task's exception, or TaskCancelled. Once only.
  T take() {
    LockGuard lock(mutex_);
    take_outcome_locked();
    if constexpr (!std::is_void_v<T>) return std::move(*value_);
  }

 private:
  struct Nothing {};
  std::optional<std::conditional_t<std::is_void_v<T>, Nothing, T>> value_;
};

}  // namespace detail
}  // namespace asyncl
