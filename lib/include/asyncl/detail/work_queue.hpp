#pragma once
// asyncl/detail/work_queue.hpp — the run queues of the multi-thread scheduler.
//
//   LocalQueue<T, N>   one per worker: a lock-free ring of N task pointers (tokio's design). The
//                      owner pushes at the tail and pops the oldest at the head; other workers
//                      steal about half of it from the head into their own ring.
//   LifoSlot<T>        one per worker: the task woken or spawned last on that worker, which it
//                      runs next. Any other worker may take it (steal), so it is never stranded.
//   WorkerQueue<T, N>  a worker's ring and LIFO slot together, with the LIFO cap.
//   Injector<T>        the global queue: an unbounded intrusive FIFO (T has `Var<T*> queue_next`)
//                      for tasks pushed from outside the workers and for local overflow.
//
// Invariants: a task pointer is in at most one queue at a time (TaskState::kScheduled says which
// thread put it there); a popped or stolen pointer is owned by the thread that took it.
//
// ── LocalQueue ────────────────────────────────────────────────────────────────────────────────
// head_ packs two 32-bit indices, `steal` (high half) and `real` (low half); tail_ is written by
// the owner only. Slots [real, tail) hold tasks; slots [steal, real) are being copied out by one
// thief, which claimed them by moving `real` with a CAS and gives them back by moving `steal` up
// to `real` with a second CAS. Indices run freely and wrap at 2^32; a slot is index & (N - 1).
//
//   owner push   writes slot[tail] only if tail - steal < N (no thief still copies it), then
//                tail_.store(release): publishes the slot to the thief that acquires tail_.
//   owner pop    CAS on head_ moving `real` (and `steal` with it when no steal is running).
//   steal        acquire tail_, CAS claim [real, real + n) (refused while another steal runs),
//                copy the slots, CAS steal = real (release: the copies happen-before the owner's
//                next write of those slots, which acquires head_ before it writes).
//   overflow     the owner claims the older half with one CAS, as a thief would, and moves it,
//                with the task that did not fit, to the Injector in one batch.
//
// The CASes are strong although each sits in a retry loop: on x86 both are one instruction,
// and under Relacy every possible spurious failure of a weak one is one more branch to search.
//
// Every ordering is on an atomic (acquire, release, acq_rel): no standalone fence, so
// ThreadSanitizer sees the same happens-before edges as Relacy (docs/hazards.md, "Sanitizers").
// The Injector is guarded by a mutex. `size()` is a hint read without ordering anything: an idle
// worker re-checks under the idle protocol before it parks (idle_set.hpp), whose RMWs order it.

#include <array>
#include <cstddef>
#include <cstdint>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/checks.hpp"
#include "asyncl/detail/mutation.hpp"

namespace asyncl::detail {

template <class T>
class Injector {
 public:
  void push(T* task) {
    ASYNCL_INTERNAL_EXPECT(task != nullptr, "Injector::push: a null task");
    task->queue_next.store(nullptr);
    push_batch(task, task, 1);
  }

  /// `first` .. `last`, already linked through queue_next (last's is null), `count` tasks.
  void push_batch(T* first, T* last, std::size_t count) {
    ASYNCL_INTERNAL_EXPECT(first != nullptr && last != nullptr && count > 0,
                           "Injector::push_batch: an empty batch");
    LockGuard lock(mutex_);
    if (T* tail = tail_.load()) {
      tail->queue_next.store(first);
    } else {
      head_.store(first);
    }
    tail_.store(last);
    size_.store(size_.load(std::memory_order_relaxed) + count, std::memory_order_relaxed);
  }

  T* pop() {
    std::size_t count = 0;
    return pop_batch(1, count);
  }

