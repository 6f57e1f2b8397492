// scenarios/models/shutdown_barrier_model.cpp — the shutdown race, on the real ShutdownBarrier,
// TaskState, Injector and IdleSet, with tasks run by the scheduler's own dispatch
// (detail::run_once).
//
// The shutdown protocol is numbered at the top of lib/src/scheduler.cpp. What this checks:
// a task's frame holds a reference (a LocalRef) into worker B's thread-local object and writes
// through it when it runs and when it is destroyed. Shutdown cancels the task (step 2), a worker
// destroys the frame (step 4), every thread meets at the ShutdownBarrier (step 5), and only
// then does B destroy its thread-local object (step 6). The payload is heap data (an rl::var),
// and B writes it just before deleting it: Relacy does not order a destruction against earlier
// accesses by itself (docs/hazards.md, "Relacy").
//
// The workers run MultiThreadScheduler::worker_main's loop: take a task from the Injector, or
// park in the IdleSet until a push or the last retirement closes it. The worker that retires
// the last task destroys the frame after retiring it (the order of
// SchedulerBase::destroy_task), so B can see "no tasks left" while the frame is still being
// destroyed: only the barrier orders the frame's last write before B's teardown.
//
//   shutdown-race               owner + workers A and B: 3 threads, context bound; CondVar
//                               spurious wakeups off (with them even bound 1 does not finish)
//   shutdown-race-blocking      + a blocking thread whose closure pins the task and writes
//                               through its own reference: 4 threads, random search
//   skip-barrier-wait           mutant: step 5 skipped, B frees its payload while A may write it
//   skip-barrier-wait-blocking  the same mutant in the four-thread model
//   relaxed-barrier             mutant: step 5 with relaxed atomics, no happens-before edge

#include "model.hpp"
//
#include "asyncl/detail/idle_set.hpp"
#include "asyncl/detail/shutdown_barrier.hpp"
#include "asyncl/detail/task_state.hpp"
#include "asyncl/detail/work_queue.hpp"

namespace asyncl::models {
namespace {

using detail::cite;
using detail::Mutation;
using detail::ShutdownStep;
using detail::TaskState;

/// Worker B's thread-local object: one field the task writes, one its blocking closure writes
/// (the two may run at the same time).
struct Payload {
  detail::Var<int> from_task{0};
  detail::Var<int> from_closure{0};
};

/// A task's frame, reduced to what shutdown touches: the state word, the run-queue link and a
/// reference into worker B's thread-local payload.
struct Frame {
  explicit Frame(Payload* payload)
      : ref(&payload->from_task), closure_ref(&payload->from_closure) {}
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  /// The frame's destructors write through the reference too.
  ~Frame() { ref->store(ref->load() + 100); }

  /// The task body up to its next suspension.
  void resume() { ref->store(ref->load() + 1); }

  TaskState state;  // new task: scheduled
  detail::Var<Frame*> queue_next{nullptr};
  detail::Var<int>* ref;
  detail::Var<int>* closure_ref;  // captured by the blocking closure
};

/// Threads: 0 the owner, 1 worker A, 2 worker B (owns the payload), 3 a blocking thread when
/// Blocking. The task starts queued (spawned before shutdown); with Blocking it has also handed
/// a closure to the blocking thread, which pins it.
template <bool Blocking, rl::test_result_e Expected>
struct ShutdownRace : rl::test_suite<ShutdownRace<Blocking, Expected>, Blocking ? 4 : 3, Expected> {
  static constexpr unsigned kOwner = 0;
  static constexpr unsigned kPayloadOwner = 2;
  static constexpr unsigned kBlocking = 3;

  detail::ShutdownBarrier barrier{Blocking ? 4u : 3u};  // step 1: every pool thread + the owner
  detail::Injector<Frame> injector;
  detail::IdleSet idle{2};
  detail::Atomic<int> live_tasks{1};
  Payload* payload = nullptr;  // worker B's thread-local object
  Frame* frame = nullptr;

  void before() {
    payload = new Payload;
    frame = new Frame(payload);
    if (Blocking) frame->state.pin();
    injector.push(frame);
  }

  void thread(unsigned index) {
    if (index == kOwner) {
      shutdown();
    } else if (Blocking && index == kBlocking) {
      blocking_thread();
    } else {
      worker(index);
    }
  }

