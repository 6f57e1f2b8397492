// scenarios/models/task_local_model.cpp — isolation: the task-local swap of promise_base.hpp
// (await_transform's ScopedAwaiter, enter_scope/leave_scope, PromiseBase::InitialAwaiter) on real
// coroutine frames that migrate between two threads.
//
// Two tasks share two threads. Task A runs in a scope where the task-local holds 1; task B was
// spawned outside every scope. Each thread runs its own task up to its first co_await, then
// hands it over through a one-slot mailbox (an atomic exchange, acq_rel like a run queue's
// lock): the thread that arrives first leaves its task there, the second runs the other
// thread's task to its end and then its own. So in every interleaving one task resumes on the
// thread where the other ran. After every resume each task looks the task-local up the way
// TaskLocal does (the calling thread's ThreadContext::scope chain) and asserts that it sees its
// own value: A always 1, B never A's; and the worker asserts that once a task suspended or
// finished, the thread sees nothing of it.
//
// The run queue and TaskState are left out on purpose (migration and shutdown-race check them):
// the swap itself touches only the calling thread's context, and with a locked queue a full
// search of two threads does not finish.
//
//   isolation                 2 threads, full search
//   task-local-not-restored   mutant: the scope is not cleared on suspend nor reset on resume,
//                             so the thread, and B resumed where A ran, see A's value

#include "model.hpp"
//
#include "asyncl/detail/promise_base.hpp"
#include "asyncl/detail/root_task.hpp"
#include "asyncl/detail/task_header.hpp"
#include "asyncl/detail/thread_context.hpp"

namespace asyncl::models {
namespace {

using detail::Mutation;
using detail::ScopeNode;
using detail::TaskHeader;

constexpr int kYields = 2;
constexpr int kNoValue = 0;

/// The TaskLocal: its address is the key of its scope nodes.
const int kTaskLocal = 0;

/// The value the calling code sees: the innermost scope of kTaskLocal on this thread.
int visible_value() {
  const ScopeNode* node = detail::this_thread_context().scope;
  for (; node != nullptr; node = node->parent) {
    if (node->key == &kTaskLocal) return *static_cast<const int*>(node->value);
  }
  return kNoValue;
}

/// A spawned task's root coroutine: like RootPromise, a PromiseBase holding the TaskHeader,
/// with RootPromise's initial and final awaiters.
class ModelTask {
 public:
  class promise_type : public detail::PromiseBase {
   public:
    promise_type() noexcept { header_ = &header; }
    ModelTask get_return_object() noexcept {
      return ModelTask(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    InitialAwaiter initial_suspend() noexcept { return InitialAwaiter(this); }
    detail::RootPromise::FinalAwaiter final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }

    TaskHeader header;
  };

  explicit ModelTask(std::coroutine_handle<promise_type> handle) : handle_(handle) {}

  /// Binds the frame to its header and its task-local scope; the runtime owns it from now on.
  TaskHeader* spawn(ScopeNode* scope) {
    promise_type& promise = handle_.promise();
    promise.scope_ = scope;
    promise.header.root = handle_;
    promise.header.resume_point = handle_;
    return &promise.header;
  }

 private:
  std::coroutine_handle<promise_type> handle_;
};

/// Suspends the task, like asyncl::yield_now (whose wake the runtime defers to the end of the
/// run; here the thread that runs the task decides where it resumes).
class Yield {
 public:
  using is_asyncl_awaiter = void;  // registers with the (modelled) runtime, like yield_now
  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    detail::suspend_point(h);
  }
  void await_resume() const noexcept {}
};

ModelTask task_body(int expected) {
  for (int i = 0; i < kYields; ++i) {
    RL_ASSERT(visible_value() == expected);
    co_await Yield{};
  }
  RL_ASSERT(visible_value() == expected);
}

template <rl::test_result_e Expected>
struct Isolation : rl::test_suite<Isolation<Expected>, 2, Expected> {
  detail::Atomic<TaskHeader*> mailbox{nullptr};
  int value_a = 1;
  ScopeNode scope_a{&kTaskLocal, &value_a};
  TaskHeader* tasks[2] = {};

  void before() {
    tasks[0] = task_body(value_a).spawn(&scope_a);
    tasks[1] = task_body(kNoValue).spawn(nullptr);
  }

  void thread(unsigned index) {
    TaskHeader* own = tasks[index];
    resume(own);
    // acq_rel: the frame's writes before the hand-over are visible to whoever resumes it.
    if (TaskHeader* other = mailbox.exchange(own, std::memory_order_acq_rel)) {
      run_to_end(other);
      run_to_end(mailbox.exchange(nullptr, std::memory_order_acq_rel));
    }
  }

  /// One run of the task on the calling thread, as SchedulerBase::run_task does it. Once the
  /// task suspended or finished, the thread sees nothing of it.
  void resume(TaskHeader* task) {
    detail::ThreadContext& context = detail::this_thread_context();
    context.current_task = task;
    task->resume_point.resume();
    context.current_task = nullptr;
    RL_ASSERT(visible_value() == kNoValue);
  }

  void run_to_end(TaskHeader* task) {
    while (!task->root.done()) resume(task);
    task->root.destroy();
  }
};

}  // namespace

std::vector<Model> task_local_models() {
  return {
      entry<Isolation<rl::test_result_success>>(
          "isolation", "scenario", nullptr, "task-local swap (promise_base.hpp)",
          "Two tasks, one inside a task-local scope and one outside every scope, suspend and "
          "migrate between two threads; each sees only its own value after every resume",
          Mutation::none, true),
      entry<Isolation<rl::test_result_user_assert_failed>>(
          "task-local-not-restored", "mutant", "isolation", "task-local swap (promise_base.hpp)",
          "The thread's scope is left set on suspend and not reset on resume: the thread, and "
          "the task outside every scope resumed there, see the other task's value",
          Mutation::task_local_not_restored, true),
  };
}

}  // namespace asyncl::models
