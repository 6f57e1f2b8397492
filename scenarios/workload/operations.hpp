#pragma once
// scenarios/workload/operations.hpp — runs one catalogue operation inside the program's root
// task and checks what the reference model says it must produce (see operations.cpp).

#include "asyncl/task.hpp"
#include "workload/oracle.hpp"
#include "workload/program.hpp"

namespace asyncl::scenarios::workload {

/// Runs `op` (the index-th of the program) to its end, failing the process (fail()) on the first
/// result the model does not allow.
Task<void> run_op(Env& env, const Op& op, int index);

/// Returns once `count` is 0 (Env::background: every detached child and closure finished;
/// Env::concurrent: every concurrent operation finished).
Task<void> settle(std::atomic<long>& count);

}  // namespace asyncl::scenarios::workload
