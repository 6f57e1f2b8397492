// Mutant task-local-not-restored: the task-local swap (detail/promise_base.hpp) leaves a
// suspending task's scope on the thread and does not clear it when a task without a scope
// resumes: the next task the thread runs sees the previous task's values.
//
// Caught by the scenario itself: on the current-thread runtime (run first; every task on one
// thread, scoped and unscoped tasks alternate) the first unscoped task to run after a scoped one
// suspended sees that task's value. The scenario then stops every task before it could read a
// scope that has ended.

#include "isolation.hpp"

namespace asyncl::scenarios {
namespace {

const Registrar kTaskLocalNotRestored{[] {
  Entry entry;
  entry.name = "task-local-not-restored";
  entry.kind = EntryKind::mutant;
  entry.twin_of = "isolation";
  entry.attacks =
      "rule: a task's task-local scope is set on resume and cleared on suspend (promise_base.hpp)";
  entry.mutation = asyncl::detail::Mutation::task_local_not_restored;
  entry.detectors = {{"tsan", "scenario:assertion"}, {"asan", "scenario:assertion"}};
  entry.description =
      "Task-local values leak into the next task on the same thread: a task without a scope sees "
      "another "
      "task's value.";
  entry.run = run_isolation;
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
