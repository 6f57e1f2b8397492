// lib/src/current_thread.cpp — the flavor that runs every task on the owner thread.
//
// Tasks run only while the owner is inside block_on (and, at shutdown, their frames are
// destroyed on the owner thread in step 4). Wakers on other threads — the timer, blocking
// closures, other runtimes — push to one Injector and wake the owner through the IdleSet.

#include <memory>

#include "asyncl/detail/work_queue.hpp"
#include "scheduler.hpp"

namespace asyncl::detail {
namespace {

class CurrentThreadScheduler final : public SchedulerBase {
 public:
  explicit CurrentThreadScheduler(const Config& config) : SchedulerBase(config), idle_(1) {
    start_common_threads();
  }

  void schedule(TaskHeader* task) override {
    perturb(PerturbPoint::push);
    const InjectGuard guard(*this);  // from any thread: shutdown waits until it is done
    queue_.push(task);
    idle_.notify_one();
  }

  void schedule_batch(TaskHeader* first, TaskHeader* last, std::size_t count) override {
    perturb(PerturbPoint::push);
    const InjectGuard guard(*this);
    queue_.push_batch(first, last, count);
    idle_.notify_one();
  }

  void drive_until(bool (*done)(void*), void* arg) override {
    ThreadContext& context = this_thread_context();
    const ThreadContext saved = context;
    context.assign(ThreadRole::owner, this);
    while (!done(arg)) {
      if (TaskHeader* task = queue_.pop()) {
        run_task(task);
        continue;
      }
      idle_.park([&] { return queue_.size() > 0; });
    }
    owner_refs_taken_ = owner_refs_taken_ || context.barrier_refs_taken;
    if (context.barrier_key != nullptr) owner_key_ = context.barrier_key;
    this_thread_context() = saved;
  }

  std::size_t worker_count() const noexcept override { return 0; }
  bool is_current_thread() const noexcept override { return true; }

 protected:
  void destroy_all_frames() override {
    ThreadContext& context = this_thread_context();
    const ThreadContext saved = context;
    context.assign(ThreadRole::owner, this);
    while (!all_tasks_gone()) {
      if (TaskHeader* task = queue_.pop()) {
        run_task(task);
        continue;
      }
      // Tasks left are pinned by blocking closures; their last unpin pushes them.
      idle_.park([&] { return queue_.size() > 0 || all_tasks_gone(); });
    }
    this_thread_context() = saved;
  }
  void on_all_tasks_gone() override { idle_.notify_one(); }
  std::size_t worker_threads_at_barrier() const noexcept override { return 0; }
  void join_workers() override {}

 private:
  Injector<TaskHeader> queue_;
  IdleSet idle_;
};

}  // namespace

std::unique_ptr<SchedulerBase> make_current_thread(const SchedulerBase::Config& config) {
  return std::make_unique<CurrentThreadScheduler>(config);
}

}  // namespace asyncl::detail
