// scenarios/models/work_queue_model.cpp — migration: a task that holds a reference into its
// owner's thread-local payload is stolen and writes through it on the thief, on the real
// LocalQueue and TaskState.
//
// Worker O (thread 0) owns a LocalQueue and a thread-local payload; it pushes a task that holds
// a reference (a LocalRef) into the payload and then pops from its own queue. Thief T
// (thread 1) steals from O's queue into its own (LocalQueue::steal_into). Whoever takes the
// task runs it (detail::run_once, as SchedulerBase::run_task does) and the task writes through
// its reference; exactly one of them does in every interleaving. Both then meet at the
// ShutdownBarrier (step 5), and only then does O destroy its payload (step 6), writing it first
// (Relacy needs the write, docs/hazards.md, "Relacy").
//
// Each thread runs a straight line of queue operations, without the scheduler's loop: a full
// search of two threads is exhaustive only for a few dozen scheduling points (every lock,
// unlock and atomic operation is one), and a worker loop that polls until no task is left
// makes it run for days.
//
//   migration        2 threads, full search
//   steal-unlocked   mutant: the thief takes from O's ring without O's queue lock

#include "model.hpp"
//
#include "asyncl/detail/shutdown_barrier.hpp"
#include "asyncl/detail/task_state.hpp"
#include "asyncl/detail/work_queue.hpp"

namespace asyncl::models {
namespace {

using detail::cite;
using detail::Mutation;
using detail::ShutdownStep;
using detail::TaskState;

/// O's thread-local object.
struct Payload {
  detail::Var<int> cell{0};
};

struct Task {
  explicit Task(detail::Var<int>* payload_cell) : ref(payload_cell) {}

  TaskState state;  // new task: scheduled
  detail::Var<Task*> queue_next{nullptr};
  detail::Var<int>* ref;  // a LocalRef into O's payload
};

template <rl::test_result_e Expected>
struct Migration : rl::test_suite<Migration<Expected>, 2, Expected> {
  static constexpr unsigned kOwner = 0;
  static constexpr unsigned kThief = 1;

  detail::LocalQueue<Task, 2> queues[2];
  detail::ShutdownBarrier barrier{2};
  Payload* payload = nullptr;
  Task* task = nullptr;

  void before() {
    payload = new Payload;
    task = new Task(&payload->cell);
  }

  void thread(unsigned index) {
    if (index == kOwner) {
      const bool pushed = queues[kOwner].push(task);
      RL_ASSERT(pushed);
      if (Task* popped = queues[kOwner].pop()) run(popped);
    } else {
      if (Task* stolen = queues[kOwner].steal_into(queues[kThief])) run(stolen);
    }
    // Step 5.
    barrier.arrive_and_wait();
    // Step 6: O's thread-local objects are destroyed.
    if (index == kOwner) {
      payload->cell.store(-1);
      delete payload;
    }
  }

  /// SchedulerBase::run_task (detail::run_once) for a task that runs to completion: it is
  /// never cancelled or woken, so it must be resumed once and then destroyed as completed.
  void run(Task* taken) {
    struct Runner {
      Task* task;
      bool resume() const {
        task->ref->store(task->ref->load() + 1);
        return true;
      }
      void reschedule() const { RL_ASSERT(false); }
      void destroy(bool completed) const {
        RL_ASSERT(completed);
        delete task;
      }
    };
    detail::run_once(taken->state, Runner{taken});
  }
};

}  // namespace

std::vector<Model> work_queue_models() {
  return {
      entry<Migration<rl::test_result_success>>(
          "migration", "scenario", nullptr,
          "work queue; " + cite({ShutdownStep::destroy_frames, ShutdownStep::rendezvous,
                                 ShutdownStep::thread_return}),
          "A task holding a reference into worker O's thread-local payload is stolen and writes "
          "through it on the thief; O destroys the payload after the barrier",
          Mutation::none, true),
      entry<Migration<rl::test_result_data_race>>(
          "steal-unlocked", "mutant", "migration", "work queue: LocalQueue::steal_into",
          "The thief reads and takes from O's ring without O's queue lock while O pushes and pops",
          Mutation::queue_steal_unlocked, true),
  };
}

}  // namespace asyncl::models