  /// Up to `max` tasks (at least one if any is there) from the head in one lock: the first is
  /// returned, the rest follow it through queue_next (the last one's is null); `count` says how
  /// many. A worker takes a share of a batch at once instead of locking once per task.
  T* pop_batch(std::size_t max, std::size_t& count) {
    count = 0;
    if (size_.load(std::memory_order_relaxed) == 0) return nullptr;  // a hint: see above
    LockGuard lock(mutex_);
    T* first = head_.load();
    if (first == nullptr) return nullptr;
    T* last = first;
    count = 1;
    while (count < max) {
      T* next = last->queue_next.load();
      if (next == nullptr) break;
      last = next;
      ++count;
    }
    head_.store(last->queue_next.load());
    if (head_.load() == nullptr) tail_.store(nullptr);
    last->queue_next.store(nullptr);
    size_.store(size_.load(std::memory_order_relaxed) - count, std::memory_order_relaxed);
    return first;
  }

  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  Mutex mutex_;
  Var<T*> head_{nullptr};
  Var<T*> tail_{nullptr};
  Atomic<std::size_t> size_{0};
};

template <class T, std::size_t N>
class LocalQueue {
  static_assert(N >= 2 && (N & (N - 1)) == 0, "capacity must be a power of two, at least 2");
  static_assert(N <= (std::size_t{1} << 31), "indices are 32 bits");

 public:
  using Index = std::uint32_t;

  LocalQueue() : LocalQueue(0) {}
  /// Starts the indices at `first` (tests and models run them across their wrap at 2^32).
  explicit LocalQueue(Index first) : head_(pack(first, first)), tail_(first), owner_tail_(first) {}

  /// Owner only. False when full (or when a thief still copies out of a full ring): the caller
  /// sends the task elsewhere (push_or_overflow sends it to the Injector).
  bool push(T* task) {
    ASYNCL_INTERNAL_EXPECT(task != nullptr, "LocalQueue::push: a null task");
    const Index tail = owner_tail_.load();
    // acquire: a thief's copies out of the slots it gave back happen-before we overwrite them.
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    if (static_cast<Index>(tail - steal_of(head)) >= N) return false;
    slots_[tail & kMask].store(task);
    // release: publishes the slot to a thief that acquires tail_.
    tail_.store(tail + 1, std::memory_order_release);
    owner_tail_.store(tail + 1);
    return true;
  }

  /// Owner only. Pushes `task`; when the ring is full, moves its older half and `task` to
  /// `overflow` in one batch (or only `task` while a thief copies out of the ring).
  void push_or_overflow(T* task, Injector<T>& overflow) {
    while (!push(task)) {
      const Index tail = owner_tail_.load();
      std::uint64_t head = head_.load(std::memory_order_acquire);
      const Index real = real_of(head);
      if (steal_of(head) != real) {
        // A thief holds part of the ring; it will give the slots back soon.
        task->queue_next.store(nullptr);
        overflow.push_batch(task, task, 1);
        return;
      }
      if (static_cast<Index>(tail - real) < N) continue;  // a steal made room since push looked
      // Claim the older half as a thief would: steal == real, so no thief copies now, and
      // none can claim these slots once real has moved past them.
      const Index taken = static_cast<Index>(N / 2);
      if (!head_.compare_exchange_strong(head, pack(real + taken, real + taken),
                                         std::memory_order_acq_rel, std::memory_order_acquire)) {
        continue;  // a thief or nothing changed head_: look again
      }
      T* first = slots_[real & kMask].load();
      T* last = first;
      for (Index i = 1; i < taken; ++i) {
        T* next = slots_[(real + i) & kMask].load();
        last->queue_next.store(next);
        last = next;
      }
      last->queue_next.store(task);
      task->queue_next.store(nullptr);
      overflow.push_batch(first, task, taken + 1);
      return;
    }
  }

