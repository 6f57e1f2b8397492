#pragma once
// scenarios/workload/sandbox.hpp — runs one program in a forked process, so that a crash, a
// sanitizer report or a hang ends that program only, and says how it ended.
//
//   run_sandboxed(program, trace, timeout)
//       fork; the child sends its stderr to a temporary file and runs execute(); the parent
//       waits at most `timeout` (the watchdog: a program still running then is killed with
//       SIGKILL and reported as a hang, with the trace of which operations started and
//       finished), then classifies the end:
//         pass                exit 0, nothing on stderr that a sanitizer wrote
//         oracle:VARIANT      the oracle's message (exit 3)
//         TOOL:KIND           the first sanitizer report ("asan:heap-use-after-free in F" with
//                             its first frame, "tsan:data race", "ubsan:signed integer overflow:
//                             ...", "lsan:detected memory leaks")
//         signal:NAME         killed by a signal without a sanitizer report (e.g. an abort())
//         hang                the watchdog ended it
//       The signature is what the shrinker keeps constant.
//
// The driver process must not have started any thread before it forks (it never builds a
// runtime itself): a forked child of a multi-threaded process may deadlock.

#include <chrono>
#include <string>

#include "workload/oracle.hpp"
#include "workload/program.hpp"

namespace asyncl::scenarios::workload {

struct SandboxResult {
  std::string signature;  // "pass", "oracle:...", "asan:...", "signal:...", "hang"
  std::string message;    // one line: the oracle's message, the report's headline, ...
  std::string stderr_text;
  std::string trace;    // hang: the operations and how far each got
  long operations = 0;  // operations the program finished
  double seconds = 0;

  bool passed() const { return signature == "pass"; }
};

SandboxResult run_sandboxed(const Program& program, Trace& trace,
                            std::chrono::milliseconds timeout);

/// Each operation of `program`, marked done / RUNNING / not started from the trace.
std::string trace_text(const Program& program, const Trace& trace);

}  // namespace asyncl::scenarios::workload
