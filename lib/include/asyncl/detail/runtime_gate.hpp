#pragma once
// asyncl/detail/runtime_gate.hpp — what a Runtime::Handle holds: a door to the runtime that
// ~Runtime closes before shutdown begins.
//
// The gate is shared (std::shared_ptr) by the runtime and every Handle, so it outlives the
// runtime. A spawn through a Handle passes the gate (Pass): while the gate is open it counts the
// spawn as in flight and yields the runtime; once closed it yields null and the spawn is
// rejected without touching the runtime. close() waits for the spawns in flight, so none of
// them can reach a runtime that is being shut down or freed.
//
// Why a count and not a shared lock held across the spawn: a spawn runs user code (a task-local
// value's copy constructor) that may spawn through a Handle again; a reader-writer lock taken
// twice by one thread, with the destructor waiting in between, would deadlock.
//
// Thread safety: everything is guarded by mutex_; any thread may pass, one thread (~Runtime)
// closes, once.

#include <cstddef>

#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/join_state.hpp"

namespace asyncl::detail {

class RuntimeCore;

class RuntimeGate {
 public:
  explicit RuntimeGate(RuntimeCore* runtime) noexcept : runtime_(runtime) {}
  RuntimeGate(const RuntimeGate&) = delete;
  RuntimeGate& operator=(const RuntimeGate&) = delete;

  /// One spawn through the gate: runtime() is null when the gate was closed.
  class Pass {
   public:
    explicit Pass(RuntimeGate& gate) noexcept : gate_(gate), runtime_(gate.enter()) {}
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;
    ~Pass() {
      if (runtime_ != nullptr) gate_.leave();
    }
    RuntimeCore* runtime() const noexcept { return runtime_; }

   private:
    RuntimeGate& gate_;
    RuntimeCore* const runtime_;
  };

  /// ~Runtime, before shutdown step 1: no pass gets the runtime from now on; returns once every
  /// spawn that got it has returned.
  void close() noexcept {
    LockGuard lock(mutex_);
    runtime_ = nullptr;
    while (in_flight_ != 0) cv_.wait(mutex_);
  }

 private:
  RuntimeCore* enter() noexcept {
    LockGuard lock(mutex_);
    if (runtime_ != nullptr) ++in_flight_;
    return runtime_;
  }
  void leave() noexcept {
    LockGuard lock(mutex_);
    if (--in_flight_ == 0 && runtime_ == nullptr) cv_.notify_all();
  }

  Mutex mutex_;
  CondVar cv_;
  RuntimeCore* runtime_;       // guarded by mutex_; null once closed
  std::size_t in_flight_ = 0;  // guarded by mutex_
};

/// The JoinState of a spawn the gate refused: finished at once with "spawn rejected", holding
/// only the caller's reference.
template <class T>
JoinState<T>* rejected_spawn() {
  auto* join = JoinState<T>::make();
  join->producer_gone(JoinStateBase::Status::rejected);
  join->release();  // the producer's reference: there is no producer
  return join;
}

}  // namespace asyncl::detail
