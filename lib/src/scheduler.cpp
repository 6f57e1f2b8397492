// lib/src/scheduler.cpp — what both flavors share, and the shutdown protocol.
//
// ── Shutdown protocol ─────────────────────────────────────────────────────────────────────────
// Runs on the owner thread in ~Runtime (SchedulerBase::shutdown). Scenarios, models and mutants
// cite these steps by number, through detail::ShutdownStep (asyncl/detail/shutdown_steps.hpp).
//
//  1. Close.  The registry stops admitting tasks: a spawn from now on (from a task, a destructor
//     run by step 4, a blocking closure, another thread) gets a JoinHandle whose outcome is
//     TaskCancelled("spawn rejected"), and its frame is destroyed at once on the spawning thread.
//     The blocking pool stops accepting jobs the same way. The barrier is built for exactly the
//     pool threads alive now (no pool thread starts after this) plus the owner.
//  2. Cancel.  Every live task is marked cancelled. A task suspended in no queue is pushed to a
//     run queue so that a worker destroys it; a queued or running one is destroyed by the
//     worker that next holds it; one with a running blocking closure (pinned) is destroyed when
//     the closure returns.
//  3. Blocking work.  Queued blocking jobs are dropped (their JoinHandles report cancellation and
//     their tasks are unpinned); running closures finish; each blocking thread then goes to the
//     barrier. The timer stops firing.
//  4. Destroy frames.  Pool threads pop tasks and destroy their frames until the registry is
//     empty: the workers of a multi-thread runtime, the owner of a current-thread one. Every
//     frame is destroyed while every pool thread's thread-local objects are alive.
//  5. Rendezvous.  Every pool thread — workers, blocking threads, the timer thread — and the
//     owner arrive at the ShutdownBarrier and wait until all have arrived.
//  6. Return.  Pool threads return from their thread functions (their thread-local objects are
//     destroyed only now, after every frame of step 4) and the owner joins them.
//
// What step 5 buys: a worker that retires the last task still destroys that frame after
// retiring it, and a blocking closure may still run with a LocalRef into a worker's objects;
// without the barrier, another pool thread could return and destroy its thread-locals first.
// ───────────────────────────────────────────────────────────────────────────────────────────────

#include "scheduler.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

#include "asyncl/detail/fault_injection.hpp"
#include "asyncl/detail/mutation.hpp"

namespace asyncl::detail {

std::thread start_pool_thread(SchedulerBase& runtime, ThreadRole role, std::size_t index,
                              std::function<void()> body) {
  static constexpr const char* kRoleNames[] = {"", "worker", "blocking", "timer", "owner"};
  const std::string what = std::string("asyncl: could not start a ") +
                           kRoleNames[static_cast<std::size_t>(role)] + " thread";
  try {
    if (take_fault(Fault::thread_start)) {
      throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again),
                              "injected by the test");
    }
    return std::thread([&runtime, role, index, body = std::move(body)] {
      this_thread_context().assign(role, &runtime, index);
      body();
      this_thread_context() = ThreadContext{};
    });
  } catch (const std::system_error& e) {
    throw std::system_error(e.code(), what + " (" + e.what() + ")");
  }
}

// ── BlockingPool ──────────────────────────────────────────────────────────────────────────────

BlockingPool::BlockingPool(SchedulerBase& runtime, std::size_t max_threads,
                           std::chrono::milliseconds keep_alive)
    : runtime_(runtime),
      max_threads_(std::max<std::size_t>(1, max_threads)),
      keep_alive_(keep_alive) {}

