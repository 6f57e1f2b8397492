#pragma once
// asyncl/task_local.hpp — TaskLocal<T>: a value that belongs to a task, not to a thread.
//
// Defines:
//   asyncl::TaskLocal<T>          the key; declare it static (or inline in a header), once
//   asyncl::TaskLocalAccessError  thrown by with() and get() outside every scope of the key
//
// A TaskLocal is a key. `KEY.scope(value, task)` returns a task that runs `task` with `value`
// set for KEY; inside it, and inside every task it awaits, `KEY.with(fn)` calls fn(T&) on that
// value. `KEY.sync_scope(value, fn)` does the same for a plain call.
//
//   static asyncl::TaskLocal<std::string> request_id;
//
//   asyncl::Task<void> handle() {
//     co_await asyncl::yield_now();          // may resume on another worker
//     log(request_id.get());                 // still "req-42": the value follows the task
//   }
//   co_await request_id.scope("req-42", handle());
//
// Guarantees:
//   - The value follows the task: after every resume, on whatever thread and by whatever
//     executor (also a foreign one that calls handle.resume() on its own std::thread), the task
//     sees its own values, and the thread sees nothing of the task once it suspended again.
//     Tasks interleaved on one thread never see each other's values.
//   - Scopes nest: an inner scope of the same key shadows the outer value, and the outer value
//     is visible again when the inner scope ends, also when an exception leaves it.
//   - A spawned task sees nothing of its spawner's scopes, unless it is spawned with
//     `spawn(task, asyncl::inherit_task_locals)`: it then starts with a copy of every value the
//     spawner sees at the spawn (of every key whose T is copyable; other values are not passed
//     on; a copy constructor that throws makes spawn throw). The copies are the child's own:
//     changes on either side stay on that side.
//   - The value is visible while the scoped task's frame is destroyed, whether the task
//     finished or is destroyed suspended (JoinHandle::abort, runtime shutdown): destructors of
//     its locals and parameters can read it.
//   - spawn_blocking closures see no task-local values.
//
// Cost: with() walks the calling thread's chain of scopes, innermost first, comparing the key's
// address. When the key's scope is the innermost, that is one out-of-line call (the thread-local
// rule of detail/tls.hpp), a test, a compare and a load. A scope costs one task frame (the
// wrapper that holds the value) when it starts, and nothing per resume: every asyncl frame sets
// the thread's chain on resume anyway.
//
// Requirements on T: an object type; move-constructible for scope and sync_scope; get, try_get
// and inherit_task_locals copy it.
//
// Thread safety: a TaskLocal may be used from any thread; it has no state of its own (its
// address is the key), so it is constant-initialised and usable from static initialisers and
// destructors. Code on a thread that runs no task sees only that thread's sync_scope values. A
// value is reached only by the code running inside its scope, which runs on one thread at a
// time, so with() needs no synchronisation and fn may modify the value. Memory ordering: there
// are no atomics here; when a task moves to another thread, the runtime's hand-over (or the
// foreign executor's) orders its earlier accesses to its values before its later ones.
//
// Invalid: keeping the reference fn receives, or a pointer into the value, after fn returned
// (the value dies with its scope); moving or copying a TaskLocal (deleted). Inside sync_scope's
// fn, resuming a coroutine by hand (handle.resume()) clears the thread's view for the rest of
// fn, as every asyncl task clears it when it suspends (Runtime::block_on restores it).
//
// A `static TaskLocal` at namespace scope in a header is a different key in every translation
// unit; declare shared keys `inline`.

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "asyncl/detail/promise_base.hpp"
#include "asyncl/detail/thread_context.hpp"
#include "asyncl/task.hpp"

