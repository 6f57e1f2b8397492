#pragma once
// asyncl/context.hpp — thread-local data that a task may hold across co_await.
//
// Defines:
//   asyncl::context<T, Mode>(name, init)   makes a key: every thread has its own T, built on
//                                           the thread's first use from init()
//   asyncl::Context<T, Mode, Init>          the key's type (declare keys with `auto`)
//   asyncl::LocalRef<T, Mode>               a reference to one thread's T, valid across co_await
//   asyncl::mode::barrier, leaky, shared    how the per-thread T is kept alive
//   asyncl::ContextMisuse                   thrown by misuse of a barrier-mode key
//
//   inline constexpr auto COUNTER =
//       asyncl::context<std::atomic<std::size_t>>("COUNTER", [] { return 0; });
//
//   asyncl::Task<void> count() {
//     auto counter = COUNTER.local_ref();   // this worker's counter
//     co_await asyncl::yield_now();         // may resume on another worker
//     counter->fetch_add(1);                // still the first worker's counter
//   }
//
// Declaring a key. A key is an ordinary constant, never a thread_local: `inline constexpr` in
// a header (plain `constexpr` in a .cpp file). `init` must be a captureless lambda written for
// this key alone: its closure type names the key's per-thread slot (one
// `static inline thread_local` per key, see detail/context_slot.hpp), so two keys never share
// one, and an `inline` key names the same slot in every translation unit. `name` appears in
// diagnostics. T is direct-initialized from `init()` in place: it need not be copyable or
// movable. The mode defaults to the one the build chose (CMake ASYNCL_DEFAULT_MODE).
//
// Why not `thread_local asyncl::Context<T> KEY{init}; KEY.local_ref()`. That literal form,
// where the key itself is the thread-local, cannot be made correct: in a coroutine body the
// expression `KEY` computes a thread-local address, which compilers may reuse after the
// coroutine resumed on another thread. The toolchain probe measured it on clang 16 at -O1/-O2:
// in a loop around a migrating co_await, `&KEY` is hoisted out of the loop, so `this` in
// local_ref() is the first thread's key on every iteration — even with local_ref() noinline,
// behind a memory clobber and laundered, and for keys declared `constinit` or `extern`. A
// member function cannot recover its own thread from a stale `this`. Whether a given literal
// key goes stale depends on unrelated code in the same file (the TLS wrapper's inlining), so no
// variant of it can be relied on. Here, nothing thread-local is evaluated where the user writes
// `COUNTER`; only detail::tls_address[es]() (detail/tls.hpp) computes the per-thread object, and
// the same probe proved that form on g++ 12, clang 14, 16 and 19.
//
// Modes (all three can be used in one program):
//   barrier  T lives inline in the thread-local; no indirection, nothing allocated. Sound
//            because an asyncl runtime destroys every task frame, and lets running blocking
//            closures finish, before any pool thread returns and destroys its thread-locals
//            (the shutdown barrier, runtime.hpp). So local_ref() is allowed only on a worker
//            or blocking thread of a runtime, or on the owner thread inside block_on of a
//            current-thread runtime (destroy that runtime on the same thread). Anywhere else
//            it throws ContextMisuse. A blocking thread that made a reference stays in the
//            pool until shutdown.
//   leaky    T allocated on the thread's first use and never freed: a reference never
//            dangles, with any executor or none. Memory grows with the number of threads
//            that ever used the key.
//   shared   the thread-local and every LocalRef share ownership of T (std::shared_ptr): T
//            lives until the thread has exited and the last reference is gone. Sound
//            anywhere; creating and copying a reference costs an atomic increment.
//
// LocalRef. `*ref`, `ref->m` and `ref.get()` reach the object of the thread that made `ref`,
// from whatever thread the task runs on now; in barrier and leaky modes that is one load.
// A LocalRef stays in its task. It cannot be copied implicitly or moved at all: `ref.clone()`
// makes another reference inside the task; pass it on by reference (`LocalRef<T>&`) to code the
// task awaits. The compiler therefore rejects (lib/tests/compile_fail/context_*.cpp), with
// "asyncl::LocalRef cannot be moved" or a deleted copy constructor:
//   - a LocalRef parameter of a coroutine (so `spawn(child(ref))` cannot hand one to another
//     task) and a LocalRef returned from a Task or a spawn_blocking closure;
//   - a closure that holds a LocalRef by value (`[ref]` is a deleted copy; a closure made with
//     `[r = ref.clone()]` cannot be moved), so it cannot be given to spawn_blocking or
//     std::thread;
//   - a LocalRef as an argument of std::thread.
// C++ cannot stop a pointer or reference to a LocalRef (`[&ref]`, `&ref`) from leaving the task.
// spawn_blocking(`[&ref] {...}`) is sound (the task is pinned while the closure runs); giving
// such a pointer to a thread that outlives the runtime is invalid, and checked builds
// (ASYNCL_CHECKED) abort when a barrier-mode reference is dereferenced after its runtime shut
// down, with a message that names the key.
//
// Scoped forms:
//   co_await KEY.with_async(fn)      fn(LocalRef<T, Mode>&) returns Task<R>; the result is a
//                                    Task<R> that makes the reference when it starts, on the
//                                    thread it starts on, and keeps it while fn's task runs.
//   co_await KEY.with_blocking(fn)   fn(T&) runs on the blocking pool with the calling thread's
//   co_await ref.with_blocking(fn)   object (ref's object); a JoinHandle<R> (R = fn's result,
//                                    by value). The calling task is pinned until fn returns.
//                                    Outside a runtime, spawn_blocking's std::logic_error.
//
// Thread safety: a key is immutable and usable from any thread. A LocalRef is used by the task
// that holds it; the T it denotes is shared by every task that referred to it from the same
// thread, on whatever threads those tasks run now, so T must be safe for that (atomics, a
// mutex). No operation here orders memory: accesses to T are ordered by T itself.

