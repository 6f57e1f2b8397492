#pragma once
// asyncl/runtime.hpp — the runtime: worker threads that run tasks, a blocking pool, a timer,
// and the shutdown barrier that makes thread-locals safe to hold across co_await.
//
// Defines:
//   asyncl::Runtime, asyncl::Runtime::Builder
//   asyncl::Runtime::Handle                    (spawn from anywhere; refused once the runtime is
//   gone) asyncl::spawn, asyncl::spawn_blocking      (inside a runtime: use the current one)
//   asyncl::inherit_task_locals                (spawn option)
//   asyncl::this_worker::index()
//
//   asyncl::Runtime rt = asyncl::Runtime::Builder().worker_threads(2).build();
//   int v = rt.block_on([]() -> asyncl::Task<int> {
//     asyncl::JoinHandle<int> h = asyncl::spawn(compute());
//     co_return co_await std::move(h);
//   }());
//
// Flavors: multi_thread() (the default) runs tasks on `worker_threads` workers, each with a local
// run queue, a global injection queue, stealing between workers and parking when idle; a task
// may move to another worker at every suspension. current_thread() runs tasks only on the
// thread inside block_on.
//
// Shutdown (the destructor; the numbered protocol is in lib/src/scheduler.cpp): new spawns
// are rejected; every task frame that has not completed is destroyed on a pool thread (the
// owner thread for current_thread), while every pool thread's thread-local objects are alive;
// queued blocking closures are dropped and running ones finish; then all pool threads meet at a
// barrier, and only after that do they return and destroy their thread-locals. So a pointer
// into any pool thread's thread-local object, held by any task, never dangles.
//
// Runtime::Handle is a cheap copyable reference to a runtime (rt.handle(), or
// Runtime::Handle::current() on the runtime's threads) for code that must spawn without owning
// it, from any thread. Once the destructor has begun, a spawn through a handle is rejected: its
// JoinHandle reports TaskCancelled ("spawn rejected"), the task is destroyed unstarted on the
// calling thread, a closure is not run. A handle may outlive its runtime; using it then is not
// an error, only a rejected spawn.
//
//   asyncl::Runtime::Handle h = rt.handle();
//   std::thread producer([h] { (void)h.spawn(work()); });  // runs, or is rejected: never UB
//
// Thread safety: spawn and spawn_blocking may be called from any thread. block_on may be called
// from any thread outside the runtime for a multi-thread runtime, and only from the thread that
// built it for a current-thread one; from a task or a pool thread it is refused
// (std::logic_error). Destroy a runtime outside it: on one of its own threads (inside a task or
// a blocking closure) the destructor would wait for itself, so it aborts with a message in
// every build; destroy a current-thread runtime on the thread that built it (checked builds
// verify this).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "asyncl/detail/runtime_core.hpp"
#include "asyncl/join_handle.hpp"
#include "asyncl/task.hpp"

namespace asyncl {

/// Spawn option: the child starts with copies of every task-local value the spawner sees.
struct InheritTaskLocals {
  explicit InheritTaskLocals() = default;
};
inline constexpr InheritTaskLocals inherit_task_locals{};

class Runtime {
 public:
  enum class Flavor { multi_thread, current_thread };
  class Handle;

  class Builder {
   public:
    Builder& multi_thread() noexcept {
      flavor_ = Flavor::multi_thread;
      return *this;
    }
    Builder& current_thread() noexcept {
      flavor_ = Flavor::current_thread;
      return *this;
    }
    /// Workers of a multi-thread runtime (default: hardware threads, at least 1).
    Builder& worker_threads(std::size_t n) noexcept {
      workers_ = n;
      return *this;
    }
    /// Most threads the blocking pool starts (default 64, at least 1).
    Builder& max_blocking_threads(std::size_t n) noexcept {
      max_blocking_ = n;
      return *this;
    }
    /// How long an idle blocking thread waits for work before it exits (default 10 s). A thread
    /// that a barrier-mode LocalRef points into never exits before shutdown.
    Builder& blocking_keep_alive(std::chrono::milliseconds d) noexcept {
      keep_alive_ = d;
      return *this;
    }
    /// Default true: pool threads rendezvous at shutdown before any exits (step 5), so
    /// barrier-mode contexts may be used on this runtime. false skips the rendezvous; only
    /// leaky- and shared-mode contexts may then be used (barrier-mode local_ref() is refused).
    Builder& barrier_protected(bool on) noexcept {
      barrier_protected_ = on;
      return *this;
    }
    Runtime build() const;

   private:
    friend class Runtime;
    Flavor flavor_ = Flavor::multi_thread;
    std::size_t workers_ = 0;
    std::size_t max_blocking_ = 64;
    std::chrono::milliseconds keep_alive_{10000};
    bool barrier_protected_ = true;
  };

  Runtime(Runtime&&) noexcept;
  Runtime& operator=(Runtime&&) = delete;
  ~Runtime();

  Flavor flavor() const noexcept;
  std::size_t worker_count() const noexcept;

  /// Runs `task` to completion and returns its result (or rethrows). Owner thread only.
  template <class T>
  T block_on(Task<T> task) {
    check_owner_thread("asyncl::Runtime::block_on");
    JoinHandle<T> handle(detail::spawn_on(core(), std::move(task), false));
    drive(handle);
    return handle.wait();
  }

