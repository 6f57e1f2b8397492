#pragma once
// lib/src/scheduler.hpp — private: what both runtime flavors share (registry of live tasks,
// blocking pool, timer, running and destroying a task, the shutdown protocol).

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/idle_set.hpp"
#include "asyncl/detail/perturbation.hpp"
#include "asyncl/detail/runtime_core.hpp"
#include "asyncl/detail/shutdown_barrier.hpp"
#include "asyncl/detail/thread_context.hpp"

namespace asyncl::detail {

class SchedulerBase;

/// Runs `body` as a pool thread of `runtime` in `role`: the role is set before anything else
/// runs on the thread, and cleared after body returned (which is after the shutdown barrier).
std::thread start_pool_thread(SchedulerBase& runtime, ThreadRole role, std::size_t index,
                              std::function<void()> body);

class BlockingPool {
 public:
  BlockingPool(SchedulerBase& runtime, std::size_t max_threads,
               std::chrono::milliseconds keep_alive);
  bool submit(BlockingJob* job);
  /// Shutdown step 1: refuses new jobs; returns the threads that will reach the barrier.
  std::size_t close();
  /// Shutdown step 3: drops the jobs no thread started.
  void drop_queued();
  void join_all();

 private:
  void thread_main();
  void reap_exited_locked();
  BlockingJob* unlink_all_locked() noexcept;

  SchedulerBase& runtime_;
  const std::size_t max_threads_;
  const std::chrono::milliseconds keep_alive_;
  Mutex mutex_;
  CondVar cv_;
  BlockingJob* head_ = nullptr;  // guarded by mutex_
  BlockingJob* tail_ = nullptr;
  std::size_t queued_ = 0;
  std::size_t live_ = 0;
  std::size_t idle_ = 0;
  bool closed_ = false;
  std::list<std::thread> threads_;
  std::vector<std::thread::id> exited_;
};

class TimerDriver {
 public:
  explicit TimerDriver(SchedulerBase& runtime);
  void start();
  bool started() const noexcept { return thread_.joinable(); }
  void add(TimerEntry& entry);
  void remove(TimerEntry& entry) noexcept;
  /// Shutdown step 3: stops firing; the timer thread goes to the barrier.
  void stop();
  void join();

 private:
  void thread_main();

  SchedulerBase& runtime_;
  Mutex mutex_;
  CondVar cv_;
  std::multimap<TimerEntry::Clock::time_point, TimerEntry*> entries_;  // guarded by mutex_
  bool stopped_ = false;
  std::thread thread_;
};

class SchedulerBase : public RuntimeCore {
 public:
  struct Config {
    std::size_t workers = 1;
    std::size_t max_blocking = 64;
    std::chrono::milliseconds keep_alive{10000};
    bool barrier_protected = true;
  };

  explicit SchedulerBase(const Config& config);

  bool admit(TaskHeader* task) final;
  bool submit_blocking(BlockingJob* job) final { return blocking_.submit(job); }
  void add_timer(TimerEntry& entry) final { timer_.add(entry); }
  void remove_timer(TimerEntry& entry) noexcept final { timer_.remove(entry); }

  /// Owner thread: runs or waits for tasks until done(arg) (Runtime::block_on).
  virtual void drive_until(bool (*done)(void*), void* arg) = 0;
  virtual std::size_t worker_count() const noexcept = 0;
  virtual bool is_current_thread() const noexcept = 0;

  /// Whether the caller is the thread that built the runtime.
  bool on_owner_thread() const noexcept { return std::this_thread::get_id() == owner_; }

  /// The shutdown protocol (scheduler.cpp). Owner thread, once, from ~Runtime.
  void shutdown();

  /// Shutdown step 5, for every pool thread.
  void arrive_at_barrier();
  bool shutdown_started() const noexcept {
    // acquire: pairs with the release in shutdown() step 1, so barrier_ is visible.
    return shutdown_started_.load(std::memory_order_acquire);
  }
  bool all_tasks_gone() const noexcept {
    // acquire: pairs with the release in retire(): the frames retired before are destroyed or
    // being destroyed by threads that will arrive at the barrier after destroying them.
    return live_tasks_.load(std::memory_order_acquire) == 0;
  }

