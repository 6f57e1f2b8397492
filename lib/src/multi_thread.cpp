// lib/src/multi_thread.cpp — the work-stealing flavor.
//
// Each worker owns a LocalQueue; tasks woken or spawned on a worker go there, tasks from other
// threads go to the Injector. A worker takes work from, in order: the injector every 61st
// tick (so injected tasks are not starved by a busy local queue), its own queue, the injector,
// and the queues of the other workers (stealing half). With nothing found it parks in the
// IdleSet. A push to the injector wakes a parked worker; a push to a worker's own queue does so
// only when that queue holds more than the one task the worker will run next.

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
      LocalQueue& local = locals_[context.worker_index];
      if (local.push(task)) {
        // A lone task is the one this worker runs next (a spawn it will await, a yield):
        // waking a parked worker for it would cost a futex wake and find nothing to steal.
        // Once a second task waits, a parked worker is woken to steal.
        if (local.size() > 1) idle_.notify_one();
        return;
      }
    }
    const InjectGuard guard(*this);  // from any thread: shutdown waits until it is done
    injector_.push(task);
    idle_.notify_one();
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
  using LocalQueue = detail::LocalQueue<TaskHeader, kLocalQueueCapacity>;

  void worker_main(std::size_t index) {
    unsigned tick = 0;
    for (;;) {
      if (TaskHeader* task = next_task(index, ++tick)) {
        run_task(task);
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
    LocalQueue& local = locals_[index];
    if (tick % kInjectorInterval == 0) {
      if (TaskHeader* task = injector_.pop()) return task;
    }
    if (TaskHeader* task = local.pop()) return task;
    if (TaskHeader* task = injector_.pop()) return task;
    const std::size_t n = locals_.size();
    if (n > 1) perturb(PerturbPoint::steal);
    for (std::size_t i = 1; i < n; ++i) {
      if (TaskHeader* task = locals_[(index + i) % n].steal_into(local)) return task;
    }
    return nullptr;
  }

  // ── The tls_before_tasks mutant (verification builds; `mutated` is false elsewhere) ──
  // Workers return at shutdown, without arriving at the barrier, before step 4: their
  // thread-local objects are destroyed while the owner destroys the frames that use them.
  static bool workers_leave_first() noexcept { return mutated(Mutation::tls_before_tasks); }

  void destroy_frames_after_workers_returned() {
    join_workers();
    while (!all_tasks_gone()) {
      TaskHeader* task = injector_.pop();
      for (std::size_t i = 0; task == nullptr && i < locals_.size(); ++i) task = locals_[i].pop();
      if (task != nullptr) run_task(task);
    }
  }

  bool has_work() const {
    if (injector_.size() > 0) return true;
    for (const LocalQueue& local : locals_) {
      if (local.size() > 0) return true;
    }
    return false;
  }

  std::vector<LocalQueue> locals_;
  Injector<TaskHeader> injector_;
  IdleSet idle_;
  std::vector<std::thread> workers_;
};

}  // namespace

std::unique_ptr<SchedulerBase> make_multi_thread(const SchedulerBase::Config& config) {
  return std::make_unique<MultiThreadScheduler>(config);
}

}  // namespace asyncl::detail
