#pragma once
// asyncl/detail/join_state.hpp — where a spawned task (or blocking closure) leaves its outcome.
//
// Shared by the producer (the task's root frame, or a blocking job) and the JoinHandle, each
// holding one reference (a spawned task's JoinState shares one allocation with its root frame,
// which holds a third: root_task.hpp). The outcome's status is an atomic that readers poll
// without a lock (is_finished, wait_blocking, take); the rest is guarded by a spin lock whose
// critical sections are a few stores each. A task that awaits the outcome registers as the
// waiter and is woken under the same lock, so a waiter whose frame is being destroyed (it
// unregisters under the lock first) is never woken. The lock is a spin lock rather than a
// mutex because a spawn and join take it four times: a pthread mutex cost more there, in
// allocation (a mutex and a condition variable per task) and in time (asyncl-bench peers).

#include <coroutine>
#include <cstdint>
#include <exception>
#include <mutex>
#include <new>
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
  enum class Status : std::uint32_t { pending, completed, failed, cancelled, aborted, rejected };

  /// `refs`: 2 (producer and JoinHandle), or 3 when the JoinState shares its allocation with the
  /// producer's root frame (root_task.hpp), whose deallocation drops the third.
  explicit JoinStateBase(unsigned refs = 2) noexcept : refs_(refs) {}
  JoinStateBase(const JoinStateBase&) = delete;
  JoinStateBase& operator=(const JoinStateBase&) = delete;

  void release() noexcept {
    // acq_rel: the last holder must see every write of the other before deleting.
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) destroy();
  }

  bool is_finished() const noexcept {
    // acquire: pairs with finish_locked()'s release; the outcome is visible after it.
    return loaded_status(std::memory_order_acquire) != Status::pending;
  }

  /// Registers `task` to be woken when the outcome is there; false if it already is. One task
  /// at a time: a second awaiter would take the first one's slot, and the first would never wake.
  bool register_waiter(TaskHeader* task) {
    Guard lock(lock_);
    if (loaded_status(std::memory_order_relaxed) != Status::pending) return false;
    if (waiter_ != nullptr && waiter_ != task) {
      throw std::logic_error(
          "asyncl: a JoinHandle was awaited by two tasks at once; its outcome "
          "can be read only once");
    }
    waiter_ = task;
    return true;
  }
  void unregister_waiter(TaskHeader* task) noexcept {
    Guard lock(lock_);
    if (waiter_ == task) waiter_ = nullptr;
  }

  /// Blocks the calling thread (not a task) until the outcome is there.
  void wait_blocking() {
    {
      Guard lock(lock_);
      if (loaded_status(std::memory_order_relaxed) != Status::pending) return;
      blocked_ = true;
    }
    while (loaded_status(std::memory_order_acquire) == Status::pending) {
      status_.wait(static_cast<std::uint32_t>(Status::pending), std::memory_order_acquire);
    }
  }

  void abort() {
    Guard lock(lock_);
    aborted_ = true;
    if (task_ != nullptr && task_->state.cancel()) schedule(task_);
  }

  /// The producing task's frame: set while it lives, cleared before it is destroyed. Set before
  /// the JoinState is shared (spawn_on), so without the lock.
  void attach_task(TaskHeader* task) noexcept { task_ = task; }

  /// The producing task's frame is being destroyed: abort() must not reach it any more.
  void detach_task() noexcept {
    Guard lock(lock_);
    task_ = nullptr;
  }

  /// The producer is gone: a task frame destroyed, a blocking job dropped or rejected. Records
  /// `status` unless an outcome is already there.
  void producer_gone(Status status) {
    Guard lock(lock_);
    task_ = nullptr;
    if (loaded_status(std::memory_order_relaxed) == Status::pending) {
      finish_locked(aborted_ ? Status::aborted : status);
    }
  }

  void fail(std::exception_ptr error) {
    Guard lock(lock_);
    error_ = std::move(error);
    finish_locked(Status::failed);
  }

 protected:
  using Guard = std::lock_guard<SpinLock>;

  virtual ~JoinStateBase() = default;
  /// Destroys the JoinState and frees its allocation (which may hold a root frame behind it).
  virtual void destroy() noexcept = 0;

  void finish_locked(Status status) {
    // release: the value or error written before is visible to whoever sees the status.
    status_.store(static_cast<std::uint32_t>(status), std::memory_order_release);
    if (waiter_ != nullptr) {
      wake(std::exchange(waiter_, nullptr));
    }
    if (blocked_) status_.notify_all();
  }

  /// Marks the outcome taken and throws the failure, if any. Called by the handle's owner with
  /// the outcome there (after wait or wake).
  void take_outcome() {
    if (taken_) {
      throw std::logic_error(
          "asyncl: the outcome of a JoinHandle was already taken; it can be "
          "read only once");
    }
    taken_ = true;
    switch (loaded_status(std::memory_order_acquire)) {
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

  SpinLock lock_;

 private:
  Status loaded_status(std::memory_order order) const noexcept {
    return static_cast<Status>(status_.load(order));
  }

  Atomic<unsigned> refs_;
  Atomic<std::uint32_t> status_{static_cast<std::uint32_t>(Status::pending)};
  bool aborted_ = false;          // guarded by lock_
  bool blocked_ = false;          // guarded by lock_: a thread waits in wait_blocking
  bool taken_ = false;            // the handle's owner only
  TaskHeader* waiter_ = nullptr;  // guarded by lock_
  TaskHeader* task_ = nullptr;    // guarded by lock_ once shared
  std::exception_ptr error_;      // written before status_ is published
};

template <class T>
class JoinState final : public JoinStateBase {
  struct Nothing {};
  using Stored = std::optional<std::conditional_t<std::is_void_v<T>, Nothing, T>>;
  static constexpr std::size_t kAlignment = alignof(Stored) > alignof(JoinStateBase)
                                                ? alignof(Stored)
                                                : alignof(JoinStateBase);
  static constexpr bool kOverAligned = kAlignment > __STDCPP_DEFAULT_NEW_ALIGNMENT__;

 public:
  using JoinStateBase::JoinStateBase;

  /// A JoinState on its own (blocking closures, refused spawns), holding `refs` references.
  static JoinState* make(unsigned refs = 2) {
    return ::new (allocate(sizeof(JoinState))) JoinState(refs);
  }

  /// Bytes from the start of an allocation to a block that follows the JoinState with a `P`
  /// stored right before that block. The block is aligned as operator new would align it, and
  /// as T (a root frame holds a T: GCC 12 allocates coroutine frames without their alignment).
  template <class P>
  static constexpr std::size_t prefix_size() {
    constexpr std::size_t align =
        kOverAligned ? kAlignment : std::size_t{__STDCPP_DEFAULT_NEW_ALIGNMENT__};
    return (sizeof(JoinState) + sizeof(P) + align - 1) / align * align;
  }
  /// An allocation that starts with a JoinState (the value may be over-aligned).
  static void* allocate(std::size_t bytes) {
    if constexpr (kOverAligned) {
      return ::operator new (bytes, std::align_val_t{kAlignment});
    } else {
      return ::operator new(bytes);
    }
  }

  template <class... U>
  void complete(U&&... value) {
    Guard lock(lock_);
    if constexpr (!std::is_void_v<T>) value_.emplace(std::forward<U>(value)...);
    finish_locked(Status::completed);
  }

  /// The outcome: the value, or the task's exception, or TaskCancelled. Once only.
  T take() {
    take_outcome();
    if constexpr (!std::is_void_v<T>) return std::move(*value_);
  }

 private:
  void destroy() noexcept override {
    this->~JoinState();
    if constexpr (kOverAligned) {
      ::operator delete (static_cast<void*>(this), std::align_val_t{kAlignment});
    } else {
      ::operator delete(static_cast<void*>(this));
    }
  }

  Stored value_;
};

/// Waits in a task until a JoinState has its outcome, without taking it (JoinHandle's awaiter
/// takes it after; JoinSet's join_next only waits). A frame destroyed while it waits
/// unregisters first, so the producer never wakes a destroyed task.
class OutcomeWait {
 public:
  using is_asyncl_awaiter = void;
  explicit OutcomeWait(JoinStateBase* state) noexcept : state_(state) {}
  OutcomeWait(OutcomeWait&& other) noexcept
      : state_(other.state_), waiting_(std::exchange(other.waiting_, nullptr)) {}
  OutcomeWait& operator=(OutcomeWait&&) = delete;
  ~OutcomeWait() {
    if (waiting_ != nullptr) state_->unregister_waiter(waiting_);
  }

  bool await_ready() const noexcept { return state_->is_finished(); }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) {
    TaskHeader* task = suspend_point(h);
    if (!state_->register_waiter(task)) return false;
    waiting_ = task;
    return true;
  }
  /// Resumed only by the producer's wake, which unregistered the waiter first (a waiting task
  /// that is cancelled is destroyed, never resumed): nothing to unregister.
  void await_resume() noexcept { waiting_ = nullptr; }

 protected:
  JoinStateBase* state_;

 private:
  TaskHeader* waiting_ = nullptr;
};

}  // namespace detail
}  // namespace asyncl
