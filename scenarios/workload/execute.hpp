#pragma once
// scenarios/workload/execute.hpp — runs one generated program in the calling process: builds
// its runtime, runs the operations in the root task (marking each in the trace), ends the way the
// program says, destroys the runtime, joins foreign threads and checks that every frame token was
// destroyed exactly once. Returns only when everything held; otherwise the oracle ends the
// process (exit 3), or a sanitizer does.

#include "workload/oracle.hpp"
#include "workload/program.hpp"

namespace asyncl::scenarios::workload {

void execute(const Program& program, Trace& trace);

}  // namespace asyncl::scenarios::workload
