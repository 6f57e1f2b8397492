#pragma once
// asyncl/detail/mutation.hpp — switches that break the library on purpose, for verification.
//
// A mutant is a broken twin of the library that the verification suite must catch (see
// scenarios/mutants/). The switches are compiled in only when ASYNCL_VERIFICATION is defined
// (the tsan, asan and relacy presets); in every other build `mutated(...)` is the constant false
// and the broken paths are removed by the compiler, so the library users link has none of them.
//
// Each mutation names the step of the shutdown protocol it breaks (detail::ShutdownStep,
// asyncl/detail/shutdown_steps.hpp; numbered in lib/src/scheduler.cpp) or the rule it breaks.
// notify_all_stores_permit, timer_fires_early, blocking_exception_lost and
// leaky_freed_at_thread_exit break paths only the workload scenario (and shutdown-race's leaky
// episodes) reach: what Notify, the timer, spawn_blocking and leaky mode promise to users.
// task_state_unordered_decision, queue_steal_weak_claim and lifo_slot_loses_task are caught by
// the Relacy models of those types (scenarios/models/).

#include <cstdint>

namespace asyncl::detail {

enum class Mutation : std::uint8_t {
  none,
  skip_barrier_wait,           // step 5, rendezvous: threads leave without waiting for each other
  relaxed_barrier,             // step 5, rendezvous: the barrier's atomics use relaxed ordering
  tls_before_tasks,            // step 6, thread_return, before step 4: threads exit, frames later
  task_local_not_restored,     // task-local scope left set after a suspend, not reset on resume
  frame_destroyed_twice,       // step 4, destroy_frames: a cancelled frame destroyed twice
  frame_not_destroyed,         // step 4, destroy_frames: a cancelled frame is leaked
  idle_lost_wakeup,            // idle set: the pusher reads the sleeper count with a plain load
  queue_steal_weak_claim,      // work queue: a thief claims slots without acquiring their writes
  notify_all_stores_permit,    // Notify: notify_all also stores the permit (only notify_one may)
  timer_fires_early,           // timer: a sleep is woken at once, before its deadline
  blocking_exception_lost,     // spawn_blocking: a closure's exception becomes a default value
  leaky_freed_at_thread_exit,  // leaky Context: the object is freed when its thread exits
  task_state_unordered_decision,  // task state: an unchanged word is decided on a relaxed load
  lifo_slot_loses_task,           // work queue: a LIFO put overwrites the slot's task, unqueued
};

#if defined(ASYNCL_VERIFICATION)
/// The mutation this process runs with; set once by the scenario driver before any runtime exists.
void set_mutation(Mutation m) noexcept;
Mutation active_mutation() noexcept;
inline bool mutated(Mutation m) noexcept { return active_mutation() == m; }
#else
constexpr bool mutated(Mutation) noexcept { return false; }
#endif

}  // namespace asyncl::detail
