#pragma once
// scenarios/workload/driver.hpp — the workload scenario's run: `--iterations N --seed S` runs the
// programs of seeds S, S+1, ..., S+N-1, each in its own forked process (sandbox.hpp), stopping
// at the first that fails; that one is shrunk (shrink.hpp), and the run prints the child's
// stderr, the replay command and the minimal program, and records them as the failure.
//
// Settings from the environment (all optional):
//   ASYNCL_WORKLOAD_SKIP=p1,p2    catalogue variants to leave out, by name prefix
//                                 (default "misuse": the documented-invalid uses); the entry
//                                 "check.frame_before_outcome" turns that oracle check off
//   ASYNCL_WORKLOAD_ONLY=p1,p2    only these variants
//   ASYNCL_WORKLOAD_TIMEOUT_MS=N  the watchdog's bound per program (default 5000)
//   ASYNCL_WORKLOAD_NO_SHRINK=1   report the failing program as generated
//   ASYNCL_WORKLOAD_PERTURB=0     no schedule perturbation (default: on, seeded by the program)

#include "support/registry.hpp"
#include "workload/program.hpp"

namespace asyncl::scenarios::workload {

void run_workload(const RunRequest& request, Outcome& outcome, const Catalogue& selection);

}  // namespace asyncl::scenarios::workload
