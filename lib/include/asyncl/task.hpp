#pragma once
// asyncl/task.hpp — Task<T>, the coroutine type of asyncl.
//
// Defines:
//   asyncl::Task<T>   a lazy, move-only coroutine that produces a T (or nothing, Task<void>).
//
// A Task does nothing until it is awaited (`co_await std::move(task)` or `co_await f()`) or
// handed to a runtime (Runtime::block_on, Runtime::spawn). Awaiting it starts it and resumes the
// awaiter when it finishes, through symmetric transfer: a chain of any depth, or a loop of any
// length over tasks that finish at once, runs in constant stack. An exception that leaves the
// task is rethrown to the awaiter.
//
//   asyncl::Task<int> answer() { co_return 42; }
//   asyncl::Task<int> twice() { co_return 2 * co_await answer(); }
//
// Foreign awaiters. A task may await any awaiter, also one that knows nothing of asyncl and
// resumes the coroutine from a thread of its own (a callback API, another library's event).
// In a task run by a runtime, such an awaiter gets the handle of a small resumer instead of the
// frame: resuming it hands the task back to the runtime, which resumes the frame on one of its
// workers (the owner, for current_thread), so the task never runs on the foreign thread. While
// the frame is away, abort() and shutdown are deferred, as for a running blocking closure: the
// frame is destroyed once the foreign side resumes (or destroys) the handle, and the runtime's
// destructor waits for that. Destroying the handle instead of resuming it cancels the task.
// An awaiter whose await_suspend returns false or throws has not taken the handle.
//
// Thread safety: a Task object is owned by one thread at a time; the frame may be resumed on any
// thread (the runtime moves tasks between workers at every suspension). Destroying a Task that
// has not finished destroys its frame, with the task-local values of that frame visible to the
// destructors of its locals.

#include <coroutine>
#include <exception>
#include <new>
#include <type_traits>
#include <utility>
#include <variant>

#include "asyncl/detail/promise_base.hpp"

namespace asyncl {

template <class T = void>
class Task;

namespace detail {

struct TaskAccess;
[[noreturn]] void throw_task_misuse(bool moved_from);

template <class T>
class TaskPromiseStorage : public PromiseBase {
  static constexpr bool kOverAligned = alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__;

 public:
  /// g++ 12 allocates a coroutine frame through operator new(size) and assumes nothing of its
  /// alignment beyond operator new's: a frame whose promise holds an over-aligned T is
  /// allocated with T's alignment.
  static void* operator new(std::size_t size) {
    if constexpr (kOverAligned) {
      return ::operator new (size, std::align_val_t{alignof(T)});
    } else {
      return ::operator new(size);
    }
  }
  static void operator delete(void* frame) noexcept {
    if constexpr (kOverAligned) {
      ::operator delete (frame, std::align_val_t{alignof(T)});
    } else {
      ::operator delete(frame);
    }
  }

  template <class U>
  void return_value(U&& value) {
    result_.template emplace<1>(std::forward<U>(value));
  }
  T take_result() {
    if (result_.index() == 2) std::rethrow_exception(std::get<2>(result_));
    return std::move(std::get<1>(result_));
  }

 protected:
  std::variant<std::monostate, T, std::exception_ptr> result_;
  void store_exception(std::exception_ptr e) { result_.template emplace<2>(std::move(e)); }
};

template <>
class TaskPromiseStorage<void> : public PromiseBase {
 public:
  void return_void() noexcept {}
  void take_result() {
    if (exception_) std::rethrow_exception(exception_);
  }

 protected:
  std::exception_ptr exception_;
  void store_exception(std::exception_ptr e) { exception_ = std::move(e); }
};

template <class T>
class TaskPromise final : public TaskPromiseStorage<T> {
 public:
  Task<T> get_return_object() noexcept;
  PromiseBase::InitialAwaiter initial_suspend() noexcept {
    return PromiseBase::InitialAwaiter(this);
  }

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<TaskPromise> h) const noexcept {
      // Symmetric transfer to the awaiter: a tail call, so chains do not grow the stack.
      return h.promise().continuation_;
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { this->store_exception(std::current_exception()); }
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
  static_assert(!std::is_reference_v<T>, "Task<T&> is not supported: return a pointer");

 public:
  using promise_type = detail::TaskPromise<T>;
  using value_type = T;

  Task() noexcept = default;
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { destroy(); }

  /// True when this object owns a frame (it was not moved from).
  bool valid() const noexcept { return static_cast<bool>(handle_); }

  class Awaiter {
   public:
    using is_asyncl_awaiter = void;
    explicit Awaiter(std::coroutine_handle<promise_type> child) noexcept : child_(child) {}
    bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> parent) noexcept {
      promise_type& child = child_.promise();
      child.continuation_ = parent;
      if constexpr (std::is_base_of_v<detail::PromiseBase, P>) {
        child.header_ = parent.promise().header_;
        if (child.inherit_scope_) child.scope_ = parent.promise().scope_;
      }
      return child_;
    }
    T await_resume() { return child_.promise().take_result(); }

   private:
    std::coroutine_handle<promise_type> child_;
  };

  /// Starts the task; the awaiter resumes with its result. A Task runs once: awaiting it again,
  /// or awaiting a moved-from Task, throws std::logic_error.
  Awaiter operator co_await() && {
    if (!handle_ || handle_.done() || handle_.promise().continuation_) {
      detail::throw_task_misuse(!handle_);
    }
    return Awaiter(handle_);
  }

 private:
  friend class detail::TaskPromise<T>;
  friend struct detail::TaskAccess;
  explicit Task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}

  void destroy() noexcept {
    if (!handle_) return;
    if (handle_.done()) {
      handle_.destroy();
    } else {
      // Cancelled mid-way: the frame's locals see the frame's task-local values while they
      // are destroyed, and the thread's view is restored afterwards.
      detail::ScopeNode*& current = detail::this_thread_context().scope;
      detail::ScopeNode* const saved = current;
      current = handle_.promise().scope_;
      handle_.destroy();
      detail::this_thread_context().scope = saved;
    }
    handle_ = {};
  }

  std::coroutine_handle<promise_type> handle_;
};

namespace detail {

template <class T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<TaskPromise>::from_promise(*this));
}

/// For the library's own use (TaskLocal::scope, spawn): reach a Task's promise.
struct TaskAccess {
  template <class T>
  static TaskPromise<T>& promise(Task<T>& task) noexcept {
    return task.handle_.promise();
  }
};

/// Whether T is an asyncl::Task (of any value type).
template <class T>
struct IsTask : std::false_type {};
template <class T>
struct IsTask<Task<T>> : std::true_type {};

}  // namespace detail
}  // namespace asyncl
