#pragma once
// asyncl/detail/root_task.hpp — the frame the runtime owns for each spawned task.
//
// spawn(task) wraps the user's Task<T> in a root coroutine whose promise holds the TaskHeader.
// The root awaits the task, leaves the outcome in the JoinState, and stops at its final
// suspend; the worker that sees it done destroys it. Destroying the root at any point destroys
// the whole chain of frames below it (each Task owns the frame it awaits).

#include <coroutine>
#include <cstddef>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "asyncl/detail/fault_injection.hpp"
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
  /// The JoinState stops pointing at this frame (abort() no longer reaches it). Whoever
  /// destroys the frame publishes the outcome afterwards (destroy_root): a task destroyed
  /// before it started still holds its Task in a parameter, which dies after the promise.
  ~RootPromise() {
    if (task_.join != nullptr) task_.join->detach_task();
    if (owns_scope_) destroy_scope_copy(scope_);
  }

  /// The frame of every spawned task is allocated here, behind its JoinState<T>, in one block
  /// (root_body's `join` parameter receives the JoinState). The JoinState holds a reference for
  /// the frame's memory: destroying the frame drops it, and the block is freed with the
  /// JoinState's last reference (the JoinHandle's, when it outlives the task). Verification
  /// builds can make the allocation fail (fault_injection.hpp) to test that a failed spawn leaks
  /// nothing.
  template <class T>
  static void* operator new(std::size_t size, Task<T>&, JoinState<T>** join) {
    if (take_fault(Fault::frame_allocation)) throw std::bad_alloc();
    constexpr std::size_t slot = JoinState<T>::template prefix_size<JoinStateBase*>();
    char* block = static_cast<char*>(JoinState<T>::allocate(slot + size));
    *join = ::new (block) JoinState<T>(3);
    char* frame = block + slot;
    ::new (frame - sizeof(JoinStateBase*)) JoinStateBase*(*join);
    return frame;
  }
  static void operator delete(void* frame) noexcept {
    JoinStateBase* join = nullptr;
    std::memcpy(&join, static_cast<char*>(frame) - sizeof(JoinStateBase*), sizeof join);
    join->release();
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
    join->attach_task(&task_);
    if (inherited != nullptr) {
      scope_ = inherited;
      owns_scope_ = true;
    }
  }

  TaskHeader* header() noexcept { return &task_; }
  JoinStateBase* join() const noexcept { return task_.join; }

 private:
  TaskHeader task_;
  bool owns_scope_ = false;
};

/// Destroys a spawned task's root frame (and every frame below it, parameters included), then
/// records `status` in its JoinState unless the task published its outcome, and drops the
/// producer's reference: a joiner never sees an outcome while anything of the task lives.
inline void destroy_root(std::coroutine_handle<> root, JoinStateBase* join,
                         JoinStateBase::Status status) {
  root.destroy();
  join->producer_gone(status);
  join->release();
}

/// Suspends the root until no blocking closure the task submitted runs any more (they may
/// refer to its frame); resumes with true if it had to wait, false at once if none ran.
struct UnpinnedAwaiter {
  using is_asyncl_awaiter = void;
  bool suspended = false;
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<RootPromise> h) noexcept {
    suspended = suspend_point(h)->state.drain();
    return suspended;
  }
  bool await_resume() const noexcept { return suspended; }
};

/// The JoinState bind() gave this root frame, read without suspending.
struct BoundJoin {
  using is_asyncl_awaiter = void;
  JoinStateBase* join = nullptr;
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<RootPromise> h) noexcept {
    join = h.promise().join();
    return false;
  }
  JoinStateBase* await_resume() const noexcept { return join; }
};

// A coroutine frame allocated by a placement operator new is freed by the usual operator delete
// ([dcl.fct.def.coroutine]); g++ 12 warns about that pairing in root_body's frame.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
/// `join` only receives the JoinState allocated with the frame (RootPromise::operator new); the
/// body reads it from the promise, where bind() put it.
template <class T>
RootTask root_body(Task<T> task, JoinState<T>** /*join*/) {
  auto* const join = static_cast<JoinState<T>*>(co_await BoundJoin{});
  // A local, not the parameter: a coroutine's promise dies after its locals but before its
  // parameters, and the promise owns the inherited task-local copies that the task's frame
  // (its locals when destroyed suspended, its parameters when it finished) may read as it dies.
  Task<T> inner = std::move(task);
  std::exception_ptr error;
  std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> value;
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(inner);
      value.emplace(true);
    } else {
      value.emplace(co_await std::move(inner));
    }
  } catch (...) {
    error = std::current_exception();
  }
  // The outcome is published last: after the closures that may use the task's frame returned,
  // and after the frame (its parameters) is destroyed, so a joiner sees all of it gone. A
  // parameter's destructor may submit a closure too: wait again after it.
  while (co_await UnpinnedAwaiter{}) {
  }
  inner = Task<T>();
  while (co_await UnpinnedAwaiter{}) {
  }
  if (error) {
    join->fail(std::move(error));
  } else if constexpr (std::is_void_v<T>) {
    join->complete();
  } else {
    join->complete(std::move(*value));
  }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace asyncl::detail