 protected:
  /// Held around a push from a thread that may be outside the pool (a foreign awaiter's
  /// resumer, a Notify on a user thread): once the task is pushed it may finish and the runtime
  /// shut down while that thread is still inside schedule(); shutdown's last act waits until no
  /// such push is in flight.
  class InjectGuard {
   public:
    explicit InjectGuard(SchedulerBase& scheduler) noexcept : scheduler_(scheduler) {
      scheduler_.injecting_.fetch_add(1, std::memory_order_acq_rel);
    }
    InjectGuard(const InjectGuard&) = delete;
    InjectGuard& operator=(const InjectGuard&) = delete;
    // release: the thread's last access to the runtime; shutdown acquires it.
    ~InjectGuard() { scheduler_.injecting_.fetch_sub(1, std::memory_order_release); }

   private:
    SchedulerBase& scheduler_;
  };

  /// Runs one popped task on the calling pool thread: resumes it, or destroys its frame.
  void run_task(TaskHeader* task);

  /// Puts `count` tasks, linked through queue_next (last's is null), whose TaskStates say
  /// "scheduled", into run queues at once (shutdown step 2). The owner thread.
  virtual void schedule_batch(TaskHeader* first, TaskHeader* last, std::size_t count) = 0;

  /// A current-thread runtime's owner made barrier-mode references to its own objects, which
  /// live tasks may hold (set by drive_until; checked by shutdown()).
  bool owner_refs_taken_ = false;
  const char* owner_key_ = nullptr;

  /// Start the flavor's threads; called by the flavor's constructor. If a start fails, the
  /// flavor's constructor runs shutdown() with the threads that did start, then rethrows.
  void start_common_threads();
  /// Shutdown step 4 for the flavor: every frame is destroyed when it returns (multi_thread:
  /// workers do it and the owner returns at once; current_thread: the owner does it).
  virtual void destroy_all_frames() = 0;
  /// Called when the last live task of a closing runtime was retired: wake whoever waits.
  virtual void on_all_tasks_gone() = 0;
  /// Shutdown step 1: the worker threads that will arrive at the barrier (those that started).
  virtual std::size_t worker_threads_at_barrier() const noexcept = 0;
  /// Shutdown step 6: joins the worker threads.
  virtual void join_workers() = 0;

 private:
  Atomic<std::size_t> injecting_{0};  // pushes in flight (InjectGuard)
  void retire(TaskHeader* task);
  void destroy_task(TaskHeader* task, bool completed);
  void cancel_all();

  // Registry of live tasks: every admitted task until its frame is destroyed, in shards (one per
  // worker, one for every other thread) so that spawns and retires on different workers do not
  // meet on one lock. Step 2 walks every shard once; after that walk a shard is `swept`, nothing
  // reads its list again, and a retire only counts (no lock per destroyed frame in step 4).
  struct alignas(64) RegistryShard {
    SpinLock lock;
    TaskHeader* head = nullptr;  // guarded by lock
    Atomic<bool> swept{false};   // set under lock, once, by step 2
  };
  RegistryShard& shard_for_admit() noexcept;
  std::vector<RegistryShard> shards_;
  Atomic<std::size_t> live_tasks_{0};
  Atomic<bool> closing_{false};  // set in step 1; read by admit under a shard's lock
  Atomic<bool> shutdown_started_{false};
  std::optional<ShutdownBarrier> barrier_;  // set in step 1 before shutdown_started_
  std::thread::id owner_;

 protected:
  BlockingPool blocking_;
  TimerDriver timer_;
};

std::unique_ptr<SchedulerBase> make_multi_thread(const SchedulerBase::Config& config);
std::unique_ptr<SchedulerBase> make_current_thread(const SchedulerBase::Config& config);

}  // namespace asyncl::detail