namespace asyncl {

/// Thrown by TaskLocal::with and TaskLocal::get when the caller is inside no scope of the key.
class TaskLocalAccessError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {
/// What try_with returns for a callable that returns R: std::optional<R>, or bool for void.
template <class R>
struct TryWithResult {
  static_assert(!std::is_reference_v<R>,
                "TaskLocal::try_with: the callable returns a reference; return a pointer");
  using type = std::optional<R>;
};
template <>
struct TryWithResult<void> {
  using type = bool;
};
}  // namespace detail

template <class T>
class TaskLocal {
  static_assert(std::is_object_v<T> && !std::is_array_v<T>,
                "TaskLocal<T>: T must be an object type, not an array");

 public:
  constexpr TaskLocal() noexcept = default;
  TaskLocal(const TaskLocal&) = delete;
  TaskLocal& operator=(const TaskLocal&) = delete;

  /// A task that runs `task` with `value` set for this key, and returns (or rethrows) what
  /// `task` does. Lazy like every Task. Invalid: a moved-from `task` (std::invalid_argument).
  template <class U>
  Task<U> scope(T value, Task<U> task) const {
    if (!task.valid())
      throw std::invalid_argument("asyncl::TaskLocal::scope: the task was moved from");
    return scoped(this, std::move(value), std::move(task));
  }

  /// Calls `fn()` with `value` set for this key and returns its result. The previous view of
  /// the calling thread is restored when fn returns or throws.
  template <class F>
  decltype(auto) sync_scope(T value, F&& fn) const {
    detail::ThreadContext& context = detail::this_thread_context();
    Slot slot(this, context.scope, std::move(value));
    const RestoreOnExit restore(context);
    context.scope = &slot;
    return std::invoke(std::forward<F>(fn));
  }

  /// fn(value) for the innermost scope of this key the caller is in, and its result.
  /// Throws TaskLocalAccessError outside every scope of the key.
  template <class F>
  decltype(auto) with(F&& fn) const {
    detail::ScopeNode* node = find();
    if (node == nullptr) [[unlikely]]
      throw_outside_scope("with");
    return std::invoke(std::forward<F>(fn), value_of(node));
  }

  /// Like with, but never throws for a missing scope: returns std::optional<R> (std::nullopt
  /// outside every scope), or for a void fn a bool (false outside every scope). Exceptions
  /// from fn itself propagate. fn may not return a reference (return a pointer).
  /// Careful with an fn that returns bool: the optional converts to true whenever the scope
  /// exists, whatever fn returned.
  template <class F>
  auto try_with(F&& fn) const -> typename detail::TryWithResult<std::invoke_result_t<F, T&>>::type {
    using R = std::invoke_result_t<F, T&>;
    detail::ScopeNode* node = find();
    if constexpr (std::is_void_v<R>) {
      if (node == nullptr) return false;
      std::invoke(std::forward<F>(fn), value_of(node));
      return true;
    } else {
      if (node == nullptr) return std::nullopt;
      return std::optional<R>(std::invoke(std::forward<F>(fn), value_of(node)));
    }
  }

  /// A copy of the value. Throws TaskLocalAccessError outside every scope of the key.
  std::remove_cv_t<T> get() const requires std::is_copy_constructible_v<T> {
    detail::ScopeNode* node = find();
    if (node == nullptr) [[unlikely]]
      throw_outside_scope("get");
    return value_of(node);
  }

  /// A copy of the value, or std::nullopt outside every scope of the key.
  std::optional<std::remove_cv_t<T>> try_get() const requires std::is_copy_constructible_v<T> {
    detail::ScopeNode* node = find();
    if (node == nullptr) return std::nullopt;
    return value_of(node);
  }

 private:
  /// One scope of this key: the chain node and the value, in one object, so that with() reaches
  /// the value at a fixed offset from the node. Every node whose key is this TaskLocal is a Slot:
  /// the scopes of scope() and sync_scope(), and the copies inherit_task_locals makes (clone).
  struct Slot : detail::ScopeNode {
    template <class V>
    Slot(const TaskLocal* key, detail::ScopeNode* parent, V&& v)
        : detail::ScopeNode{key, nullptr, parent, clone_function(), destroy_function()},
          held(std::forward<V>(v)) {
      value = const_cast<void*>(static_cast<const void*>(std::addressof(held)));
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    T held;
  };

