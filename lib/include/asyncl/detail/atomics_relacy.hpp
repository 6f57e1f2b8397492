#pragma once
// asyncl/detail/atomics_relacy.hpp — the names of atomics.hpp on Relacy's types (ASYNCL_RELACY).
//
// Included by atomics.hpp under ASYNCL_RELACY, never directly. It defines the same names as the
// standard branch, with the same member functions, so the protocol headers compile unchanged
// and scenarios/models check the real code:
//
//   Atomic<T>    rl::atomic<T>: the std::atomic<T> member API, wait/notify included
//   Var<T>       rl::var<T>: plain shared data; every load() and store() is checked for races
//   Mutex        rl::mutex (try_lock may fail spuriously, as the standard allows)
//   LockGuard    scoped lock of a Mutex
//   CondVar      Relacy's condition variable (spurious wakeups unless a model turns them off
//                with relacy_spurious_wakeups; wait_until may time out at any point)
//   spin_pause() a scheduling point that tells Relacy the thread is spinning
//
// Every member takes a trailing CallSite argument defaulted to the caller's position, so the
// histories Relacy prints name the protocol's own lines ("in arrive_and_wait, .../
// shutdown_barrier.hpp(40)"). It is built from __builtin_FUNCTION/FILE/LINE: clang 14 with
// libstdc++ 12 has no std::source_location.
//
// Relacy objects need the running simulation: create them inside a test suite (members,
// before(), thread()), never as globals. Relacy threads are fibers of one OS thread, so a real
// thread_local is shared by all of them (models define this_thread_context() per Relacy thread).

#include "asyncl/detail/relacy_prelude.hpp"

namespace asyncl::detail {

/// Where a synchronization call was written. Nested default arguments are evaluated at the
/// outermost call site, like std::source_location::current().
struct CallSite {
  const char* function;
  const char* file;
  unsigned line;

  static constexpr CallSite here(const char* function = __builtin_FUNCTION(),
                                 const char* file = __builtin_FILE(),
                                 unsigned line = __builtin_LINE()) noexcept {
    return {function, file, line};
  }
  rl::debug_info info() const noexcept { return rl::debug_info(function, file, line); }
};

/// C++20's scoped enumerators: the unscoped std::memory_order_acquire & co. were Relacy macros
/// until relacy_prelude.hpp removed them.
constexpr rl::memory_order to_relacy(std::memory_order order) noexcept {
  switch (order) {
    case std::memory_order::relaxed:
      return rl::mo_relaxed;
    case std::memory_order::consume:
      return rl::mo_consume;
    case std::memory_order::acquire:
      return rl::mo_acquire;
    case std::memory_order::release:
      return rl::mo_release;
    case std::memory_order::acq_rel:
      return rl::mo_acq_rel;
    case std::memory_order::seq_cst:
      return rl::mo_seq_cst;
  }
  return rl::mo_seq_cst;
}

/// A spin loop must tell Relacy it spins: the full-search and context-bound schedulers then
/// run another thread first, instead of reporting a false livelock once the loop has used up
/// the execution depth limit (2000 scheduling points).
inline void spin_pause(CallSite site = CallSite::here()) { rl::yield(1, site.info()); }

template <class T>
class Atomic {
 public:
  using value_type = T;

  /// Value-initialized like std::atomic<T>() in C++20 (a default rl::atomic is "uninitialized",
  /// and loading it fails the test).
  Atomic(CallSite site = CallSite::here()) { atomic_.store(T{}, rl::mo_relaxed, site.info()); }
  Atomic(T value, CallSite site = CallSite::here()) {
    atomic_.store(value, rl::mo_relaxed, site.info());
  }
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  bool is_lock_free() const noexcept { return true; }

  T load(std::memory_order order = std::memory_order_seq_cst,
         CallSite site = CallSite::here()) const {
    return atomic_.load(to_relacy(order), site.info());
  }
  void store(T value, std::memory_order order = std::memory_order_seq_cst,
             CallSite site = CallSite::here()) {
    atomic_.store(value, to_relacy(order), site.info());
  }
  T exchange(T value, std::memory_order order = std::memory_order_seq_cst,
             CallSite site = CallSite::here()) {
    return atomic_.exchange(value, to_relacy(order), site.info());
  }

  bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                               std::memory_order failure, CallSite site = CallSite::here()) {
    const rl::debug_info info = site.info();
    return atomic_.compare_exchange_strong(expected, desired, to_relacy(success), info,
                                           to_relacy(failure), info);
  }
  /// Relacy makes the weak form fail spuriously, as the standard allows.
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure, CallSite site = CallSite::here()) {
    const rl::debug_info info = site.info();
    return atomic_.compare_exchange_weak(expected, desired, to_relacy(success), info,
                                         to_relacy(failure), info);
  }
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               CallSite site = CallSite::here()) {
    return compare_exchange_strong(expected, desired, order, failure_order(order), site);
  }
  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order order = std::memory_order_seq_cst,
                             CallSite site = CallSite::here()) {
    return compare_exchange_weak(expected, desired, order, failure_order(order), site);
  }

  template <class D>
  T fetch_add(D delta, std::memory_order order = std::memory_order_seq_cst,
              CallSite site = CallSite::here()) {
    return atomic_.fetch_add(delta, to_relacy(order), site.info());
  }
  template <class D>
  T fetch_sub(D delta, std::memory_order order = std::memory_order_seq_cst,
              CallSite site = CallSite::here()) {
    return atomic_.fetch_sub(delta, to_relacy(order), site.info());
  }
  T fetch_and(T bits, std::memory_order order = std::memory_order_seq_cst,
              CallSite site = CallSite::here()) {
    return atomic_.fetch_and(bits, to_relacy(order), site.info());
  }
  T fetch_or(T bits, std::memory_order order = std::memory_order_seq_cst,
             CallSite site = CallSite::here()) {
    return atomic_.fetch_or(bits, to_relacy(order), site.info());
  }
  T fetch_xor(T bits, std::memory_order order = std::memory_order_seq_cst,
              CallSite site = CallSite::here()) {
    return atomic_.fetch_xor(bits, to_relacy(order), site.info());
  }

  operator T() const { return load(); }
  T operator=(T value) {
    store(value);
    return value;
  }
  T operator++() { return fetch_add(1) + 1; }
  T operator--() { return fetch_sub(1) - 1; }
  T operator++(int) { return fetch_add(1); }
  T operator--(int) { return fetch_sub(1); }
  template <class D>
  T operator+=(D delta) {
    return fetch_add(delta) + delta;
  }
  template <class D>
  T operator-=(D delta) {
    return fetch_sub(delta) - delta;
  }
  T operator&=(T bits) { return fetch_and(bits) & bits; }
  T operator|=(T bits) { return fetch_or(bits) | bits; }
  T operator^=(T bits) { return fetch_xor(bits) ^ bits; }

  /// std::atomic::wait on Relacy's futex model (the one behind rl_futex): a waiter really
  /// blocks, so a missing notify is reported as a deadlock. Like the kernel futex it compares
  /// with the latest value and parks in one step; a plain load there could read a stale value
  /// and park after the notify, a false deadlock. The park has no spurious wakeups: wait()
  /// loops until the value changed, so they could not be seen by the caller, and Relacy's tree
  /// searches would branch on one at every scheduling point. Caveat: a wake that unparks a
  /// waiter adds a release->acquire edge the standard does not promise, so an ordering bug
  /// shows only in the schedules where the waiter never parks (Relacy explores those too).
  void wait(T old, std::memory_order order = std::memory_order_seq_cst,
            CallSite site = CallSite::here()) const {
    const rl::debug_info info = site.info();
    rl::context& context = rl::ctx();
    for (;;) {
      if (atomic_.load(to_relacy(order), info) != old) return;
      {
        rl::preemption_disabler no_preemption(context);
        T current = old;
        if (!atomic_.compare_exchange_strong(current, old, rl::mo_relaxed, info, rl::mo_relaxed,
                                             info)) {
          continue;
        }
      }
      atomic_.wait(context, false, false, info);
    }
  }
  void notify_one(CallSite site = CallSite::here()) { wake(1, site); }
  void notify_all(CallSite site = CallSite::here()) { wake(rl::thread_id_t(-1) >> 1, site); }

 private:
  static constexpr std::memory_order failure_order(std::memory_order order) noexcept {
    if (order == std::memory_order_acq_rel) return std::memory_order_acquire;
    if (order == std::memory_order_release) return std::memory_order_relaxed;
    return order;
  }
  void wake(rl::thread_id_t count, CallSite site) {
    rl::context& context = rl::ctx();
    context.sched();  // a scheduling point, like the system call
    atomic_.wake(context, count, site.info());
  }

  mutable rl::atomic<T> atomic_;
};

