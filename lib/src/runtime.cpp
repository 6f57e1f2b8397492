// lib/src/runtime.cpp — asyncl::Runtime and the small functions public headers declare.

#include "asyncl/runtime.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "asyncl/sync.hpp"
#include "scheduler.hpp"

namespace asyncl {
namespace detail {
namespace {
// Relaxed: only distinctness matters.
std::atomic<std::uint64_t> g_next_generation{1};

struct LiveRuntimes {
  std::mutex mutex;
  std::set<std::uint64_t> generations;
};
LiveRuntimes& live_runtimes() {
  static LiveRuntimes* live = new LiveRuntimes();  // never destroyed: usable from any destructor
  return *live;
}
}  // namespace

RuntimeCore::RuntimeCore(bool barrier_protected)
    : generation_(g_next_generation.fetch_add(1, std::memory_order_relaxed)),
      barrier_protected_(barrier_protected),
      gate_(std::make_shared<RuntimeGate>(this)) {
  LiveRuntimes& live = live_runtimes();
  std::lock_guard lock(live.mutex);
  live.generations.insert(generation_);
}

RuntimeCore::~RuntimeCore() {
  LiveRuntimes& live = live_runtimes();
  std::lock_guard lock(live.mutex);
  live.generations.erase(generation_);
}

bool runtime_alive(std::uint64_t generation) noexcept {
  LiveRuntimes& live = live_runtimes();
  std::lock_guard lock(live.mutex);
  return live.generations.count(generation) != 0;
}

void fatal(const char* message) noexcept {
  std::fprintf(stderr, "%s\n", message);
  std::fflush(stderr);
  std::abort();
}

void wake(TaskHeader* task) {
  perturb(PerturbPoint::wake);
  if (task->state.wake()) task->runtime->schedule(task);
}

void JoinStateBase::schedule(TaskHeader* task) { task->runtime->schedule(task); }

void unpin(TaskHeader* task) noexcept {
  if (task->state.unpin()) task->runtime->schedule(task);
}

void BlockingJob::unpin() noexcept {
  if (TaskHeader* task = std::exchange(pinned, nullptr)) detail::unpin(task);
}

RuntimeCore& current_runtime(const char* caller) {
  if (RuntimeCore* runtime = this_thread_context().runtime) return *runtime;
  throw std::logic_error(std::string(caller) +
                         " called outside an asyncl runtime (not on one of its threads, and not "
                         "inside Runtime::block_on)");
}

void check_may_block(const char* caller) {
  const ThreadContext& context = this_thread_context();
  if (context.role == ThreadRole::worker || context.role == ThreadRole::owner) {
    throw std::logic_error(std::string(caller) +
                           " called inside a task (or on a worker): blocking the thread would "
                           "stall the tasks it runs, the awaited one too; use co_await");
  }
}

void throw_moved_from_join_handle() {
  throw std::logic_error("asyncl: a JoinHandle was used after it was moved from");
}

void throw_task_misuse(bool moved_from) {
  throw std::logic_error(moved_from ? "asyncl: a Task was awaited after it was moved from"
                                    : "asyncl: a Task was awaited a second time; a Task runs once");
}

ScopeNode* copy_scope(const ScopeNode* scope) {
  ScopeNode* head = nullptr;
  ScopeNode** link = &head;
  try {
    for (const ScopeNode* node = scope; node != nullptr; node = node->parent) {
      if (node->clone == nullptr) continue;
      bool shadowed = false;
      for (const ScopeNode* inner = scope; inner != node; inner = inner->parent) {
        shadowed = shadowed || inner->key == node->key;
      }
      if (shadowed) continue;
      ScopeNode* copy = node->clone(*node);
      copy->parent = nullptr;
      *link = copy;
      link = &copy->parent;
    }
  } catch (...) {
    destroy_scope_copy(head);  // a value's copy constructor threw: drop the copies made so far
    throw;
  }
  return head;
}

void destroy_scope_copy(ScopeNode* copy) noexcept {
  while (copy != nullptr) {
    ScopeNode* parent = copy->parent;
    copy->destroy(copy);
    copy = parent;
  }
}

}  // namespace detail

Runtime Runtime::Builder::build() const { return Runtime(*this); }

Runtime::Runtime(const Builder& builder) {
  detail::SchedulerBase::Config config;
  config.workers = builder.workers_ != 0
                       ? builder.workers_
                       : std::max<std::size_t>(1, std::thread::hardware_concurrency());
  config.max_blocking = builder.max_blocking_;
  config.keep_alive = builder.keep_alive_;
  config.barrier_protected = builder.barrier_protected_;
  if (builder.flavor_ == Flavor::multi_thread) {
    core_ = detail::make_multi_thread(config);
  } else {
    core_ = detail::make_current_thread(config);
  }
}

Runtime::Runtime(Runtime&&) noexcept = default;

Runtime::~Runtime() {
  if (!core_) return;
  // The protocol waits for every task and closure of this runtime; run on one of its own
  // threads, it would wait for itself forever.
  if (detail::this_thread_context().runtime == core_.get()) {
    detail::fatal(
        "asyncl: a Runtime was destroyed on one of its own threads (inside one of its "
        "tasks or blocking closures); shutdown would wait for that thread forever. "
        "Destroy it from the thread that owns it, outside block_on");
  }
  // Before step 1: a spawn through a Handle from now on is rejected without reaching the
  // runtime, and the ones in flight have returned before the shutdown protocol begins.
  core_->gate()->close();
  static_cast<detail::SchedulerBase&>(*core_).shutdown();
}

Runtime::Handle Runtime::handle() const { return Handle(core_->gate()); }

Runtime::Handle Runtime::Handle::current() {
  return Handle(detail::current_runtime("asyncl::Runtime::Handle::current").gate());
}

Runtime::Flavor Runtime::flavor() const noexcept {
  return static_cast<const detail::SchedulerBase&>(*core_).is_current_thread()
             ? Flavor::current_thread
             : Flavor::multi_thread;
}

std::size_t Runtime::worker_count() const noexcept {
  return static_cast<const detail::SchedulerBase&>(*core_).worker_count();
}

void Runtime::check_owner_thread(const char* caller) const {
  if (detail::this_thread_context().role != detail::ThreadRole::none) {
    throw std::logic_error(std::string(caller) +
                           " called from a runtime thread or from inside a task; only the owner "
                           "thread may block on a runtime");
  }
  const auto& scheduler = static_cast<const detail::SchedulerBase&>(*core_);
  if (scheduler.is_current_thread() && !scheduler.on_owner_thread()) {
    throw std::logic_error(std::string(caller) +
                           " called on a thread other than the one that built this current-thread "
                           "runtime; its tasks run only on the thread that built it");
  }
}

void Runtime::drive_until(bool (*done)(void*), void* arg) {
  static_cast<detail::SchedulerBase&>(*core_).drive_until(done, arg);
}

namespace this_worker {
std::optional<std::size_t> index() noexcept {
  const detail::ThreadContext& context = detail::this_thread_context();
  if (context.role != detail::ThreadRole::worker) return std::nullopt;
  return context.worker_index;
}
}  // namespace this_worker

// ── Notify ────────────────────────────────────────────────────────────────────────────────────

Notify::~Notify() {
  if (head_ != nullptr) {
    detail::fatal("asyncl: a Notify was destroyed while tasks were waiting on it");
  }
}

bool Notify::enqueue(WaitAwaiter& waiter, detail::TaskHeader* task) {
  detail::LockGuard lock(mutex_);
  if (permit_) {
    permit_ = false;
    return false;
  }
  waiter.task_ = task;
  waiter.prev_ = tail_;
  waiter.next_ = nullptr;
  if (tail_ != nullptr) {
    tail_->next_ = &waiter;
  } else {
    head_ = &waiter;
  }
  tail_ = &waiter;
  waiter.state_.store(WaitAwaiter::waiting, std::memory_order_relaxed);  // read under mutex_
  return true;
}

void Notify::unlink_locked(WaitAwaiter& waiter) noexcept {
  if (waiter.prev_ != nullptr) {
    waiter.prev_->next_ = waiter.next_;
  } else {
    head_ = waiter.next_;
  }
  if (waiter.next_ != nullptr) {
    waiter.next_->prev_ = waiter.prev_;
  } else {
    tail_ = waiter.prev_;
  }
}

bool Notify::claim_locked(WaitAwaiter& waiter) {
  unsigned char expected = WaitAwaiter::waiting;
  // acq_rel: pairs with the destructor's exchange; whoever moves it out of `waiting` owns it.
  if (!waiter.state_.compare_exchange_strong(
          expected, WaitAwaiter::notifying, std::memory_order_acq_rel, std::memory_order_acquire)) {
    return false;  // leaving: its destructor is waiting for mutex_ to unlink it
  }
  unlink_locked(waiter);
  return true;
}

void Notify::wake_claimed(WaitAwaiter& waiter) {
  // The waiter's frame cannot be destroyed before this wake is done: its destructor waits for
  // `notified`.
  detail::wake(waiter.task_);
  // release: the last access to the waiter; its destructor may return once it reads this.
  waiter.state_.store(WaitAwaiter::notified, std::memory_order_release);
}

void Notify::notify_one() {
  WaitAwaiter* claimed = nullptr;
  {
    detail::LockGuard lock(mutex_);
    for (WaitAwaiter* waiter = head_; waiter != nullptr && claimed == nullptr;) {
      WaitAwaiter* next = waiter->next_;
      if (claim_locked(*waiter)) claimed = waiter;
      waiter = next;
    }
    if (claimed == nullptr) {
      permit_ = true;
      return;
    }
  }
  wake_claimed(*claimed);
}

void Notify::notify_all() {
  // The claimed waiters, oldest first, linked through next_ (theirs to use once claimed).
  WaitAwaiter* first = nullptr;
  WaitAwaiter* last = nullptr;
  {
    detail::LockGuard lock(mutex_);
    for (WaitAwaiter* waiter = head_; waiter != nullptr;) {
      WaitAwaiter* next = waiter->next_;
      if (claim_locked(*waiter)) {
        waiter->next_ = nullptr;
        (last != nullptr ? last->next_ : first) = waiter;
        last = waiter;
      }
      waiter = next;
    }
    if (detail::mutated(detail::Mutation::notify_all_stores_permit)) permit_ = true;
  }
  while (first != nullptr) {
    WaitAwaiter* next = first->next_;  // read before the wake: the waiter may be gone after it
    wake_claimed(*first);
    first = next;
  }
}

Notify::WaitAwaiter::~WaitAwaiter() {
  unsigned char state = state_.load(std::memory_order_acquire);
  if (state == idle) return;
  if (state == waiting && state_.compare_exchange_strong(state, leaving, std::memory_order_acq_rel,
                                                         std::memory_order_acquire)) {
    // Still linked, so the Notify is alive (it must outlive its waiters): unlink under its mutex.
    detail::LockGuard lock(notify_.mutex_);
    notify_.unlink_locked(*this);
    return;
  }
  // A notifier took it: wait until it is done with this awaiter and its task. The Notify itself
  // may already be gone.
  while (state_.load(std::memory_order_acquire) != notified) detail::spin_pause();
}

}  // namespace asyncl
