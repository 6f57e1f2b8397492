#pragma once
// scenarios/shutdown_race.hpp — the shutdown-race scenario, for its mutants to run with their
// own adversary. See shutdown_race.cpp for what it does and why each mutant is caught.

#include <chrono>

#include "support/registry.hpp"

namespace asyncl::scenarios {

/// How long the scenario's adversary delays two kinds of writes through LocalRefs, counted
/// from the moment the owner starts dropping the runtime. Each wait ends early when the object
/// the write goes to has been destroyed, which a correct runtime never lets happen first; so
/// against the correct library every wait runs to its bound and the scenario still passes,
/// and against a mutant that destroys thread-locals early the write lands on freed memory in
/// every iteration, not only when the threads happen to interleave that way.
struct ShutdownAdversary {
  /// A frame destroyed at shutdown (step 4) waits for the blocking thread its reference points
  /// into to destroy its thread-locals.
  std::chrono::milliseconds frame_waits_for_blocking_death{2};
  /// A blocking closure running at shutdown (step 3) waits for the worker whose object it was
  /// given to destroy its thread-locals.
  std::chrono::milliseconds closure_waits_for_worker_death{2};
};

/// What the scenario itself runs with: short bounds, the same code paths.
inline constexpr ShutdownAdversary kShutdownPlainAdversary{};

void run_shutdown_race(const RunRequest& request, Outcome& outcome,
                       const ShutdownAdversary& adversary);

}  // namespace asyncl::scenarios
