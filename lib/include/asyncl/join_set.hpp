#pragma once
// asyncl/join_set.hpp — JoinSet<T>: spawn many tasks, await whichever finishes next.
//
// Defines:
//   asyncl::JoinSet<T>   owns the JoinHandles of the tasks (and blocking closures) spawned
//                        through it; join_next() resumes with the next one to finish
//
//   asyncl::JoinSet<int> set;
//   for (int i = 0; i < 10; ++i) set.spawn(fetch(i));
//   while (std::optional<asyncl::JoinHandle<int>> done = co_await set.join_next()) {
//     int v = co_await *done;   // finished already: the value, its exception, or TaskCancelled
//   }
//
// `co_await set.join_next()` returns the JoinHandle of a member that has finished (in the order
// they finish, not the order they were spawned), removed from the set; std::nullopt at once when
// the set is empty. The handle's outcome is read as any JoinHandle's: `co_await *h` or
// `h->wait()` (both return at once), which gives the value, rethrows the task's exception, or
// throws TaskCancelled (aborted, cancelled by shutdown, spawn rejected). A member that throws
// does not disturb the others. join_next() never polls: the waiting task is suspended until a
// member finishes, and woken by it.
//
// abort_all() aborts every member still in the set (each is destroyed at its current
// suspension point); they stay in the set, and join_next() returns them with TaskCancelled (or
// with their outcome, if they finished first). Destroying the set aborts every member still in
// it and detaches them; their frames are destroyed by the runtime shortly after. A blocking
// closure cannot be aborted: it runs to its end, detached.
//
// join_next() is a Task: a loop over many members that have already finished awaits Tasks that
// finish at once, which runs in constant stack only where the compiler makes symmetric
// transfer a tail call (g++ at -O2; not in sanitizer or -O0 builds, see README "Tests").
//
// Members are spawned on the runtime of the calling thread (like asyncl::spawn; outside a
// runtime spawn throws std::logic_error). Each task member costs one extra coroutine frame and
// one small allocation; join_next() costs O(1) per member.
//
// Thread safety: a JoinSet is owned by one task (or thread) at a time: spawn, join_next,
// abort_all, size and the destructor must not run concurrently. Members finish on any thread.
// The set must outlive every join_next() awaiting it; it cannot be moved.
//
// How members report (for maintainers): each member runs inside a small wrapper coroutine
// whose first parameter (a JoinSetMember) pushes the member's id to a ready list and notifies
// the set's Notify when the wrapper's frame is destroyed, which happens exactly once whether
// the task completed, threw, was aborted, cancelled by shutdown, or its spawn was rejected
// (blocking members: when the closure is destroyed). The frame goes just before the outcome is
// published (root_task.hpp publishes it after the frame), so join_next() waits for the
// member's JoinState to finish after popping its id: a short wait, never a poll. Locks: the
// ready list's mutex is released before the Notify is signalled; no lock is held while
// either is taken, so they add no lock order.

#include <coroutine>
#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/join_state.hpp"
#include "asyncl/detail/runtime_core.hpp"
#include "asyncl/detail/task_header.hpp"
#include "asyncl/join_handle.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task.hpp"

namespace asyncl {

namespace detail {

/// The ids of finished members, shared by a JoinSet and the frames of its members (which may
/// outlive the set). Nodes are allocated when a member is spawned, so reporting allocates
/// nothing and cannot fail.
class JoinSetReady {
 public:
  struct Node {
    std::uint64_t id;
    Node* next = nullptr;
  };

  JoinSetReady() = default;
  JoinSetReady(const JoinSetReady&) = delete;
  JoinSetReady& operator=(const JoinSetReady&) = delete;
  ~JoinSetReady() {
    while (Node* node = head_) {
      head_ = node->next;
      delete node;
    }
  }

  /// A member is done: any thread, exactly once per member.
  void push(Node* node) noexcept {
    {
      LockGuard lock(mutex_);
      node->next = nullptr;
      if (tail_ != nullptr) {
        tail_->next = node;
      } else {
        head_ = node;
      }
      tail_ = node;
    }
    // After unlocking: a woken join_next may pop at once. The permit notify_one stores when
    // no task waits is what makes a push between pop() and wait() not lost.
    notify_.notify_one();
  }

  std::unique_ptr<Node> pop() noexcept {
    LockGuard lock(mutex_);
    Node* node = head_;
    if (node != nullptr) {
      head_ = node->next;
      if (head_ == nullptr) tail_ = nullptr;
    }
    return std::unique_ptr<Node>(node);
  }

  Notify& notify() noexcept { return notify_; }

