// lib/src/multi_thread.cpp — the work-stealing flavor.
//
// Each worker owns a WorkerQueue (work_queue.hpp): a LIFO slot in front of a lock-free ring.
// A task woken or spawned on a worker goes to its LIFO slot and runs next (the task it displaces
// goes to the ring; after three LIFO runs in a row the slot's task goes to the ring too); a task
// that yielded goes to the back of the ring; tasks from other threads, and the older half of a
// full ring, go to the Injector. A worker takes work from, in order: the injector every 61st tick
// (so injected tasks are not starved by a busy local queue), its own LIFO slot and ring, the
// injector, and the other workers (half of a ring, else the LIFO slot). With nothing found it
// parks in the IdleSet. A push to the injector wakes a parked worker; a push to a worker's own
// queue does so only when more than the one task the worker will run next waits there. A worker
// takes a share of the injector at once (up to half a ring), and shutdown pushes the tasks it
// cancelled as one batch.

#include <algorithm>
#include <memory>
#include <vector>

#include "asyncl/detail/mutation.hpp"
#include "asyncl/detail/work_queue.hpp"
#include "scheduler.hpp"

namespace asyncl::detail {
namespace {

constexpr std::size_t kLocalQueueCapacity = 256;
constexpr unsigned kInjectorInterval = 61;

class MultiThreadScheduler final : public SchedulerBase {
 public:
  explicit MultiThreadScheduler(const Config& config)
      : SchedulerBase(config),
        locals_(config.workers),
        idle_(static_cast<std::uint32_t>(config.workers)) {
    workers_.reserve(config.workers);
    try {
      start_common_threads();
      for (std::size_t i = 0; i < config.workers; ++i) {
        workers_.push_back(
            start_pool_thread(*this, ThreadRole::worker, i, [this, i] { worker_main(i); }));
      }
    } catch (...) {
      shutdown();  // no task exists yet: the threads that started meet at the barrier and return
      throw;
    }
  }

  void schedule(TaskHeader* task) override {
    perturb(PerturbPoint::push);
    const ThreadContext& context = this_thread_context();
    if (context.role == ThreadRole::worker && context.runtime == this) {
      Local& local = locals_[context.worker_index];
      // The task running on this worker is rescheduled only by run_task, after it was woken
      // while it ran (a yield): it goes behind the tasks already waiting. Any other task was
      // woken or spawned here and runs next.
      const bool others_wait = task == local.running ? local.queue.push_back(task, injector_)
                                                     : local.queue.push_next(task, injector_);
      // A lone task is the one this worker runs next (a spawn it will await, a yield):
      // waking a parked worker for it would cost a futex wake and find nothing to steal.
      // Once a second task waits, a parked worker is woken to steal.
      if (others_wait) idle_.notify_one();
      return;
    }
    const InjectGuard guard(*this);  // from any thread: shutdown waits until it is done
    injector_.push(task);
    idle_.notify_one();
  }

  void schedule_batch(TaskHeader* first, TaskHeader* last, std::size_t count) override {
    perturb(PerturbPoint::push);
    const InjectGuard guard(*this);
    injector_.push_batch(first, last, count);
    for (std::size_t i = 0; i < locals_.size(); ++i) idle_.notify_one();
  }

  void drive_until(bool (*)(void*), void*) override {
    // The owner does not run tasks here: block_on waits on the JoinHandle.
  }
  std::size_t worker_count() const noexcept override { return locals_.size(); }
  bool is_current_thread() const noexcept override { return false; }

 protected:
  void destroy_all_frames() override {
    // The workers destroy them (step 4); the owner goes on to the barrier.
    if (workers_leave_first()) destroy_frames_after_workers_returned();
  }
  void on_all_tasks_gone() override { idle_.close(); }
  std::size_t worker_threads_at_barrier() const noexcept override {
    return workers_leave_first() ? 0 : workers_.size();
  }
  void join_workers() override {
    for (std::thread& t : workers_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  /// One worker's queues, on a cache line of their own.
  struct alignas(64) Local {
    WorkerQueue<TaskHeader, kLocalQueueCapacity> queue;
    TaskHeader* running = nullptr;  // the task this worker is running; its own thread only
  };

  void worker_main(std::size_t index) {
    unsigned tick = 0;
    for (;;) {
      if (TaskHeader* task = next_task(index, ++tick)) {
        Local& local = locals_[index];
        local.running = task;
        run_task(task);
        local.running = nullptr;
        continue;
      }
      if (shutdown_started()) {
        if (workers_leave_first()) return;
        if (all_tasks_gone()) break;
      }
      perturb(PerturbPoint::park);
      idle_.park([&] { return has_work() || (shutdown_started() && all_tasks_gone()); });
    }
    arrive_at_barrier();
  }

  TaskHeader* next_task(std::size_t index, unsigned tick) {
    perturb(PerturbPoint::pop);
    Local& local = locals_[index];
    if (tick % kInjectorInterval == 0) {
      if (TaskHeader* task = injector_.pop()) return task;
    }
    if (TaskHeader* task = local.queue.pop(injector_)) return task;
    if (TaskHeader* task = take_injected(local)) return task;
    const std::size_t n = locals_.size();
    if (n > 1) perturb(PerturbPoint::steal);
    for (std::size_t i = 1; i < n; ++i) {
      if (TaskHeader* task = locals_[(index + i) % n].queue.steal_into(local.queue)) return task;
    }
    return nullptr;
  }

  /// With its own queue empty: a share of the injector (up to half a ring) in one lock; runs the
  /// first task and queues the others locally, where the other workers can steal them.
  TaskHeader* take_injected(Local& local) {
    const std::size_t share =
        std::min(injector_.size() / locals_.size() + 1, kLocalQueueCapacity / 2);
    std::size_t count = 0;
    TaskHeader* first = injector_.pop_batch(share, count);
    if (first == nullptr) return nullptr;
    TaskHeader* task = first->queue_next.load();
    while (task != nullptr) {
      TaskHeader* next = task->queue_next.load();
      local.queue.push_back(task, injector_);
      task = next;
    }
    if (count > 2) idle_.notify_one();  // others wait here: a parked worker may steal them
    return first;
  }

  // ── The tls_before_tasks mutant (verification builds; `mutated` is false elsewhere) ──
  // Workers return at shutdown, without arriving at the barrier, before step 4: their
  // thread-local objects are destroyed while the owner destroys the frames that use them.
  static bool workers_leave_first() noexcept { return mutated(Mutation::tls_before_tasks); }

  void destroy_frames_after_workers_returned() {
    join_workers();
    while (!all_tasks_gone()) {
      TaskHeader* task = injector_.pop();
      for (std::size_t i = 0; task == nullptr && i < locals_.size(); ++i) {
        task = locals_[i].queue.pop(injector_);
      }
      if (task != nullptr) run_task(task);
    }
  }

  bool has_work() const {
    if (injector_.size() > 0) return true;
    for (const Local& local : locals_) {
      if (local.queue.has_work()) return true;
    }
    return false;
  }

  std::vector<Local> locals_;
  Injector<TaskHeader> injector_;
  IdleSet idle_;
  std::vector<std::thread> workers_;
};

}  // namespace

std::unique_ptr<SchedulerBase> make_multi_thread(const SchedulerBase::Config& config) {
  return std::make_unique<MultiThreadScheduler>(config);
}

}  // namespace asyncl::detail