  /// Owner only. Oldest first, so a task that yields goes behind the ones already waiting.
  T* pop() {
    std::uint64_t head = head_.load(std::memory_order_acquire);
    for (;;) {
      const Index steal = steal_of(head);
      const Index real = real_of(head);
      if (real == owner_tail_.load()) return nullptr;
      // While a steal runs, `steal` stays where it is: the thief gives its slots back.
      const std::uint64_t next = steal == real ? pack(real + 1, real + 1) : pack(steal, real + 1);
      if (head_.compare_exchange_strong(head, next, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
        return slots_[real & kMask].load();
      }
    }
  }

  /// A worker that owns `into` (empty): moves about half of this queue into `into` and returns
  /// one more task to run at once (the oldest), or nullptr. It takes 1 + available / 2 tasks.
  /// Nothing while another thief copies out of this queue, or while one copies out of `into`
  /// the slots it would need.
  T* steal_into(LocalQueue& into) {
    ASYNCL_INTERNAL_EXPECT(&into != this, "LocalQueue::steal_into: a worker steals from itself");
    const Index into_tail = into.owner_tail_.load();  // we own `into`
    const std::uint64_t into_head = into.head_.load(std::memory_order_acquire);
    ASYNCL_INTERNAL_EXPECT(real_of(into_head) == into_tail,
                           "LocalQueue::steal_into: the thief's own queue is not empty");
    if (static_cast<Index>(into_tail - steal_of(into_head)) > N / 2) return nullptr;

    // Mutant queue_steal_weak_claim: the claim (the load of the tail, the CAS) orders nothing,
    // so the slots it reads are not ordered after the owner's writes of them.
    const bool weak = mutated(Mutation::queue_steal_weak_claim);
    const std::memory_order claim_load =
        weak ? std::memory_order_relaxed : std::memory_order_acquire;
    const std::memory_order claim = weak ? std::memory_order_relaxed : std::memory_order_acq_rel;

    std::uint64_t head = head_.load(std::memory_order_acquire);
    Index first = 0;
    Index count = 0;
    for (;;) {
      const Index steal = steal_of(head);
      first = real_of(head);
      if (steal != first) return nullptr;  // another thief copies out of this queue
      // acquire: pairs with the owner's release store; the slots up to tail are written.
      const Index available = static_cast<Index>(tail_.load(claim_load) - first);
      if (available == 0) return nullptr;
      if (available > N) {
        // The head we read went stale before we read the tail (the owner popped and pushed in
        // between): the CAS would fail anyway; look again.
        head = head_.load(std::memory_order_acquire);
        continue;
      }
      count = 1 + available / 2;
      if (count > available) count = available;
      // Move real past the claimed slots; steal stays behind them until they are copied.
      if (head_.compare_exchange_strong(head, pack(steal, first + count), claim,
                                        std::memory_order_acquire)) {
        break;
      }
    }

    T* task = slots_[first & kMask].load();
    for (Index i = 1; i < count; ++i) {
      into.slots_[(into_tail + i - 1) & kMask].store(slots_[(first + i) & kMask].load());
    }
    // Give the slots back. release: the copies above happen-before the owner overwrites them.
    head = pack(first, first + count);
    for (;;) {
      ASYNCL_INTERNAL_EXPECT(steal_of(head) == first, "LocalQueue::steal_into: a second thief");
      const Index real = real_of(head);
      if (head_.compare_exchange_strong(head, pack(real, real), std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
        break;
      }
    }
    // release: publishes the copied slots to whoever steals from `into`.
    if (count > 1) {
      into.tail_.store(into_tail + count - 1, std::memory_order_release);
      into.owner_tail_.store(into_tail + count - 1);
    }
    return task;
  }

  /// A hint, from any thread: the tasks waiting (not those a thief is copying out).
  std::size_t size() const {
    const Index real = real_of(head_.load(std::memory_order_acquire));
    const Index n = static_cast<Index>(tail_.load(std::memory_order_acquire) - real);
    return n > N ? 0 : n;  // tail read before a concurrent pop moved real: treat as empty
  }

 private:
  static constexpr Index kMask = static_cast<Index>(N - 1);

  static constexpr std::uint64_t pack(Index steal, Index real) {
    return (std::uint64_t{steal} << 32) | real;
  }
  static constexpr Index steal_of(std::uint64_t head) { return static_cast<Index>(head >> 32); }
  static constexpr Index real_of(std::uint64_t head) { return static_cast<Index>(head); }

  Atomic<std::uint64_t> head_;
  Atomic<Index> tail_;  // written by the owner only
  // The owner's copy of tail_, read without an atomic operation (tokio's unsync_load; under
  // Relacy an atomic load is a scheduling point, a Var access is not).
  Var<Index> owner_tail_;
  std::array<Var<T*>, N> slots_{};
};

template <class T>
class LifoSlot {
 public:
  /// Owner: puts `task` in the slot and returns the task it displaced (or nullptr), which the
  /// caller must queue elsewhere.
  T* put(T* task) {
    ASYNCL_INTERNAL_EXPECT(task != nullptr, "LifoSlot::put: a null task");
    if (mutated(Mutation::lifo_slot_loses_task)) {
      // Mutant lifo_slot_loses_task: the new task overwrites the one in the slot.
      slot_.store(task, std::memory_order_release);
      return nullptr;
    }
    // acq_rel: release publishes `task` to a thief's take; acquire is for the displaced one
    // (the owner put it itself, so only coherence is needed; acq_rel keeps it simple).
    return slot_.exchange(task, std::memory_order_acq_rel);
  }

  /// Owner or thief: takes the task, or nullptr.
  T* take() {
    // A relaxed look first spares the RMW on an empty slot; an owner always sees its own put.
    if (slot_.load(std::memory_order_relaxed) == nullptr) return nullptr;
    // acquire: pairs with put's release (the task's pointer and what the putter wrote before).
    return slot_.exchange(nullptr, std::memory_order_acq_rel);
  }

  /// A hint, from any thread.
  bool empty() const { return slot_.load(std::memory_order_acquire) == nullptr; }

 private:
  Atomic<T*> slot_{nullptr};
};

/// A worker's run queue: the LIFO slot in front of the ring. Methods are for the owner unless
/// they say otherwise.
template <class T, std::size_t N>
class WorkerQueue {
 public:
  /// How many tasks in a row the owner takes from the LIFO slot before the slot's task goes
  /// to the back of the ring (tokio's cap): two tasks that wake each other cannot starve the
  /// ring.
  static constexpr unsigned kMaxLifoRuns = 3;

  WorkerQueue() = default;
  explicit WorkerQueue(typename LocalQueue<T, N>::Index first) : ring_(first) {}

  /// A task woken or spawned on this worker: it runs next. The task it displaces from the LIFO
  /// slot goes to the ring (or the Injector). Returns whether other tasks now wait too (worth
  /// waking a parked worker to steal).
  bool push_next(T* task, Injector<T>& overflow) {
    T* displaced = lifo_.put(task);
    if (displaced == nullptr) return ring_.size() > 0;
    ring_.push_or_overflow(displaced, overflow);
    return true;
  }

  /// A task that yielded (woken while it ran): behind every task already waiting, the LIFO
  /// slot's too (which moves to the ring first: a thief takes the ring's oldest, and must not
  /// run the yielder ahead of it). Returns whether other tasks wait too.
  bool push_back(T* task, Injector<T>& overflow) {
    if (T* next = lifo_.take()) ring_.push_or_overflow(next, overflow);
    ring_.push_or_overflow(task, overflow);
    return ring_.size() > 1 || !lifo_.empty();
  }

  /// The next task: the LIFO slot's, unless it has run kMaxLifoRuns times in a row (then that
  /// task goes to the back of the ring), else the ring's oldest.
  T* pop(Injector<T>& overflow) {
    if (T* task = lifo_.take()) {
      if (lifo_runs_ < kMaxLifoRuns) {
        ++lifo_runs_;
        return task;
      }
      ring_.push_or_overflow(task, overflow);
    }
    lifo_runs_ = 0;
    return ring_.pop();
  }

  /// Another worker, which owns `into` and found it empty: steals half of the ring into
  /// `into`'s ring, else the task in the LIFO slot.
  T* steal_into(WorkerQueue& into) {
    if (T* task = ring_.steal_into(into.ring_)) return task;
    return lifo_.take();
  }

  /// A hint, from any thread: whether a task waits here.
  bool has_work() const { return ring_.size() > 0 || !lifo_.empty(); }

  /// Tests: the ring and the slot.
  const LocalQueue<T, N>& ring() const { return ring_; }
  const LifoSlot<T>& lifo() const { return lifo_; }

 private:
  LocalQueue<T, N> ring_;
  LifoSlot<T> lifo_;
  unsigned lifo_runs_ = 0;  // the owner's only
};

}  // namespace asyncl::detail