  template <class T>
  JoinHandle<T> spawn(Task<T> task) {
    return JoinHandle<T>(detail::spawn_on(core(), std::move(task), false));
  }
  template <class T>
  JoinHandle<T> spawn(Task<T> task, InheritTaskLocals) {
    return JoinHandle<T>(detail::spawn_on(core(), std::move(task), true));
  }

  /// Runs `fn()` on the blocking pool. Called from a task, the task's frame is kept alive until
  /// `fn` returns (it may capture the frame's locals by reference), even if the task is aborted.
  template <class F>
  auto spawn_blocking(F&& fn) {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    return JoinHandle<R>(detail::spawn_blocking_on(core(), std::forward<F>(fn)));
  }

  /// A handle to spawn on this runtime from anywhere, also after it is gone (then refused).
  Handle handle() const;

 private:
  explicit Runtime(const Builder& builder);
  detail::RuntimeCore& core() const noexcept { return *core_; }
  void check_owner_thread(const char* caller) const;

  template <class T>
  void drive(JoinHandle<T>& handle) {
    drive_until([](void* h) { return static_cast<JoinHandle<T>*>(h)->is_finished(); }, &handle);
  }
  /// Owner thread: runs (current_thread) or waits for (multi_thread) tasks until done(arg).
  void drive_until(bool (*done)(void*), void* arg);

  std::unique_ptr<detail::RuntimeCore> core_;
};

namespace detail {
/// The runtime the calling thread works for; std::logic_error outside any runtime.
RuntimeCore& current_runtime(const char* caller);
}  // namespace detail

/// A reference to a runtime that any thread may spawn through, for as long as it likes.
///
/// Copying costs one atomic increment (a shared_ptr to the runtime's gate); a handle is never
/// empty (moving copies). Each spawn takes the gate's mutex twice, around the runtime's own
/// spawn. While the runtime is alive, the three spawns behave as Runtime's; from the moment its
/// destructor begins they are rejected: the JoinHandle is finished at once with TaskCancelled
/// ("spawn rejected"), a task is destroyed without having run (on the calling thread, by the end
/// of the statement that spawned it), a closure is not called. The destructor waits for spawns
/// through handles already in flight, so a spawn racing it either is admitted (and then run, or
/// cancelled by shutdown like any task) or rejected.
///
///   asyncl::Runtime::Handle h = rt.handle();
///   asyncl::JoinHandle<int> r = h.spawn(compute());   // any thread
///   int v = r.wait();                                 // TaskCancelled if rt was destroyed
///
/// Thread safety: as for std::shared_ptr. Any number of threads may spawn through (or copy) one
/// Handle object at once; assigning to it must not race with any other use of that object.
class Runtime::Handle {
 public:
  Handle(const Handle&) = default;
  Handle& operator=(const Handle&) = default;
  ~Handle() = default;

  /// The handle of the runtime the calling thread works for (a worker, a blocking thread, or the
  /// owner inside block_on). Outside a runtime: std::logic_error.
  static Handle current();

  template <class T>
  JoinHandle<T> spawn(Task<T> task) const {
    detail::RuntimeGate::Pass pass(*gate_);
    if (pass.runtime() == nullptr) return JoinHandle<T>(detail::rejected_spawn<T>());
    return JoinHandle<T>(detail::spawn_on(*pass.runtime(), std::move(task), false));
  }
  /// The child starts with copies of the calling thread's task-local values (inside a task: the
  /// task's; elsewhere there are none).
  template <class T>
  JoinHandle<T> spawn(Task<T> task, InheritTaskLocals) const {
    detail::RuntimeGate::Pass pass(*gate_);
    if (pass.runtime() == nullptr) return JoinHandle<T>(detail::rejected_spawn<T>());
    return JoinHandle<T>(detail::spawn_on(*pass.runtime(), std::move(task), true));
  }
  template <class F>
  auto spawn_blocking(F&& fn) const {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    detail::RuntimeGate::Pass pass(*gate_);
    if (pass.runtime() == nullptr) return JoinHandle<R>(detail::rejected_spawn<R>());
    return JoinHandle<R>(detail::spawn_blocking_on(*pass.runtime(), std::forward<F>(fn)));
  }

 private:
  friend class Runtime;
  explicit Handle(std::shared_ptr<detail::RuntimeGate> gate) noexcept : gate_(std::move(gate)) {}

  std::shared_ptr<detail::RuntimeGate> gate_;
};

/// Spawns on the runtime the calling thread belongs to (a worker, a blocking thread, or the
/// owner inside block_on). Outside a runtime: std::logic_error.
template <class T>
JoinHandle<T> spawn(Task<T> task) {
  return JoinHandle<T>(
      detail::spawn_on(detail::current_runtime("asyncl::spawn"), std::move(task), false));
}
template <class T>
JoinHandle<T> spawn(Task<T> task, InheritTaskLocals) {
  return JoinHandle<T>(
      detail::spawn_on(detail::current_runtime("asyncl::spawn"), std::move(task), true));
}
template <class F>
auto spawn_blocking(F&& fn) {
  using R = std::invoke_result_t<std::decay_t<F>&>;
  return JoinHandle<R>(detail::spawn_blocking_on(detail::current_runtime("asyncl::spawn_blocking"),
                                                 std::forward<F>(fn)));
}

namespace this_worker {
/// Which worker of its runtime runs the caller (0-based), or nullopt on any other thread.
/// Computed afresh at every call, also after a resume on another worker.
std::optional<std::size_t> index() noexcept;
}  // namespace this_worker

}  // namespace asyncl