 private:
  Mutex mutex_;
  Node* head_ = nullptr;  // guarded by mutex_
  Node* tail_ = nullptr;  // guarded by mutex_
  Notify notify_;
};

/// Reports its member when destroyed (unless moved from).
class JoinSetMember {
 public:
  JoinSetMember(std::shared_ptr<JoinSetReady> ready, std::uint64_t id)
      : node_(new JoinSetReady::Node{id}), ready_(std::move(ready)) {}
  JoinSetMember(JoinSetMember&& other) noexcept = default;
  JoinSetMember& operator=(JoinSetMember&&) = delete;
  ~JoinSetMember() {
    if (node_ != nullptr) ready_->push(node_.release());
  }

 private:
  std::unique_ptr<JoinSetReady::Node> node_;
  std::shared_ptr<JoinSetReady> ready_;
};

/// The wrapper a task member runs in. `member` is the first parameter so that it is destroyed
/// after `task` (and the frame `task` owns).
template <class T>
Task<T> join_set_member(JoinSetMember member, Task<T> task) {
  (void)member;
  if constexpr (std::is_void_v<T>) {
    co_await std::move(task);
  } else {
    co_return co_await std::move(task);
  }
}

}  // namespace detail

template <class T>
class JoinSet {
 public:
  JoinSet() : ready_(std::make_shared<detail::JoinSetReady>()) {}
  JoinSet(const JoinSet&) = delete;
  JoinSet& operator=(const JoinSet&) = delete;
  /// Aborts every member still in the set and detaches it.
  ~JoinSet() {
    for (auto& [id, state] : members_) {
      state->abort();
      state->release();
    }
  }

  /// Spawns `task` as a member (on the calling thread's runtime).
  void spawn(Task<T> task) { add(std::move(task), false); }
  /// Spawns `task` as a member that starts with copies of the caller's task-local values.
  void spawn(Task<T> task, InheritTaskLocals) { add(std::move(task), true); }

  /// Runs `fn()` on the blocking pool as a member (it cannot be aborted).
  template <class F>
  void spawn_blocking(F&& fn) {
    static_assert(std::is_same_v<std::invoke_result_t<std::decay_t<F>&>, T>,
                  "JoinSet<T>::spawn_blocking needs a closure that returns T");
    detail::RuntimeCore& runtime = detail::current_runtime("asyncl::JoinSet::spawn_blocking");
    const std::uint64_t id = next_id_++;
    const auto slot = members_.emplace(id, nullptr).first;
    try {
      slot->second = detail::spawn_blocking_on(
          runtime,
          [fn = std::decay_t<F>(std::forward<F>(fn)),
           member = detail::JoinSetMember(ready_, id)]() mutable -> T { return fn(); });
    } catch (...) {
      members_.erase(slot);
      throw;
    }
  }

  /// The next member to finish, removed from the set; std::nullopt when the set is empty.
  Task<std::optional<JoinHandle<T>>> join_next() {
    for (;;) {
      if (members_.empty()) co_return std::nullopt;
      const std::unique_ptr<detail::JoinSetReady::Node> node = ready_->pop();
      if (node == nullptr) {
        co_await ready_->notify().wait();
        continue;
      }
      const auto slot = members_.find(node->id);
      if (slot == members_.end()) continue;  // a spawn that threw after making its wrapper
      detail::JoinState<T>* const state = slot->second;
      JoinHandle<T> handle(state);  // owns the set's reference from here
      members_.erase(slot);
      co_await detail::OutcomeWait(state);
      co_return std::optional<JoinHandle<T>>(std::move(handle));
    }
  }

  /// Aborts every member still in the set; they stay in it until joined.
  void abort_all() {
    for (auto& [id, state] : members_) state->abort();
  }

  /// Members not yet returned by join_next(), finished or not.
  std::size_t size() const noexcept { return members_.size(); }
  bool empty() const noexcept { return members_.empty(); }

 private:
  void add(Task<T> task, bool inherit) {
    detail::RuntimeCore& runtime = detail::current_runtime("asyncl::JoinSet::spawn");
    const std::uint64_t id = next_id_++;
    const auto slot = members_.emplace(id, nullptr).first;  // first: it may throw
    try {
      slot->second = detail::spawn_on(
          runtime, detail::join_set_member(detail::JoinSetMember(ready_, id), std::move(task)),
          inherit);
    } catch (...) {
      members_.erase(slot);
      throw;
    }
  }

  std::shared_ptr<detail::JoinSetReady> ready_;
  /// Each member's JoinState, holding the reference a JoinHandle would hold.
  std::unordered_map<std::uint64_t, detail::JoinState<T>*> members_;
  std::uint64_t next_id_ = 0;
};

}  // namespace asyncl
