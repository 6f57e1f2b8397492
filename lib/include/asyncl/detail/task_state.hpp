#pragma once
// asyncl/detail/task_state.hpp — the state machine of one spawned task, in one atomic word.
//
// A spawned task is a coroutine frame owned by the runtime. Three kinds of actors touch its
// state: the worker that runs it, wakers (Notify, the timer, a finished blocking closure, a
// finished task it joins) and cancellers (JoinHandle::abort, runtime shutdown).
//
// Bits of the word:
//   kScheduled  the task sits in exactly one run queue (or is about to be pushed by whoever set
//               the bit); only the worker that pops it may clear the bit.
//   kRunning    a worker is inside resume() of the frame, or is destroying it.
//   kNotified   woken while running; the worker re-queues it when resume() returns. This is why
//               no other thread ever resumes a frame that is still executing an await_suspend:
//               the wake is deferred to the runner (clang 14 may touch the frame after
//               await_suspend published it, LLVM 56301; see docs/hazards.md).
//   kCancelled  abort() or shutdown asked for the frame to be destroyed instead of resumed.
//   kDraining   the task returned while closures it submitted still run; it waits, suspended,
//               for the last of them (root_task.hpp) before its frame and outcome go.
//   pins        (bits 8 and up) blocking closures submitted by the task that have not finished;
//               they may refer to the frame, so a cancelled frame is destroyed only at zero
//               pins, and a returned task finishes only at zero pins.
//
// Transitions (every other combination is unreachable):
//   idle(0)             --wake-->        scheduled           (the waker pushes it)
//   idle                --cancel-->      scheduled|cancelled (the canceller pushes it: destroy)
//   idle, pins > 0      --cancel-->      cancelled           (the last unpin pushes it)
//   idle|cancelled      --last unpin-->  scheduled|cancelled (the unpinner pushes it)
//   idle|draining       --last unpin-->  scheduled           (the unpinner pushes it)
//   scheduled           --begin_run-->   running             (resume; destroy when cancelled,
//                                                             or drop the run while pinned)
//   running, pins > 0   --drain-->       running|draining
//   running             --wake-->        running|notified
//   running             --end_run-->     idle, scheduled (was notified, or draining and the last
//                                        pin went while it ran), or destroy (cancelled)
//
// Preconditions (asserted in checked builds, on the word each transition reads anyway): begin_run
// needs a scheduled task that is not running; end_run a running one; pin a running one (the
// task pins itself); unpin a pin to drop.
//
// Memory ordering: every transition is an acq_rel RMW, also one that leaves the word as it was
// (update() always writes), so the writes a runner made to the frame before end_run are visible
// to the next runner after begin_run, whatever path the task took in between (a waker's RMW
// reads the runner's release and its push publishes the task), and the writes a blocking
// closure made to the frame before its unpin are visible to whoever destroys the frame.

#include <cstdint>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/checks.hpp"
#include "asyncl/detail/mutation.hpp"

namespace asyncl::detail {

class TaskState {
 public:
  static constexpr std::uint32_t kScheduled = 1u << 0;
  static constexpr std::uint32_t kRunning = 1u << 1;
  static constexpr std::uint32_t kNotified = 1u << 2;
  static constexpr std::uint32_t kCancelled = 1u << 3;
  static constexpr std::uint32_t kDraining = 1u << 4;
  static constexpr std::uint32_t kPinUnit = 1u << 8;

  /// A new task is scheduled: its spawner pushes it.
  TaskState() = default;

  /// Whoever gets true from wake(), cancel() or unpin() must push the task to a run queue;
  /// whoever gets false must not.
  [[nodiscard]] bool wake() {
    return update([](std::uint32_t s) -> Step {
      if (s & (kScheduled | kNotified)) return {s, false};
      if (s & kRunning) return {s | kNotified, false};
      return {s | kScheduled, true};
    });
  }

  [[nodiscard]] bool cancel() {
    return update([](std::uint32_t s) -> Step {
      if (s & kCancelled) return {s, false};
      if ((s & (kScheduled | kRunning)) || pins(s) > 0) return {s | kCancelled, false};
      return {s | kCancelled | kScheduled, true};
    });
  }

  /// The running task hands its frame to a blocking closure.
  void pin() {
    [[maybe_unused]] const std::uint32_t before =
        word_.fetch_add(kPinUnit, std::memory_order_acq_rel);
    ASYNCL_INTERNAL_EXPECT(before & kRunning, "pin: only the running task pins itself");
  }

