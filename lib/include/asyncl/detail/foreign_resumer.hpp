#pragma once
// asyncl/detail/foreign_resumer.hpp — how a task run by a runtime awaits an awaiter that knows
// nothing of asyncl (a callback API's awaiter, another library's event) and is resumed by it
// from a thread of its own.
//
// Such an awaiter gets, instead of the task's frame, the handle of a small "resumer" coroutine
// (ScopedAwaiter in promise_base.hpp arranges it). While the resumer is out, the task holds a
// pin (TaskState): abort and shutdown are deferred, as for a running blocking closure. When the
// foreign side resumes the resumer, it hands the task back: wakes it, so that a worker of its
// runtime resumes the frame, then drops the pin. If the foreign side destroys the resumer
// instead, the task can never continue: it is cancelled (its JoinHandle reports TaskCancelled).

#include <coroutine>

namespace asyncl::detail {

struct TaskHeader;

/// Pins `task`, records `frame` as where it resumes, and returns a resumer for it.
std::coroutine_handle<> begin_foreign_await(TaskHeader* task, std::coroutine_handle<> frame);

/// The foreign awaiter did not take the resumer (its await_suspend returned false or threw):
/// destroys it and drops the pin; the task goes on running.
void discard_foreign_resumer(std::coroutine_handle<> resumer, TaskHeader* task) noexcept;

}  // namespace asyncl::detail
