// scenarios/models/task_state_model.cpp — a blocking closure's last unpin races the end of its
// cancelled task's run, on the real TaskState and run dispatch (detail::run_once).
//
// The task is running on worker W (thread 0), cancelled (abort), and pinned by one blocking
// closure B (thread 1) that writes into the task's frame. W's run ends (end_run); B finishes
// and unpins. Exactly one of them destroys the frame: W when B's unpin came first (end_run sees
// cancelled, zero pins), B otherwise (its unpin pushes the task; here B runs it at once, as a
// worker that pops it would). The frame's destructor reads what B wrote, so whoever destroys it
// must have acquired B's unpin — also when end_run leaves the state word unchanged.
//
//   task-state                       2 threads, full search
//   task-state-unordered-decision    mutant: a decision that leaves the word unchanged rests on
//                                    a relaxed load (the old TaskState::update shortcut)

#include "model.hpp"
//
#include "asyncl/detail/task_state.hpp"

namespace asyncl::models {
namespace {

using detail::Mutation;
using detail::TaskState;

struct Frame {
  TaskState state;
  detail::Var<int> closure_result{0};
};

template <rl::test_result_e Expected>
struct CancelledWhilePinned : rl::test_suite<CancelledWhilePinned<Expected>, 2, Expected> {
  static constexpr unsigned kWorker = 0;
  static constexpr unsigned kClosure = 1;

  Frame* frame = nullptr;
  detail::Atomic<int> destroyed{0};

  void before() {
    frame = new Frame;
    destroyed.store(0, std::memory_order_relaxed);
    RL_ASSERT(frame->state.begin_run() == TaskState::Run::resume);  // W runs the task
    frame->state.pin();                                             // it submits B
    RL_ASSERT(!frame->state.cancel());                              // abort: running, so no push
  }

  void thread(unsigned index) {
    if (index == kWorker) {
      // resume() returned with the task suspended: the rest of detail::run_once.
      if (frame->state.end_run() == TaskState::After::destroy) destroy();
    } else {
      frame->closure_result.store(42);  // the closure writes into the frame
      if (frame->state.unpin()) {
        // The unpinner pushes the task; the worker that pops it runs it.
        struct Runner {
          CancelledWhilePinned* suite;
          bool resume() const {
            RL_ASSERT(false);  // a cancelled task is never resumed
            return false;
          }
          void reschedule() const { RL_ASSERT(false); }
          void destroy(bool completed) const {
            RL_ASSERT(!completed);
            suite->destroy();
          }
        };
        detail::run_once(frame->state, Runner{this});
      }
    }
  }

  void destroy() {
    RL_ASSERT(frame->closure_result.load() == 42);  // the frame's destructor reads it
    destroyed.fetch_add(1, std::memory_order_relaxed);
    delete frame;
  }

  void after() { RL_ASSERT(destroyed.load(std::memory_order_relaxed) == 1); }
};

}  // namespace

std::vector<Model> task_state_models() {
  return {
      entry<CancelledWhilePinned<rl::test_result_success>>(
          "task-state", "scenario", nullptr, "task state: end_run and the last unpin",
          "A cancelled running task's last blocking closure unpins while its run ends; whoever "
          "destroys the frame sees the closure's writes to it",
          Mutation::none, true),
      entry<CancelledWhilePinned<rl::test_result_data_race>>(
          "task-state-unordered-decision", "mutant", "task-state",
          "task state: TaskState::update ordering",
          "end_run decides to destroy on a relaxed load when the word stays unchanged, without "
          "acquiring the closure's unpin",
          Mutation::task_state_unordered_decision, true),
  };
}

}  // namespace asyncl::models
