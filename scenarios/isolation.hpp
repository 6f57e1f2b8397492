#pragma once
// scenarios/isolation.hpp — the isolation scenario, for its mutant to run (the mutant is a
// library switch, so it runs the scenario unchanged).

#include "support/registry.hpp"

namespace asyncl::scenarios {

void run_isolation(const RunRequest& request, Outcome& outcome);

}  // namespace asyncl::scenarios
