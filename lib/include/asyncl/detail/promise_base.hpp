#pragma once
// asyncl/detail/promise_base.hpp — what every asyncl coroutine frame carries, and the hook that
// restores task-local values on every resume.
//
// A task-local scope is a chain of ScopeNodes (innermost first). Every frame records the chain
// it sees in `scope_`. The thread's ThreadContext::scope says which chain the code running on
// the thread sees now. The promise's await_transform wraps every awaitable so that
//   - before the frame suspends, the thread's chain is cleared (nothing leaks to whatever the
//     thread runs next), and
//   - when the frame resumes, on whatever thread and by whatever executor, the thread's chain
//     is set to the frame's.
// That is the whole task-local mechanism: std-only, so a task resumed by a foreign executor
// sees its values too.

#include <concepts>
#include <coroutine>
#include <type_traits>
#include <utility>

#include "asyncl/detail/foreign_resumer.hpp"
#include "asyncl/detail/mutation.hpp"
#include "asyncl/detail/thread_context.hpp"

namespace asyncl::detail {

/// One task-local value in a scope chain. `key` is the TaskLocal object, `value` points at
/// the value it holds in this scope; `clone` copies the node for inherit_task_locals (null
/// when T is not copyable).
struct ScopeNode {
  const void* key = nullptr;
  void* value = nullptr;
  ScopeNode* parent = nullptr;
  ScopeNode* (*clone)(const ScopeNode&) = nullptr;
  void (*destroy)(ScopeNode*) = nullptr;
};

/// The task-local swap, in the two places a frame crosses a suspension.
inline void enter_scope(ScopeNode* scope) noexcept {
  if (mutated(Mutation::task_local_not_restored) && scope == nullptr) return;
  this_thread_context().scope = scope;
}
inline void leave_scope() noexcept {
  if (mutated(Mutation::task_local_not_restored)) return;
  this_thread_context().scope = nullptr;
}

template <class A>
concept DirectAwaiter = requires(A& a) {
  { a.await_ready() } -> std::convertible_to<bool>;
  a.await_resume();
};

template <class A>
concept MemberCoAwait = requires(A&& a) {
  std::forward<A>(a).operator co_await();
};

class PromiseBase;
struct TaskHeader;

/// The library's own awaiters declare `using is_asyncl_awaiter = void;`: they register the task
/// with the runtime (suspend_point) and the runtime resumes it.
template <class A>
concept RuntimeAwaiter = requires {
  typename std::remove_cvref_t<A>::is_asyncl_awaiter;
};

/// Any other awaiter that takes a type-erased handle is foreign: it may resume the frame from a
/// thread of its own. In a task run by a runtime, it gets a resumer instead of the frame
/// (foreign_resumer.hpp).
template <class Inner, class P>
concept ForeignAwaiter = !RuntimeAwaiter<Inner> && std::is_base_of_v<PromiseBase, P> &&
                         requires(std::remove_reference_t<Inner> & a, std::coroutine_handle<> h) {
  a.await_suspend(h);
};

/// Wraps one awaiter: leaves the scope before suspending, enters the frame's on resume.
/// `Inner` is a reference for awaiters the co_await expression keeps alive, a value for
/// awaiters produced by operator co_await. It has a constructor: g++ 12 destroys some
/// brace-initialised temporary awaiters twice (docs/hazards.md).
template <class Inner>
class ScopedAwaiter {
 public:
  template <class A>
  ScopedAwaiter(A&& inner, ScopeNode* scope) : inner_(std::forward<A>(inner)), scope_(scope) {}

  bool await_ready() { return inner_.await_ready(); }

  template <class P>
  auto await_suspend(std::coroutine_handle<P> h) {
    leave_scope();
    try {
      if constexpr (ForeignAwaiter<Inner, P>) {
        if (TaskHeader* task = h.promise().header_) return suspend_on_foreign(task, h);
      }
      return inner_.await_suspend(h);
    } catch (...) {
      // The frame did not suspend: the exception goes on in it, with its values.
      enter_scope(scope_);
      throw;
    }
  }

  decltype(auto) await_resume() {
    enter_scope(scope_);
    return inner_.await_resume();
  }

 private:
  /// The foreign awaiter gets a resumer; the task stays pinned until it is resumed or
  /// destroyed. Not taken (false, or an exception): the resumer goes and the task runs on.
  auto suspend_on_foreign(TaskHeader* task, std::coroutine_handle<> frame) {
    const std::coroutine_handle<> resumer = begin_foreign_await(task, frame);
    using Result = decltype(inner_.await_suspend(resumer));
    try {
      if constexpr (std::is_same_v<Result, bool>) {
        if (inner_.await_suspend(resumer)) return true;
        discard_foreign_resumer(resumer, task);
        return false;
      } else {
        return inner_.await_suspend(resumer);
      }
    } catch (...) {
      discard_foreign_resumer(resumer, task);
      throw;
    }
  }

  Inner inner_;
  ScopeNode* scope_;
};

struct TaskHeader;

class PromiseBase {
 public:
  /// The spawned task this frame belongs to; null when a foreign executor drives it.
  TaskHeader* header_ = nullptr;
  /// The task-local chain this frame sees.
  ScopeNode* scope_ = nullptr;
  /// False once TaskLocal::scope set `scope_` itself: the awaiter must not overwrite it.
  bool inherit_scope_ = true;
  std::coroutine_handle<> continuation_;

  template <class A>
  auto await_transform(A&& awaitable) {
    if constexpr (DirectAwaiter<std::remove_reference_t<A>>) {
      return ScopedAwaiter<A&&>(std::forward<A>(awaitable), scope_);
    } else {
      static_assert(MemberCoAwait<A>,
                    "asyncl::Task can co_await awaiters and types with a member "
                    "operator co_await");
      using Inner = decltype(std::forward<A>(awaitable).operator co_await());
      return ScopedAwaiter<Inner>(std::forward<A>(awaitable).operator co_await(), scope_);
    }
  }

  /// Called when a frame first runs.
  struct InitialAwaiter {
    explicit InitialAwaiter(PromiseBase* promise) noexcept : promise_(promise) {}
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    void await_resume() const noexcept { enter_scope(promise_->scope_); }
    PromiseBase* promise_;
  };
};

/// Every runtime awaitable calls this in await_suspend: records where the task resumes and
/// returns the task it belongs to.
template <class P>
TaskHeader* suspend_point(std::coroutine_handle<P> h);

/// Aborts with `message` (one line on stderr). The library's diagnostics for misuse that C++
/// cannot reject at compile time and that must never be silent.
[[noreturn]] void fatal(const char* message) noexcept;

}  // namespace asyncl::detail