#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "asyncl/detail/context_slot.hpp"
#include "asyncl/detail/thread_context.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/task.hpp"

#if (defined(ASYNCL_DEFAULT_MODE_BARRIER) + defined(ASYNCL_DEFAULT_MODE_LEAKY) + \
     defined(ASYNCL_DEFAULT_MODE_SHARED)) > 1
#error "asyncl: define at most one of ASYNCL_DEFAULT_MODE_BARRIER, _LEAKY, _SHARED"
#endif

namespace asyncl {

namespace mode {
/// T inline in the thread-local; references only on a runtime's pool threads (see above).
struct barrier {
  static constexpr detail::ContextMode kind = detail::ContextMode::barrier;
};
/// T allocated once per thread, never freed; references valid everywhere, forever.
struct leaky {
  static constexpr detail::ContextMode kind = detail::ContextMode::leaky;
};
/// T owned jointly by the thread-local and every reference; valid everywhere.
struct shared {
  static constexpr detail::ContextMode kind = detail::ContextMode::shared;
};

#if defined(ASYNCL_DEFAULT_MODE_LEAKY)
using default_mode = leaky;
#elif defined(ASYNCL_DEFAULT_MODE_SHARED)
using default_mode = shared;
#else
using default_mode = barrier;
#endif
}  // namespace mode

/// Thrown by local_ref(), with_async() (when the task starts) and with_blocking() of a
/// barrier-mode key on a thread where a barrier-mode reference would not be sound: not a
/// worker or blocking thread of an asyncl runtime, and not the owner inside block_on of a
/// current-thread runtime. The message names the key.
class ContextMisuse : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

template <class T, class Mode, class Init>
class Context;

namespace detail {

template <class Mode>
inline constexpr bool is_context_mode_v =
    std::is_same_v<Mode, mode::barrier> || std::is_same_v<Mode, mode::leaky> ||
    std::is_same_v<Mode, mode::shared>;

/// False for every T, but only once T is known: a static_assert on it fires when the enclosing
/// member of a class template is instantiated, that is, used.
template <class>
inline constexpr bool kNeverMoved = false;

[[noreturn, gnu::cold, gnu::noinline]] inline void throw_context_misuse(
    const char* name, const ThreadContext& thread) {
  const char* where = thread.role == ThreadRole::timer ? "the timer thread of an asyncl runtime"
                      : thread.role == ThreadRole::none
                          ? "a thread outside any asyncl runtime"
                          : "a thread of a runtime built with barrier_protected(false)";
  throw ContextMisuse(std::string("asyncl: local_ref() of barrier-mode context '") + name +
                      "' called on " + where +
                      "; barrier-mode references may be made only on a runtime's worker or "
                      "blocking threads of a barrier-protected runtime, or on the owner thread "
                      "inside block_on of a current-thread runtime (use asyncl::mode::leaky or "
                      "asyncl::mode::shared "
                      "elsewhere)");
}

}  // namespace detail

/// A reference to the object of one key on the thread that made it. See the file comment.
template <class T, class Mode = mode::default_mode>
class LocalRef {
  static_assert(detail::is_context_mode_v<Mode>,
                "asyncl::LocalRef<T, Mode>: Mode must be "
                "asyncl::mode::barrier, leaky or shared");

 public:
  // A LocalRef may not leave its task (see the file comment): no implicit copies (clone() is
  // the explicit one) and no moves. The move constructor is declared so that every way out of a
  // task that needs it — a coroutine parameter, a closure moved into spawn_blocking or
  // std::thread, a result of a task or a blocking closure — fails with the message below
  // rather than deep inside the library or the standard library: any use of it does not
  // compile (the body is instantiated only when the constructor is used).
  LocalRef(const LocalRef&) = delete;
  LocalRef(LocalRef&& other) noexcept : target_(other.target_) {
    static_assert(detail::kNeverMoved<T>,
                  "asyncl::LocalRef cannot be moved: a LocalRef stays in the task that made it, so "
                  "it cannot be a coroutine parameter, be held by a closure given to "
                  "spawn_blocking or std::thread, or be the result of a task or a blocking "
                  "closure; use ref.clone() within the task, or pass it by reference to code "
                  "the task awaits");
  }
  LocalRef& operator=(const LocalRef&) = delete;
  LocalRef& operator=(LocalRef&&) = delete;
  ~LocalRef() = default;

