// scenarios/models/idle_set_model.cpp — no lost wakeup in the real IdleSet.
//
// A worker (thread 0) finds no work and parks in the IdleSet, re-checking the Injector once it
// has announced itself; a pusher (thread 1) publishes a task to the Injector and calls
// IdleSet::notify_one, as MultiThreadScheduler::schedule does. Whatever the interleaving, the
// worker must wake and run the task: a push while a worker parks always wakes it. A lost
// wakeup leaves the worker blocked on the condition variable with nothing left to notify it,
// which Relacy reports as a deadlock.
//
//   idle-wakeup   2 threads, full search, spurious wakeups on
//   lost-wakeup   mutant: the pusher reads the sleeper count with a plain load instead of the
//                 read-modify-write, so it can miss a worker that just announced itself while
//                 that worker misses the task (store-load reordering)

#include "model.hpp"
//
#include "asyncl/detail/idle_set.hpp"
#include "asyncl/detail/work_queue.hpp"

namespace asyncl::models {
namespace {

using detail::Mutation;

struct Task {
  detail::Var<Task*> queue_next{nullptr};
  detail::Var<int> data{0};
};

template <rl::test_result_e Expected>
struct IdleWakeup : rl::test_suite<IdleWakeup<Expected>, 2, Expected> {
  static constexpr unsigned kWorker = 0;

  detail::Injector<Task> injector;
  detail::IdleSet idle{1};

  void thread(unsigned index) {
    if (index == kWorker) {
      for (;;) {
        if (Task* task = injector.pop()) {
          // The push published the task's data through the Injector's lock.
          RL_ASSERT(task->data.load() == 1);
          delete task;
          return;
        }
        idle.park([&] { return injector.size() > 0; });
      }
    }
    Task* task = new Task;
    task->data.store(1);
    injector.push(task);
    idle.notify_one();
  }
};

}  // namespace

std::vector<Model> idle_set_models() {
  return {
      entry<IdleWakeup<rl::test_result_success>>(
          "idle-wakeup", "scenario", nullptr, "idle set (idle_set.hpp)",
          "A task pushed while the only worker parks always wakes it", Mutation::none, true),
      entry<IdleWakeup<rl::test_result_deadlock>>(
          "lost-wakeup", "mutant", "idle-wakeup", "idle set: IdleSet::notify_one",
          "The pusher reads the sleeper count with a plain load; the worker parks for good",
          Mutation::idle_lost_wakeup, true),
  };
}

}  // namespace asyncl::models
