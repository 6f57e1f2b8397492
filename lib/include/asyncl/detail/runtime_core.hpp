#pragma once
// asyncl/detail/runtime_core.hpp — the part of the runtime that templates in public headers
// call into: admitting and scheduling tasks, the blocking pool, the timer.
// Implemented in lib/src/ (scheduler.cpp holds the shutdown protocol).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "asyncl/detail/join_state.hpp"
#include "asyncl/detail/root_task.hpp"
#include "asyncl/detail/runtime_gate.hpp"
#include "asyncl/detail/task_header.hpp"
#include "asyncl/task.hpp"

namespace asyncl::detail {

/// A closure queued on the blocking pool. Exactly one of run(), drop() or fail() is called,
/// once, and it deletes the job.
class BlockingJob {
 public:
  BlockingJob() = default;
  BlockingJob(const BlockingJob&) = delete;
  BlockingJob& operator=(const BlockingJob&) = delete;
  virtual void run() noexcept = 0;
  virtual void drop() noexcept = 0;
  /// No thread could be started to run it: its JoinHandle reports `error`.
  virtual void fail(std::exception_ptr error) noexcept = 0;

  BlockingJob* next = nullptr;  // the pool's queue link
  /// The task that submitted the job, pinned until the closure has finished: the closure may
  /// refer to the task's frame (a capture by reference), so the frame must outlive it.
  TaskHeader* pinned = nullptr;

 protected:
  virtual ~BlockingJob() = default;
  void unpin() noexcept;
};

/// A pending sleep_for: lives in the awaiter, linked into the timer while registered.
struct TimerEntry {
  using Clock = std::chrono::steady_clock;
  Clock::time_point deadline;
  TaskHeader* task = nullptr;
  std::multimap<Clock::time_point, TimerEntry*>::iterator position;  // guarded by the timer
  bool linked = false;                                               // guarded by the timer
};

class RuntimeCore {
 public:
  RuntimeCore(const RuntimeCore&) = delete;
  RuntimeCore& operator=(const RuntimeCore&) = delete;
  virtual ~RuntimeCore();

  /// Puts a task whose TaskState says "scheduled" into a run queue. Any thread.
  virtual void schedule(TaskHeader* task) = 0;

  /// Registers a new task; false once shutdown began (the caller then destroys the frame).
  virtual bool admit(TaskHeader* task) = 0;

  /// Queues a blocking closure, pinning the calling task (if any) until it finished; false once
  /// shutdown began (the job was dropped).
  virtual bool submit_blocking(BlockingJob* job) = 0;

  virtual void add_timer(TimerEntry& entry) = 0;
  virtual void remove_timer(TimerEntry& entry) noexcept = 0;

  /// Distinct for every runtime this process creates.
  std::uint64_t generation() const noexcept { return generation_; }

  /// Whether the pool threads rendezvous at shutdown (step 5) before any of them exits, which
  /// is what makes barrier-mode contexts sound on this runtime.
  bool barrier_protected() const noexcept { return barrier_protected_; }

  /// What Runtime::Handle holds; ~Runtime closes it before shutdown (runtime_gate.hpp).
  const std::shared_ptr<RuntimeGate>& gate() const noexcept { return gate_; }

 protected:
  explicit RuntimeCore(bool barrier_protected);

 private:
  const std::uint64_t generation_;
  const bool barrier_protected_;
  const std::shared_ptr<RuntimeGate> gate_;
};

/// Whether the runtime with this generation exists and has not finished shutting down (its
/// pool threads have not yet returned). For checked builds' LocalRef diagnostics: takes a lock.
bool runtime_alive(std::uint64_t generation) noexcept;

/// What a spawn has made before the task's frame (or the blocking job) owns it: freed if a later
/// step throws (the frame's allocation, a closure's move).
class PendingSpawn {
 public:
  PendingSpawn(JoinStateBase* join, ScopeNode* inherited) noexcept
      : join_(join), inherited_(inherited) {}
  PendingSpawn(const PendingSpawn&) = delete;
  PendingSpawn& operator=(const PendingSpawn&) = delete;
  ~PendingSpawn() {
    if (join_ != nullptr) {
      join_->release();  // the producer's reference
      join_->release();  // the JoinHandle's, which was never made
    }
    destroy_scope_copy(inherited_);
  }
  /// The frame or the job owns them now.
  void commit() noexcept { join_ = nullptr, inherited_ = nullptr; }

 private:
  JoinStateBase* join_;
  ScopeNode* inherited_;
};

/// Spawns `task` on `runtime`; the JoinState has one reference for the caller.
template <class T>
JoinState<T>* spawn_on(RuntimeCore& runtime, Task<T> task, bool inherit_scope) {
  // First: a value's copy constructor may throw, and nothing else exists yet to leak.
  ScopeNode* inherited = inherit_scope ? copy_scope(this_thread_context().scope) : nullptr;
  PendingSpawn pending(nullptr, inherited);
  JoinState<T>* join = nullptr;
  // One allocation for the frame and the JoinState (RootPromise::operator new); it may throw.
  RootTask root = root_body<T>(std::move(task), &join);
  pending.commit();
  const std::coroutine_handle<RootPromise> frame = root.release();
  frame.promise().bind(&runtime, join, inherited);
  if (!runtime.admit(frame.promise().header())) {
    destroy_root(frame, join, JoinStateBase::Status::rejected);
    return join;
  }
  runtime.schedule(frame.promise().header());
  return join;
}

template <class F, class R>
class BlockingJobFor final : public BlockingJob {
 public:
  BlockingJobFor(F&& fn, JoinState<R>* join) : fn_(std::forward<F>(fn)), join_(join) {}

  void run() noexcept override {
    try {
      if constexpr (std::is_void_v<R>) {
        (*fn_)();
        finish_closure();
        join_->complete();
      } else {
        R result = (*fn_)();
        finish_closure();
        join_->complete(std::move(result));
      }
    } catch (...) {
      finish_closure();
      if (!lose_exception()) join_->fail(std::current_exception());
    }
    join_->release();
    delete this;
  }

  /// Mutant blocking_exception_lost: completes with a default value instead of the exception.
  bool lose_exception() {
    if constexpr (std::is_void_v<R> || std::is_default_constructible_v<R>) {
      if (mutated(Mutation::blocking_exception_lost)) {
        if constexpr (std::is_void_v<R>) {
          join_->complete();
        } else {
          join_->complete(R{});
        }
        return true;
      }
    }
    return false;
  }

  void drop() noexcept override {
    finish_closure();
    join_->producer_gone(JoinStateBase::Status::cancelled);
    join_->release();
    delete this;
  }

  void fail(std::exception_ptr error) noexcept override {
    finish_closure();
    join_->fail(std::move(error));
    join_->release();
    delete this;
  }

 private:
  /// The closure and anything it captured are gone before the task is unpinned.
  void finish_closure() noexcept {
    fn_.reset();
    unpin();
  }

  std::optional<std::decay_t<F>> fn_;
  JoinState<R>* join_;
};

template <class F>
auto spawn_blocking_on(RuntimeCore& runtime, F&& fn) {
  using R = std::invoke_result_t<std::decay_t<F>&>;
  auto* join = JoinState<R>::make();
  PendingSpawn pending(join, nullptr);
  auto* job = new BlockingJobFor<F, R>(std::forward<F>(fn), join);  // the closure's move may throw
  pending.commit();
  runtime.submit_blocking(job);
  return join;
}

}  // namespace asyncl::detail