  static detail::ScopeNode* clone_slot(const detail::ScopeNode& node) {
    return new Slot(static_cast<const TaskLocal*>(node.key), nullptr,
                    static_cast<const Slot&>(node).held);
  }
  static void destroy_slot(detail::ScopeNode* node) noexcept { delete static_cast<Slot*>(node); }

  static constexpr auto clone_function() noexcept
      -> detail::ScopeNode* (*)(const detail::ScopeNode&) {
    if constexpr (std::is_copy_constructible_v<T>) {
      return &clone_slot;
    } else {
      return nullptr;
    }
  }
  static constexpr auto destroy_function() noexcept -> void (*)(detail::ScopeNode*) {
    if constexpr (std::is_copy_constructible_v<T>) {
      return &destroy_slot;
    } else {
      return nullptr;
    }
  }

  /// The innermost scope of this key the calling code sees, or null. When that scope is the
  /// innermost of all, this is the out-of-line call, a load, a test and a compare.
  detail::ScopeNode* find() const noexcept {
    detail::ScopeNode* node = detail::this_thread_context().scope;
    while (node != nullptr && node->key != this) [[unlikely]] {
        node = node->parent;
      }
    return node;
  }
  static T& value_of(detail::ScopeNode* node) noexcept { return static_cast<Slot*>(node)->held; }

  [[noreturn, gnu::cold, gnu::noinline]] static void throw_outside_scope(const char* operation) {
    throw TaskLocalAccessError(
        std::string("asyncl::TaskLocal::") + operation +
        " called outside every scope of this key (KEY.scope / KEY.sync_scope); "
        "try_with and try_get report that without throwing");
  }

  class RestoreOnExit {
   public:
    explicit RestoreOnExit(detail::ThreadContext& context) noexcept
        : context_(context), saved_(context.scope) {}
    RestoreOnExit(const RestoreOnExit&) = delete;
    RestoreOnExit& operator=(const RestoreOnExit&) = delete;
    ~RestoreOnExit() { context_.scope = saved_; }

   private:
    detail::ThreadContext& context_;
    detail::ScopeNode* saved_;
  };

  /// Destroys the user's frame with its scope visible, also when it finished (its parameters
  /// die only then) or when an exception left it.
  template <class U>
  class DestroyInScope {
   public:
    DestroyInScope(Task<U>& task, detail::ScopeNode* node) noexcept : task_(task), node_(node) {}
    DestroyInScope(const DestroyInScope&) = delete;
    DestroyInScope& operator=(const DestroyInScope&) = delete;
    ~DestroyInScope() {
      detail::ThreadContext& context = detail::this_thread_context();
      detail::ScopeNode* const saved = context.scope;
      context.scope = node_;
      task_ = Task<U>();
      context.scope = saved;
    }

   private:
    Task<U>& task_;
    detail::ScopeNode* node_;
  };

  // The wrapper frame. Locals die in reverse order (then the promise, then the parameters): the
  // user's frame (`inner`, destroyed by `destroy_inner` with the value visible to every
  // destructor in it) dies before `slot`. `slot.parent` is the chain this frame sees:
  // InitialAwaiter has just set the thread's chain to this frame's scope_.
  template <class U>
  static Task<U> scoped(const TaskLocal* key, T value, Task<U> task) {
    Slot slot(key, detail::this_thread_context().scope, std::move(value));
    Task<U> inner = std::move(task);
    const DestroyInScope<U> destroy_inner(inner, &slot);
    detail::PromiseBase& promise = detail::TaskAccess::promise(inner);
    promise.scope_ = &slot;
    promise.inherit_scope_ = false;
    co_return co_await std::move(inner);
  }
};

}  // namespace asyncl
