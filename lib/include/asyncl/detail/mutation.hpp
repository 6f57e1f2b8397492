#pragma once
// asyncl/detail/mutation.hpp — switches that break the library on purpose, for verification.
//
// A mutant is a broken twin of the library that the verification suite must catch (see
// scenarios/mutants/). The switches are compiled in only when ASYNCL_VERIFICATION is defined
// (the tsan, asan and relacy presets); in every other build `mutated(...)` is the constant false
// and the broken paths are removed by the compiler, so the library users link has none of them.
//
// Each mutation names the step of the shutdown protocol (runtime.cpp) or the rule it breaks.

#include <cstdint>

namespace asyncl::detail {

enum class Mutation : std::uint8_t {
  none,
  skip_barrier_wait,         // shutdown step 5: threads leave without waiting for each other
  relaxed_barrier,           // shutdown step 5: the barrier's atomics use relaxed ordering
  tls_before_tasks,          // shutdown step 4 before step 3: pool threads exit, frames later
  task_local_not_restored,   // task-local scope left set after a suspend, not reset on resume
  frame_destroyed_twice,     // shutdown step 3: a cancelled frame is destroyed twice
  frame_not_destroyed,       // shutdown step 3: a cancelled frame is leaked
  idle_lost_wakeup,          // idle set: the pusher reads the sleeper count with a plain load
  queue_steal_unlocked,      // work queue: a thief steals without the victim queue's lock
  task_state_unordered_decision,  // task state: an unchanged word is decided on a relaxed load
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
