// Unit tests of asyncl/detail/task_state.hpp: every transition of the table at the top of the
// header, and the "no change" answers around it, one table row per case, single-threaded.
//
// A row reaches its starting state through the public transitions only (from a new task, which
// is scheduled), applies one transition and checks what it returned and the word after it.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "asyncl/detail/task_state.hpp"

namespace asyncl::detail {
namespace {

enum class Op { wake, cancel, pin, unpin, drain, begin_run, end_run };

constexpr std::uint32_t S = TaskState::kScheduled;
constexpr std::uint32_t R = TaskState::kRunning;
constexpr std::uint32_t N = TaskState::kNotified;
constexpr std::uint32_t C = TaskState::kCancelled;
constexpr std::uint32_t D = TaskState::kDraining;
constexpr std::uint32_t P = TaskState::kPinUnit;

/// What a transition answered, as one word: "push"/"no push" for wake, cancel and unpin;
/// "resume"/"destroy"/"skip" for begin_run; "idle"/"reschedule"/"destroy" for end_run.
std::string apply(TaskState& state, Op op) {
  switch (op) {
    case Op::wake:
      return state.wake() ? "push" : "no push";
    case Op::cancel:
      return state.cancel() ? "push" : "no push";
    case Op::unpin:
      return state.unpin() ? "push" : "no push";
    case Op::pin:
      state.pin();
      return "";
    case Op::drain:
      return state.drain() ? "suspend" : "go on";
    case Op::begin_run:
      switch (state.begin_run()) {
        case TaskState::Run::resume:
          return "resume";
        case TaskState::Run::destroy:
          return "destroy";
        case TaskState::Run::skip:
          return "skip";
      }
      break;
    case Op::end_run:
      switch (state.end_run()) {
        case TaskState::After::idle:
          return "idle";
        case TaskState::After::reschedule:
          return "reschedule";
        case TaskState::After::destroy:
          return "destroy";
      }
      break;
  }
  return "?";
}

struct Row {
  const char* name;      // the header's table line, or what the row pins
  std::vector<Op> path;  // from a new task (scheduled) to the starting state
  std::uint32_t before;  // the starting state, checked before the transition
  Op op;
  const char* answer;
  std::uint32_t after;
};

// Paths to the states the table starts from.
const std::vector<Op> kIdle{Op::begin_run, Op::end_run};
const std::vector<Op> kRunning{Op::begin_run};
const std::vector<Op> kIdlePinned{Op::begin_run, Op::pin, Op::end_run};
const std::vector<Op> kRunningPinned{Op::begin_run, Op::pin};
const std::vector<Op> kIdleCancelledPinned{Op::begin_run, Op::pin, Op::end_run, Op::cancel};

const std::vector<Row> kRows = {
    // The header's table, line by line.
    {"idle --wake--> scheduled", kIdle, 0, Op::wake, "push", S},
    {"idle --cancel--> scheduled|cancelled", kIdle, 0, Op::cancel, "push", S | C},
    {"idle, pins > 0 --cancel--> cancelled", kIdlePinned, P, Op::cancel, "no push", C | P},
    {"idle|cancelled --last unpin--> scheduled|cancelled", kIdleCancelledPinned, C | P, Op::unpin,
     "push", S | C},
    {"scheduled --begin_run--> running (resume)", {}, S, Op::begin_run, "resume", R},
    {"scheduled|cancelled --begin_run--> running (destroy)",
     {Op::cancel},
     S | C,
     Op::begin_run,
     "destroy",
     R | C},
    {"scheduled|cancelled, pinned --begin_run--> drop the run",
     {Op::begin_run, Op::pin, Op::end_run, Op::wake, Op::cancel},
     S | C | P,
     Op::begin_run,
     "skip",
     C | P},
    {"running --wake--> running|notified", kRunning, R, Op::wake, "no push", R | N},
    {"running --end_run--> idle", kRunning, R, Op::end_run, "idle", 0},
    {"running|notified --end_run--> scheduled",
     {Op::begin_run, Op::wake},
     R | N,
     Op::end_run,
     "reschedule",
     S},
    {"running|cancelled --end_run--> destroy",
     {Op::begin_run, Op::cancel},
     R | C,
     Op::end_run,
     "destroy",
     R | C},

    // No change, no push: whoever got "push" before owns the push.
    {"scheduled --wake--> unchanged", {}, S, Op::wake, "no push", S},
    {"running|notified --wake--> unchanged",
     {Op::begin_run, Op::wake},
     R | N,
     Op::wake,
     "no push",
     R | N},
    {"scheduled --cancel--> scheduled|cancelled, the queue holder destroys it",
     {},
     S,
     Op::cancel,
     "no push",
     S | C},
    {"running --cancel--> running|cancelled, the runner destroys it", kRunning, R, Op::cancel,
     "no push", R | C},
    {"cancelled --cancel--> unchanged", {Op::cancel}, S | C, Op::cancel, "no push", S | C},
    {"idle|cancelled --wake--> cancelled task is not woken twice", kIdleCancelledPinned, C | P,
     Op::wake, "push", S | C | P},

    // Pins.
    {"running --pin--> one pin", kRunning, R, Op::pin, "", R | P},
    {"running, 1 pin --pin--> two pins", kRunningPinned, R | P, Op::pin, "", R | 2 * P},
    {"idle, 1 pin --unpin--> idle, not cancelled: no push", kIdlePinned, P, Op::unpin, "no push",
     0},
    {"running|cancelled, 1 pin --unpin--> the runner decides",
     {Op::begin_run, Op::pin, Op::cancel},
     R | C | P,
     Op::unpin,
     "no push",
     R | C},
    {"running|cancelled, 1 pin --end_run--> idle, the last unpin pushes",
     {Op::begin_run, Op::pin, Op::cancel},
     R | C | P,
     Op::end_run,
     "idle",
     C | P},
    // A task that returned while its closures run (root_task.hpp) waits for them.
    {"running, pins > 0 --drain--> running|draining", kRunningPinned, R | P, Op::drain, "suspend",
     R | D | P},
    {"running, no pin --drain--> unchanged: the task goes on", kRunning, R, Op::drain, "go on", R},
    {"running|draining --end_run--> idle, the last unpin pushes",
     {Op::begin_run, Op::pin, Op::drain},
     R | D | P,
     Op::end_run,
     "idle",
     D | P},
    {"idle|draining --last unpin--> scheduled",
     {Op::begin_run, Op::pin, Op::drain, Op::end_run},
     D | P,
     Op::unpin,
     "push",
     S},
    {"running|draining, last pin gone while running --end_run--> scheduled",
     {Op::begin_run, Op::pin, Op::drain, Op::unpin},
     R | D,
     Op::end_run,
     "reschedule",
     S},
    {"idle|draining|cancelled --last unpin--> destroy it",
     {Op::begin_run, Op::pin, Op::drain, Op::end_run, Op::cancel},
     D | C | P,
     Op::unpin,
     "push",
     S | C},
};

class TaskStateTransition : public testing::TestWithParam<Row> {};

TEST_P(TaskStateTransition, AnswersAndLeavesTheWord) {
  const Row& row = GetParam();
  TaskState state;
  for (const Op op : row.path) apply(state, op);
  ASSERT_EQ(state.snapshot(), row.before) << "the path does not reach the row's starting state";
  EXPECT_EQ(apply(state, row.op), row.answer);
  EXPECT_EQ(state.snapshot(), row.after);
}

std::string row_name(const testing::TestParamInfo<Row>& info) {
  std::string name = std::to_string(info.index) + "_";
  for (const char* c = info.param.name; *c != '\0'; ++c) {
    const bool alnum =
        (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9');
    if (alnum) {
      name += *c;
    } else if (name.back() != '_') {
      name += '_';
    }
  }
  while (name.back() == '_') name.pop_back();
  return name;
}

INSTANTIATE_TEST_SUITE_P(Table, TaskStateTransition, testing::ValuesIn(kRows), row_name);

TEST(TaskState, NewTaskIsScheduled) { EXPECT_EQ(TaskState().snapshot(), S); }

TEST(TaskState, RunOnceFollowsTheState) {
  struct Runner {
    std::string log;
    bool completes = false;
    bool resume() {
      log += "resume ";
      return completes;
    }
    void reschedule() { log += "reschedule "; }
    void destroy(bool done) { log += done ? "destroy(done) " : "destroy(cancelled) "; }
  };
  {
    TaskState state;
    Runner runner;
    runner.completes = true;
    run_once(state, runner);
    EXPECT_EQ(runner.log, "resume destroy(done) ");
  }
  {
    TaskState state;
    (void)state.cancel();
    Runner runner;
    run_once(state, runner);
    EXPECT_EQ(runner.log, "destroy(cancelled) ");
  }
  {
    TaskState state;
    Runner runner;
    run_once(state, runner);
    EXPECT_EQ(runner.log, "resume ");
    EXPECT_EQ(state.snapshot(), 0u);
  }
}

#if defined(ASYNCL_CHECKED)
// Checked builds assert each transition's precondition (asyncl/detail/checks.hpp).
TEST(TaskStateDeathTest, CheckedBuildsRejectTransitionsFromTheWrongState) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        TaskState state;
        (void)state.begin_run();
        (void)state.begin_run();
      },
      "precondition failed: begin_run");
  EXPECT_DEATH(
      {
        TaskState state;
        (void)state.end_run();
      },
      "precondition failed: end_run");
  EXPECT_DEATH(
      {
        TaskState state;
        (void)state.unpin();
      },
      "precondition failed: unpin");
  EXPECT_DEATH(
      {
        TaskState state;
        state.pin();
      },
      "precondition failed: pin");
}
#endif

}  // namespace
}  // namespace asyncl::detail