bool BlockingPool::submit(BlockingJob* job) {
  if (TaskHeader* task = this_thread_context().current_task) {
    task->state.pin();
    job->pinned = task;
  }
  BlockingJob* stranded = nullptr;
  std::exception_ptr error;
  {
    LockGuard lock(mutex_);
    if (!closed_) {
      job->next = nullptr;
      if (tail_ != nullptr) {
        tail_->next = job;
      } else {
        head_ = job;
      }
      tail_ = job;
      ++queued_;
      if (queued_ > idle_ && live_ < max_threads_) {
        reap_exited_locked();
        try {
          threads_.push_back(
              start_pool_thread(runtime_, ThreadRole::blocking, 0, [this] { thread_main(); }));
          ++live_;
        } catch (const std::system_error&) {
          // No thread started. With none alive, nothing would ever run the queued jobs (only
          // jobs submitted since the last thread left can be queued then): fail them.
          // Otherwise a live thread runs them all, this job too.
          if (live_ == 0) {
            stranded = unlink_all_locked();
            error = std::current_exception();
          }
        }
      }
      if (stranded == nullptr) {
        cv_.notify_one();
        return true;
      }
    }
  }
  if (stranded != nullptr) {
    while (stranded != nullptr) {
      BlockingJob* next = stranded->next;
      stranded->fail(error);
      stranded = next;
    }
    return true;
  }
  job->drop();
  return false;
}

BlockingJob* BlockingPool::unlink_all_locked() noexcept {
  BlockingJob* jobs = std::exchange(head_, nullptr);
  tail_ = nullptr;
  queued_ = 0;
  return jobs;
}

void BlockingPool::reap_exited_locked() {
  for (auto it = threads_.begin(); it != threads_.end();) {
    if (std::find(exited_.begin(), exited_.end(), it->get_id()) != exited_.end()) {
      it->join();
      it = threads_.erase(it);
    } else {
      ++it;
    }
  }
  exited_.clear();
}

void BlockingPool::thread_main() {
  mutex_.lock();
  for (;;) {
    if (closed_) break;
    if (BlockingJob* job = head_) {
      head_ = job->next;
      if (head_ == nullptr) tail_ = nullptr;
      --queued_;
      mutex_.unlock();
      perturb(PerturbPoint::blocking_start);
      job->run();
      perturb(PerturbPoint::blocking_end);
      mutex_.lock();
      continue;
    }
    ++idle_;
    const auto deadline = std::chrono::steady_clock::now() + keep_alive_;
    while (head_ == nullptr && !closed_ && std::chrono::steady_clock::now() < deadline) {
      cv_.wait_until(mutex_, deadline);
    }
    --idle_;
    // Keep-alive expired. A thread whose thread-local objects a barrier-mode LocalRef may point
    // into stays until the barrier; any other thread may leave now.
    if (head_ == nullptr && !closed_ && !this_thread_context().barrier_refs_taken) {
      --live_;
      exited_.push_back(std::this_thread::get_id());
      mutex_.unlock();
      return;
    }
  }
  mutex_.unlock();
  runtime_.arrive_at_barrier();
}

std::size_t BlockingPool::close() {
  LockGuard lock(mutex_);
  closed_ = true;
  cv_.notify_all();
  return live_;
}

void BlockingPool::drop_queued() {
  BlockingJob* job = nullptr;
  {
    LockGuard lock(mutex_);
    job = unlink_all_locked();
  }
  while (job != nullptr) {
    BlockingJob* next = job->next;
    job->drop();
    job = next;
  }
}