template <class T>
class Var {
 public:
  /// Value-initialized: a default rl::var is "uninitialized" (reading it fails the test, and
  /// its first store is not checked for races).
  Var(CallSite = CallSite::here()) : var_(T{}) {}
  explicit Var(T value, CallSite = CallSite::here()) : var_(value) {}
  Var(const Var&) = delete;
  Var& operator=(const Var&) = delete;

  /// Converting the proxy to T is what records the read (`(void)var_(info)` records nothing).
  T load(CallSite site = CallSite::here()) const { return T(var_(site.info())); }
  void store(T value, CallSite site = CallSite::here()) { var_(site.info()) = value; }

 private:
  rl::var<T> var_;
};

class Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock(CallSite site = CallSite::here()) { mutex_.lock(site.info()); }
  void unlock(CallSite site = CallSite::here()) { mutex_.unlock(site.info()); }
  bool try_lock(CallSite site = CallSite::here()) { return mutex_.try_lock(site.info()); }
  rl::mutex& native() { return mutex_; }

 private:
  rl::mutex mutex_;
};

/// std::lock_guard<Mutex>, remembering where it was taken for Relacy's history.
class LockGuard {
 public:
  explicit LockGuard(Mutex& mutex, CallSite site = CallSite::here()) : mutex_(mutex), site_(site) {
    mutex_.lock(site_);
  }
  LockGuard(Mutex& mutex, std::adopt_lock_t, CallSite site = CallSite::here())
      : mutex_(mutex), site_(site) {}
  ~LockGuard() { mutex_.unlock(site_); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  Mutex& mutex_;
  CallSite site_;
};

/// Whether a CondVar made from now on may wake spuriously, as the standard allows (default).
/// A model may turn it off to keep a full or context-bounded search tractable: while a thread
/// waits, those searches branch on a possible spurious wakeup at every scheduling point. Set
/// by the model driver between simulations only.
inline bool relacy_spurious_wakeups = true;

class CondVar {
 public:
  CondVar(CallSite site = CallSite::here()) { cv_.init(relacy_spurious_wakeups, site.info()); }
  ~CondVar() { cv_.deinit(CallSite::here().info()); }
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  /// Waits with `mutex` held by the caller; it is held again on return. Spurious wakeups happen
  /// (unless relacy_spurious_wakeups was false when the CondVar was made).
  void wait(Mutex& mutex, CallSite site = CallSite::here()) {
    cv_.wait(mutex.native(), false, site.info());
  }
  /// Relacy has no clock: the wait may end by timeout at any point, which covers every deadline.
  template <class Clock, class Duration>
  void wait_until(Mutex& mutex, const std::chrono::time_point<Clock, Duration>&,
                  CallSite site = CallSite::here()) {
    cv_.wait(mutex.native(), true, site.info());
  }
  void notify_one(CallSite site = CallSite::here()) { cv_.notify_one(site.info()); }
  void notify_all(CallSite site = CallSite::here()) { cv_.notify_all(site.info()); }

 private:
  rl::condvar<rl::condvar_tag_std> cv_;
};

}  // namespace asyncl::detail
