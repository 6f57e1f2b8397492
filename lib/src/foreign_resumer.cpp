// lib/src/foreign_resumer.cpp — see asyncl/detail/foreign_resumer.hpp.

#include "asyncl/detail/foreign_resumer.hpp"

#include <exception>

#include "asyncl/detail/runtime_core.hpp"
#include "asyncl/detail/task_header.hpp"

namespace asyncl::detail {
namespace {

struct Resumer {
  struct promise_type {
    TaskHeader* task = nullptr;
    bool pending = true;  // neither resumed nor discarded yet

    Resumer get_return_object() noexcept {
      return Resumer{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }

    ~promise_type() {
      if (!pending) return;
      // Destroyed by the foreign side without a resume: the task cannot continue. The pin is
      // still held, so cancel() only marks it; the unpin pushes it to be destroyed.
      if (task->state.cancel()) task->runtime->schedule(task);
      unpin(task);
    }
  };
  std::coroutine_handle<promise_type> handle;
};

/// The resumer's first step: it is running, so it is no longer pending; yields its task.
struct TakeTask {
  TaskHeader* task = nullptr;
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<Resumer::promise_type> self) noexcept {
    self.promise().pending = false;
    task = self.promise().task;
    return false;
  }
  TaskHeader* await_resume() const noexcept { return task; }
};

Resumer resumer_body() {
  TaskHeader* task = co_await TakeTask{};
  // Back to the runtime: a worker resumes the frame (if the task was cancelled meanwhile, it
  // destroys it once unpinned). After the unpin the task may be gone at any moment.
  wake(task);
  unpin(task);
}

}  // namespace

std::coroutine_handle<> begin_foreign_await(TaskHeader* task, std::coroutine_handle<> frame) {
  const Resumer resumer = resumer_body();  // first: its allocation may throw
  resumer.handle.promise().task = task;
  task->resume_point = frame;
  task->state.pin();
  return resumer.handle;
}

void discard_foreign_resumer(std::coroutine_handle<> resumer, TaskHeader* task) noexcept {
  auto typed = std::coroutine_handle<Resumer::promise_type>::from_address(resumer.address());
  typed.promise().pending = false;
  typed.destroy();
  unpin(task);  // the task is running (in await_suspend): this never pushes it
}

}  // namespace asyncl::detail
