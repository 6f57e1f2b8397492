#pragma once
// asyncl/detail/root_task.hpp — the frame the runtime owns for each spawned task.
//
// spawn(task) wraps the user's Task<T> in a root coroutine whose promise holds the TaskHeader.
// The root awaits the task, leaves the outcome in the JoinState, and stops at its final
// suspend; the worker that sees it done destroys it. Destroying the root at any point destroys
// the whole chain of frames below it (each Task owns the frame it awaits).

#include <coroutine>
#include <exception>
#include <type_traits>
#include <utility>

#include "asyncl/detail/join_state.hpp"
#include "asyncl/detail/promise_base.hpp"
#include "asyncl/detail/task_header.hpp"
#include "asyncl/task.hpp"

namespace asyncl::detail {

/// Copies of every task-local value visible in `scope` (inherit_task_locals), owned by the
/// caller; release them with destroy_scope_copy. Values of non-copyable types are not copied.
ScopeNode* copy_scope(const ScopeNode* scope);
void destroy_scope_copy(ScopeNode* copy) noexcept;

class RootPromise;

class RootTask {
 public:
  using promise_type = RootPromise;
  explicit RootTask(std::coroutine_handle<RootPromise> h) noexcept : handle_(h) {}
  std::coroutine_handle<RootPromise> release() noexcept { return std::exchange(handle_, {}); }
  RootTask(RootTask&& other) noexcept : handle_(other.release()) {}
  RootTask& operator=(RootTask&&) = delete;
  ~RootTask() {
    if (handle_) handle_.destroy();
  }

 private:
  std::coroutine_handle<RootPromise> handle_;
};

class RootPromise final : public PromiseBase {
 public:
  RootPromise() noexcept { header_ = &task_; }
  ~RootPromise() {
    if (join_ != nullptr) {
      join_->producer_gone(JoinStateBase::Status::cancelled);
      join_->release();
    }
    if (owns_scope_) destroy_scope_copy(scope_);
  }

  RootTask get_return_object() noexcept {
    return RootTask(std::coroutine_handle<RootPromise>::from_promise(*this));
  }
  InitialAwaiter initial_suspend() noexcept { return InitialAwaiter(this); }
  /// The root's own task-local chain (inherited copies, freed with the frame) stops being the
  /// thread's view before the worker takes over again.
  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept { leave_scope(); }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void return_void() noexcept {}
  void unhandled_exception() noexcept { std::terminate(); }  // the root body catches everything

  /// Fills in the header of a fresh root frame.
  void bind(RuntimeCore* runtime, JoinStateBase* join, ScopeNode* inherited) noexcept {
    const auto self = std::coroutine_handle<RootPromise>::from_promise(*this);
    task_.root = self;
    task_.resume_point = self;
    task_.runtime = runtime;
    task_.join = join;
    join_ = join;
    join->attach_task(&task_);
    if (inherited != nullptr) {
      scope_ = inherited;
      owns_scope_ = true;
    }
  }

  TaskHeader* header() noexcept { return &task_; }

 private:
  TaskHeader task_;
  JoinStateBase* join_ = nullptr;
  bool owns_scope_ = false;
};

template <class T>
RootTask root_body(Task<T> task, JoinState<T>* join) {
  // A local, not the parameter: a coroutine's promise dies after its locals but before its
  // parameters, and the promise owns the inherited task-local copies that the task's frame
  // (its locals when destroyed suspended, its parameters when it finished) may read as it dies.
  Task<T> inner = std::move(task);
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(inner);
      join->complete();
    } else {
      join->complete(co_await std::move(inner));
    }
  } catch (...) {
    join->fail(std::current_exception());
  }
}

}  // namespace asyncl::detail