void BlockingPool::join_all() {
  std::list<std::thread> threads;
  {
    LockGuard lock(mutex_);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

// ── TimerDriver ───────────────────────────────────────────────────────────────────────────────

TimerDriver::TimerDriver(SchedulerBase& runtime) : runtime_(runtime) {}

void TimerDriver::add(TimerEntry& entry) {
  LockGuard lock(mutex_);
  entry.position = entries_.emplace(entry.deadline, &entry);
  entry.linked = true;
  if (entry.position == entries_.begin()) cv_.notify_one();
}

void TimerDriver::remove(TimerEntry& entry) noexcept {
  LockGuard lock(mutex_);
  if (entry.linked) {
    entries_.erase(entry.position);
    entry.linked = false;
  }
}

void TimerDriver::start() {
  thread_ = start_pool_thread(runtime_, ThreadRole::timer, 0, [this] { thread_main(); });
}

void TimerDriver::stop() {
  LockGuard lock(mutex_);
  stopped_ = true;
  cv_.notify_all();
}

void TimerDriver::join() {
  if (thread_.joinable()) thread_.join();
}

void TimerDriver::thread_main() {
  mutex_.lock();
  while (!stopped_) {
    if (entries_.empty()) {
      cv_.wait(mutex_);
      continue;
    }
    const auto now = TimerEntry::Clock::now();
    auto first = entries_.begin();
    if (first->first > now && !mutated(Mutation::timer_fires_early)) {
      // A copy: the entry may be erased (its frame destroyed) while this thread waits.
      const auto deadline = first->first;
      if (deadline == TimerEntry::Clock::time_point::max()) {
        cv_.wait(mutex_);  // a saturated sleep never fires: wait for an earlier entry or stop()
      } else {
        cv_.wait_until(mutex_, deadline);
      }
      continue;
    }
    // Woken under the mutex: an awaiter being destroyed unlinks itself under it first.
    while (first != entries_.end() &&
           (first->first <= now || mutated(Mutation::timer_fires_early))) {
      TimerEntry* entry = first->second;
      entry->linked = false;
      first = entries_.erase(first);
      perturb(PerturbPoint::timer_fire);
      wake(entry->task);
    }
  }
  mutex_.unlock();
  runtime_.arrive_at_barrier();
}

// ── SchedulerBase ─────────────────────────────────────────────────────────────────────────────

SchedulerBase::SchedulerBase(const Config& config)
    : RuntimeCore(config.barrier_protected),
      shards_(config.workers + 1),
      owner_(std::this_thread::get_id()),
      blocking_(*this, config.max_blocking, config.keep_alive),
      timer_(*this) {}

void SchedulerBase::start_common_threads() { timer_.start(); }

SchedulerBase::RegistryShard& SchedulerBase::shard_for_admit() noexcept {
  const ThreadContext& context = this_thread_context();
  const std::size_t own = shards_.size() - 1;  // threads that are not this runtime's workers
  if (context.role == ThreadRole::worker && context.runtime == this && context.worker_index < own) {
    return shards_[context.worker_index];
  }
  return shards_[own];
}

bool SchedulerBase::admit(TaskHeader* task) {
  RegistryShard& shard = shard_for_admit();
  std::lock_guard<SpinLock> lock(shard.lock);
  // Step 1 sets closing_ and then takes every shard's lock: an admit that saw it false under the
  // lock is counted before step 1 goes on, and none after it succeeds.
  if (closing_.load(std::memory_order_relaxed)) return false;
  task->registry_shard = static_cast<std::uint32_t>(&shard - shards_.data());
  task->registry_prev = nullptr;
  task->registry_next = shard.head;
  if (shard.head != nullptr) shard.head->registry_prev = task;
  shard.head = task;
  live_tasks_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void SchedulerBase::retire(TaskHeader* task) {
  RegistryShard& shard = shards_[task->registry_shard];
  // acquire: pairs with step 2's release; its walk of this shard is over.
  if (!shard.swept.load(std::memory_order_acquire)) {
    std::lock_guard<SpinLock> lock(shard.lock);
    if (!shard.swept.load(std::memory_order_relaxed)) {
      if (task->registry_prev != nullptr) {
        task->registry_prev->registry_next = task->registry_next;
      } else {
        shard.head = task->registry_next;
      }
      if (task->registry_next != nullptr) {
        task->registry_next->registry_prev = task->registry_prev;
      }
    }
  }
  // seq_cst, with closing_'s store and step 4's load of the count: either this retire sees
  // closing_, or step 4 sees the count it left (both may; on_all_tasks_gone is idempotent).
  // release: see all_tasks_gone().
  const std::size_t left = live_tasks_.fetch_sub(1, std::memory_order_seq_cst) - 1;
  if (left == 0 && closing_.load(std::memory_order_seq_cst)) on_all_tasks_gone();
}

void SchedulerBase::run_task(TaskHeader* task) {
  struct Runner {
    SchedulerBase& scheduler;
    TaskHeader* task;
    bool resume() const {
      ThreadContext& context = this_thread_context();
      context.current_task = task;
      task->resume_point.resume();
      context.current_task = nullptr;
      return task->root.done();
    }
    void reschedule() const { scheduler.schedule(task); }
    void destroy(bool completed) const { scheduler.destroy_task(task, completed); }
  };
  run_once(task->state, Runner{*this, task});
}

void SchedulerBase::destroy_task(TaskHeader* task, bool completed) {
  const std::coroutine_handle<> root = task->root;
  JoinStateBase* const join = task->join;  // the header dies with the frame
  retire(task);
  if (!completed && mutated(Mutation::frame_not_destroyed)) return;
  if (!completed && mutated(Mutation::frame_destroyed_twice)) root.destroy();
  destroy_root(root, join, JoinStateBase::Status::cancelled);
}

void SchedulerBase::cancel_all() {
  for (RegistryShard& shard : shards_) {
    TaskHeader* first = nullptr;
    TaskHeader* last = nullptr;
    std::size_t count = 0;
    {
      std::lock_guard<SpinLock> lock(shard.lock);
      for (TaskHeader* task = shard.head; task != nullptr; task = task->registry_next) {
        if (!task->state.cancel()) continue;
        // Ours to push: linked into one batch (the queue link is the pusher's until it pushes).
        task->queue_next.store(nullptr);
        if (last != nullptr) {
          last->queue_next.store(task);
        } else {
          first = task;
        }
        last = task;
        ++count;
      }
      // release: the walk is over before a retire skips the lock (retire's acquire).
      shard.swept.store(true, std::memory_order_release);
      shard.head = nullptr;
    }
    if (count > 0) schedule_batch(first, last, count);
  }
}

void SchedulerBase::arrive_at_barrier() {
  perturb(PerturbPoint::barrier_arrival);
  if (!barrier_protected()) return;  // Builder::barrier_protected(false): no step 5
  // A blocking thread can see its pool closed before the owner built the barrier.
  while (!shutdown_started()) shutdown_started_.wait(false, std::memory_order_acquire);
  barrier_->arrive_and_wait();
}

void SchedulerBase::shutdown() {
#if defined(ASYNCL_CHECKED)
  if (is_current_thread() && std::this_thread::get_id() != owner_) {
    fatal(
        "asyncl: a current-thread runtime was destroyed on a thread other than the one that "
        "built it; its tasks' thread-local objects live on that thread");
  }
#endif
  // A static (or thread_local) current-thread runtime destroyed at exit: its owner thread's
  // thread_local objects are already gone, and step 4 would destroy, on that thread, frames
  // that may write through barrier-mode references into them.
  if (owner_refs_taken_ && this_thread_context().barrier_objects_destroyed && !all_tasks_gone()) {
    std::string message =
        "asyncl: a current-thread Runtime was destroyed after the thread_local objects of its "
        "owner thread (a static or thread_local Runtime ending at exit) while tasks that may hold "
        "barrier-mode references into them were alive";
    if (owner_key_ != nullptr) message += std::string(" (context '") + owner_key_ + "')";
    message += "; destroy it before main returns, or use leaky or shared mode";
    fatal(message.c_str());
  }
  // Step 1: close.
  closing_.store(true, std::memory_order_seq_cst);
  for (RegistryShard& shard : shards_) {
    // Waits for an admit that saw closing_ false: it is counted when the lock is free.
    shard.lock.lock();
    shard.lock.unlock();
  }
  const std::size_t blocking_threads = blocking_.close();
  const std::size_t workers = worker_threads_at_barrier();
  const std::size_t timer = timer_.started() ? 1 : 0;  // 0 only if build() failed to start it
  barrier_.emplace(static_cast<std::uint32_t>(workers + blocking_threads + timer + 1 /*owner*/));
  // release: publishes barrier_ to every pool thread that sees the flag (shutdown_started()).
  shutdown_started_.store(true, std::memory_order_release);
  shutdown_started_.notify_all();
  // Step 2: cancel.
  cancel_all();
  // Step 3: blocking work and the timer.
  blocking_.drop_queued();
  timer_.stop();
  // Step 4: destroy frames.
  // If tasks are left, the retire() of the last one calls on_all_tasks_gone().
  if (live_tasks_.load(std::memory_order_seq_cst) == 0) on_all_tasks_gone();
  destroy_all_frames();
  // Step 5: rendezvous.
  arrive_at_barrier();
  // Step 6: the pool threads return; join them.
  join_workers();
  blocking_.join_all();
  timer_.join();
  // Pushes from outside the pool whose tasks finished while they were still in schedule().
  while (injecting_.load(std::memory_order_acquire) != 0) spin_pause();
}

}  // namespace asyncl::detail