  /// The closure finished and holds nothing of the frame any more.
  [[nodiscard]] bool unpin() {
    return update([](std::uint32_t s) -> Step {
      ASYNCL_INTERNAL_EXPECT(pins(s) > 0, "unpin: the task holds no pin");
      s -= kPinUnit;
      if (pins(s) == 0 && (s & (kCancelled | kDraining)) && !(s & (kScheduled | kRunning))) {
        return {(s & ~kDraining) | kScheduled, true};
      }
      return {s, false};
    });
  }

  /// The running task returned: true when closures it submitted still run (it must suspend;
  /// the last unpin, or its own end_run, reschedules it), false when none does.
  [[nodiscard]] bool drain() {
    return update([](std::uint32_t s) -> Step {
      if (pins(s) == 0) return {s, false};
      return {s | kDraining, true};
    });
  }

  enum class Run { resume, destroy, skip };

  /// Called by the worker that popped the task.
  Run begin_run() {
    Run run = Run::resume;
    update([&](std::uint32_t s) -> Step {
      ASYNCL_INTERNAL_EXPECT((s & kScheduled) && !(s & kRunning),
                             "begin_run: the task is not scheduled, or already running");
      s &= ~(kScheduled | kDraining);
      if ((s & kCancelled) && pins(s) > 0) {
        run = Run::skip;
        return {s, false};
      }
      run = (s & kCancelled) ? Run::destroy : Run::resume;
      return {s | kRunning, false};
    });
    return run;
  }

  enum class After { idle, reschedule, destroy };

  /// Called by the worker after resume() returned with the task suspended (not finished).
  After end_run() {
    After after = After::idle;
    update([&](std::uint32_t s) -> Step {
      ASYNCL_INTERNAL_EXPECT((s & kRunning) && !(s & kScheduled),
                             "end_run: the task is not running");
      if (s & kNotified) {
        after = After::reschedule;
        return {(s & ~(kRunning | kNotified)) | kScheduled, false};
      }
      if ((s & kCancelled) && pins(s) == 0) {
        after = After::destroy;
        return {s, false};
      }
      if ((s & kDraining) && pins(s) == 0) {
        after = After::reschedule;
        return {(s & ~(kRunning | kDraining)) | kScheduled, false};
      }
      after = After::idle;
      return {s & ~kRunning, false};
    });
    return after;
  }

  std::uint32_t snapshot() const { return word_.load(std::memory_order_acquire); }

 private:
  static constexpr std::uint32_t pins(std::uint32_t s) { return s / kPinUnit; }

  struct Step {
    std::uint32_t next;
    bool push;
  };

  template <class F>
  bool update(F f) {
    std::uint32_t s = word_.load(std::memory_order_relaxed);
    for (;;) {
      const Step step = f(s);
      // Mutant: a decision that leaves the word unchanged rests on the relaxed load alone.
      if (step.next == s && mutated(Mutation::task_state_unordered_decision)) return step.push;
      // acq_rel on success, also when the word stays as it was: see the class comment (a
      // worker that decides to destroy a cancelled frame must acquire the closure's last
      // unpin). Relaxed on failure: we only retry.
      if (word_.compare_exchange_weak(s, step.next, std::memory_order_acq_rel,
                                      std::memory_order_relaxed)) {
        return step.push;
      }
    }
  }

  Atomic<std::uint32_t> word_{kScheduled};
};

/// One run of a popped task, as its TaskState decides: resume it, destroy it, or drop the run.
/// SchedulerBase::run_task runs every task through this, and the Relacy shutdown model
/// (scenarios/models) runs its frames through it too, so the model checks this dispatch.
/// `runner` provides:
///   bool resume()            resume the frame; true when the task has completed
///   void reschedule()        push the task to a run queue again (it was woken while running)
///   void destroy(bool done)  retire the task and destroy its frame (done: it completed)
template <class Runner>
void run_once(TaskState& state, Runner&& runner) {
  switch (state.begin_run()) {
    case TaskState::Run::skip:
      return;
    case TaskState::Run::destroy:
      runner.destroy(false);
      return;
    case TaskState::Run::resume:
      break;
  }
  // A completed task is destroyed without end_run: nothing can wake it any more.
  if (runner.resume()) {
    runner.destroy(true);
    return;
  }
  switch (state.end_run()) {
    case TaskState::After::idle:
      return;
    case TaskState::After::reschedule:
      runner.reschedule();
      return;
    case TaskState::After::destroy:
      runner.destroy(false);
      return;
  }
}

}  // namespace asyncl::detail