  void shutdown() {
    // Step 2: cancel. A task in no queue is pushed so that a worker destroys it; a queued,
    // running or pinned one is destroyed by whoever holds it next. After cancel() the owner
    // does not touch the frame again: a worker may destroy it at once.
    if (frame->state.cancel()) schedule(frame);
    // Step 5.
    barrier.arrive_and_wait();
  }

  void worker(unsigned index) {
    // Step 4: run or destroy tasks until none is left (MultiThreadScheduler::worker_main).
    for (;;) {
      if (Frame* task = injector.pop()) {
        run(task);
        continue;
      }
      if (all_tasks_gone()) break;
      idle.park([&] { return injector.size() > 0 || all_tasks_gone(); });
    }
    // Step 5.
    barrier.arrive_and_wait();
    // Step 6: the thread returns and its thread-local objects are destroyed.
    if (index == kPayloadOwner) {
      payload->from_task.store(-1);
      payload->from_closure.store(-1);
      delete payload;
    }
  }

  /// Step 3: the running closure finishes (writing through its reference), unpins the task,
  /// and the thread goes to the barrier.
  void blocking_thread() {
    Frame* task = frame;
    task->closure_ref->store(task->closure_ref->load() + 1);
    if (task->state.unpin()) schedule(task);
    barrier.arrive_and_wait();
  }

  /// SchedulerBase::run_task: the library's own dispatch (detail::run_once). The model's
  /// frames never complete; they suspend again or are destroyed.
  void run(Frame* task) {
    struct Runner {
      ShutdownRace& model;
      Frame* task;
      bool resume() const {
        task->resume();
        return false;
      }
      void reschedule() const { model.schedule(task); }
      void destroy(bool) const { model.destroy(task); }
    };
    detail::run_once(task->state, Runner{*this, task});
  }

  /// SchedulerBase::destroy_task: retire first (workers may now see no task left and leave
  /// the idle set), then destroy.
  void destroy(Frame* task) {
    if (live_tasks.fetch_sub(1, std::memory_order_release) == 1) idle.close();
    delete task;
  }

  void schedule(Frame* task) {
    injector.push(task);
    idle.notify_one();
  }

  bool all_tasks_gone() const { return live_tasks.load(std::memory_order_acquire) == 0; }
};

constexpr auto kSuccess = rl::test_result_success;
constexpr auto kDataRace = rl::test_result_data_race;

}  // namespace

std::vector<Model> shutdown_barrier_models() {
  return {
      entry<ShutdownRace<false, kSuccess>>(
          "shutdown-race", "scenario", nullptr,
          cite({ShutdownStep::cancel, ShutdownStep::destroy_frames, ShutdownStep::rendezvous,
                ShutdownStep::thread_return}),
          "A cancelled task whose frame writes into worker B's thread-local payload is destroyed "
          "by a worker (step 4) before the barrier (step 5) and B's teardown (step 6)",
          Mutation::none, false),
      entry<ShutdownRace<true, kSuccess>>(
          "shutdown-race-blocking", "scenario", nullptr,
          cite({ShutdownStep::cancel, ShutdownStep::blocking_work, ShutdownStep::destroy_frames,
                ShutdownStep::rendezvous, ShutdownStep::thread_return}),
          "As shutdown-race, with a blocking closure that pins the task and writes into B's "
          "payload; the last unpin hands the cancelled frame to a worker",
          Mutation::none, true),
      entry<ShutdownRace<false, kDataRace>>(
          "skip-barrier-wait", "mutant", "shutdown-race", cite(ShutdownStep::rendezvous),
          "Threads leave the barrier without waiting: B frees its payload while a worker still "
          "destroys the frame that writes into it",
          Mutation::skip_barrier_wait, false),
      entry<ShutdownRace<true, kDataRace>>(
          "skip-barrier-wait-blocking", "mutant", "shutdown-race-blocking",
          cite(ShutdownStep::rendezvous),
          "As skip-barrier-wait, found by the random search of the four-thread model",
          Mutation::skip_barrier_wait, true),
      entry<ShutdownRace<false, kDataRace>>(
          "relaxed-barrier", "mutant", "shutdown-race", cite(ShutdownStep::rendezvous),
          "The barrier's atomics are relaxed: the frame's last write is not ordered before B's "
          "teardown",
          Mutation::relaxed_barrier, false),
  };
}

}  // namespace asyncl::models