  /// Another reference to the same object, for use in the same task.
  [[nodiscard]] LocalRef clone() const noexcept { return LocalRef(target_); }

  T& get() const noexcept { return target_.get(); }
  T& operator*() const noexcept { return target_.get(); }
  T* operator->() const noexcept { return std::addressof(target_.get()); }

  /// Runs fn(T&) with this reference's object on the blocking pool; awaitable. The calling
  /// task is pinned until fn returns. fn's result is returned by value.
  template <class F>
  auto with_blocking(F fn) const {
    static_assert(std::is_invocable_v<F&, T&>, "LocalRef::with_blocking(fn): fn must accept T&");
    return asyncl::spawn_blocking(
        [target = target_, fn = std::move(fn)]() mutable { return fn(target.get()); });
  }

 private:
  template <class, class, class>
  friend class Context;

  using Target = detail::RefTarget<T, Mode::kind>;
  explicit LocalRef(Target target) noexcept : target_(std::move(target)) {}

  Target target_;
};

/// A key: names one T per thread. Immutable; make it with asyncl::context<T, Mode>(name, init).
template <class T, class Mode, class Init>
class Context {
  static_assert(detail::is_context_mode_v<Mode>,
                "asyncl::context<T, Mode>: Mode must be "
                "asyncl::mode::barrier, leaky or shared");
  static_assert(std::is_empty_v<Init> && std::is_default_constructible_v<Init>,
                "asyncl::context<T>(name, init): init must be a captureless lambda, written for "
                "this key alone (its type names the key's thread-local slot)");
  static_assert(std::is_invocable_v<Init&>,
                "asyncl::context<T>(name, init): init() must be "
                "callable without arguments");

  using Slot = detail::ContextSlot<T, Init, Mode::kind>;

 public:
  using value_type = T;
  using mode_type = Mode;
  using ref_type = LocalRef<T, Mode>;

  constexpr Context(const char* name, Init) noexcept : name_(name) {}

  constexpr const char* name() const noexcept { return name_; }

  /// A reference to the calling thread's object (built now if this thread never used the
  /// key). Barrier mode: throws ContextMisuse where such a reference would not be sound.
  [[nodiscard]] LocalRef<T, Mode> local_ref() const {
    using Target = typename LocalRef<T, Mode>::Target;
    if constexpr (Mode::kind == detail::ContextMode::barrier) {
      const auto [object, thread] = Slot::object_for_ref();
      if (object == nullptr) [[unlikely]]
        detail::throw_context_misuse(name_, *thread);
#if defined(ASYNCL_CHECKED)
      thread->barrier_key = name_;
#endif
      return LocalRef<T, Mode>(Target(object, name_, thread->runtime));
    } else {
      return LocalRef<T, Mode>(Target(Slot::object(), name_, nullptr));
    }
  }

  /// fn(LocalRef<T, Mode>&) -> Task<R>; returns a Task<R> that, when it starts, makes a
  /// reference on the thread it starts on and runs fn's task with it.
  template <class F>
  [[nodiscard]] auto with_async(F fn) const {
    using Awaited = std::invoke_result_t<F&, LocalRef<T, Mode>&>;
    static_assert(detail::IsTask<Awaited>::value,
                  "KEY.with_async(fn): fn(LocalRef<T, Mode>&) must return an asyncl::Task");
    return run_with_async<typename Awaited::value_type>(*this, std::move(fn));
  }

  /// fn(T&) on the blocking pool with the calling thread's object; awaitable (JoinHandle).
  template <class F>
  [[nodiscard]] auto with_blocking(F fn) const {
    return local_ref().with_blocking(std::move(fn));
  }

 private:
  // A copy of the key (a name) lives in the frame; nothing refers to the key object itself.
  template <class R, class F>
  static Task<R> run_with_async(Context key, F fn) {
    LocalRef<T, Mode> ref = key.local_ref();
    if constexpr (std::is_void_v<R>) {
      co_await fn(ref);
    } else {
      co_return co_await fn(ref);
    }
  }

  const char* name_;
};

/// Makes a key. T explicit; Mode defaults to the build's; Init deduced from the lambda:
///   inline constexpr auto KEY = asyncl::context<std::string, asyncl::mode::leaky>(
///       "KEY", [] { return std::string("x"); });
template <class T, class Mode = mode::default_mode, class Init>
constexpr Context<T, Mode, Init> context(const char* name, Init init) noexcept {
  return Context<T, Mode, Init>(name, init);
}

}  // namespace asyncl
