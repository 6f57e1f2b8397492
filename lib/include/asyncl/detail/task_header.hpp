#pragma once
// asyncl/detail/task_header.hpp — the runtime's handle on one spawned task.
//
// It lives in the promise of the task's root frame (root_task.hpp), so it is freed with the
// frame. Who may touch it: the runtime's registry (under a shard's lock) until the frame is
// destroyed; a run queue while TaskState::kScheduled is set; a waker only under the lock of
// whatever it waits in, which the awaiter's destructor also takes (so a frame being destroyed
// unregisters before a waker can reach it); a blocking closure only while it holds a pin.

#include <coroutine>
#include <cstdint>
#include <cstdio>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/promise_base.hpp"
#include "asyncl/detail/task_state.hpp"

namespace asyncl::detail {

class RuntimeCore;
class JoinStateBase;

struct TaskHeader {
  TaskState state;
  /// The innermost suspended frame: resumed by the worker that runs the task. Written by the
  /// task itself in await_suspend, read by the next runner (ordered by TaskState).
  std::coroutine_handle<> resume_point;
  /// The root frame: destroying it destroys every frame of the task.
  std::coroutine_handle<> root;
  RuntimeCore* runtime = nullptr;
  /// Link for Injector; written only by the queue that holds the task.
  Var<TaskHeader*> queue_next{nullptr};
  /// Links of the runtime's registry of live tasks, and the shard they are in; guarded by that
  /// shard's lock (lib/src/scheduler.hpp).
  TaskHeader* registry_prev = nullptr;
  TaskHeader* registry_next = nullptr;
  std::uint32_t registry_shard = 0;
  /// The join state this task completes; its `task_` points back while the frame lives.
  JoinStateBase* join = nullptr;
};

/// Wakes `task`: pushes it to its runtime's run queue unless it is already queued or running.
void wake(TaskHeader* task);
/// Drops one pin of `task` (TaskState::unpin), pushing it if that was the last pin it waited for.
void unpin(TaskHeader* task) noexcept;

template <class P>
TaskHeader* suspend_point(std::coroutine_handle<P> h) {
  static_assert(std::is_base_of_v<PromiseBase, P>,
                "asyncl runtime awaitables can only be awaited inside an asyncl::Task");
  TaskHeader* header = h.promise().header_;
  if (header == nullptr) {
    fatal(
        "asyncl: a runtime awaitable (yield_now, sleep_for, Notify, JoinHandle) was awaited "
        "in a task that no asyncl runtime runs");
  }
  header->resume_point = h;
  return header;
}

}  // namespace asyncl::detail
