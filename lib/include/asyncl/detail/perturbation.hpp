#pragma once
// asyncl/detail/perturbation.hpp — seeded schedule perturbation at the runtime's scheduling
// points, for verification.
//
// Compiled in only when ASYNCL_VERIFICATION is defined (the tsan, asan and relacy presets); in
// every other build `perturb(...)` is an empty constexpr function, so the library users link
// has none of it. Off until set_perturbation(seed) is called with a non-zero seed (the workload
// scenario does, per generated program, in the program's own process). Then each call rolls a
// per-thread splitmix64 stream seeded by the seed and the order in which threads first reach a
// point: about 1 in 10 calls yields the thread, 1 in 64 sleeps 20-220 us. Interleavings that
// the OS scheduler rarely produces (a push racing a park, a timer firing into an abort, a
// blocking closure ending as its task completes) are reached on purpose.

#include <cstdint>

namespace asyncl::detail {

enum class PerturbPoint : std::uint8_t {
  push,             // a task is scheduled
  pop,              // a worker looks for its next task
  steal,            // a worker turns to other workers' queues
  park,             // a worker is about to sleep
  wake,             // a suspended task is woken
  timer_fire,       // the timer thread wakes a sleeper
  blocking_start,   // a blocking closure is about to run
  blocking_end,     // a blocking closure returned
  barrier_arrival,  // a pool thread arrives at the shutdown barrier
};

#if defined(ASYNCL_VERIFICATION)
/// 0 (the default) turns perturbation off. Set before the runtime exists.
void set_perturbation(std::uint64_t seed) noexcept;
void perturb(PerturbPoint point) noexcept;
#else
constexpr void perturb(PerturbPoint) noexcept {}
#endif

}  // namespace asyncl::detail
