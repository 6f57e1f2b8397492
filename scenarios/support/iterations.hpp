#pragma once
// scenarios/support/iterations.hpp — the loop every stress scenario runs.
//
//   run_iterations<Stats>(request, outcome, iteration)
//       for each requested mode, calls iteration(mode, i, stats) for i = 1..request.iterations,
//       stopping at the first recorded failure; then writes the run's detail
//       "modes": {MODE: {"iterations": N, <Stats::add_to>, "seconds_per_iteration": S}}.
//
// Stats is a scenario's counters for one mode: default-constructible, with
// `void add_to(JsonObject&) const` writing them.

#include <chrono>
#include <cstdint>

#include "support/json.hpp"
#include "support/modes.hpp"
#include "support/registry.hpp"

namespace asyncl::scenarios {

template <class Stats, class Iteration>
void run_iterations(const RunRequest& request, Outcome& outcome, Iteration&& iteration) {
  using Clock = std::chrono::steady_clock;
  JsonObject modes;
  for (const ModeName mode : request.modes) {
    Stats stats;
    std::uint64_t iterations = 0;
    double seconds = 0;
    for (std::uint64_t i = 1; i <= request.iterations && !outcome.failed(); ++i) {
      const auto started = Clock::now();
      iteration(mode, i, stats);
      seconds += std::chrono::duration<double>(Clock::now() - started).count();
      ++iterations;
    }
    JsonObject object;
    object.set("iterations", iterations);
    stats.add_to(object);
    object.set("seconds_per_iteration",
               iterations == 0 ? 0.0 : seconds / static_cast<double>(iterations));
    modes.set(to_string(mode), object);
    if (outcome.failed()) break;
  }
  outcome.detail().set("modes", modes);
}

}  // namespace asyncl::scenarios
