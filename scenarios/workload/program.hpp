#pragma once
// scenarios/workload/program.hpp — a generated workload program: a runtime configuration and a
// flat list of self-contained operations that the program's root task runs in order.
//
//   Variant            one entry of the operation catalogue ("sleep.zero", "abort.suspended", ...)
//   catalogue()        every variant, in a fixed order (the coverage keys)
//   Catalogue          the enabled variants (all, minus ASYNCL_WORKLOAD_SKIP prefixes, or only
//                      ASYNCL_WORKLOAD_ONLY prefixes)
//   Program            runtime configuration + operations + how the program ends
//   generate(seed, c)  the same seed and catalogue give the same program on every machine
//   to_cpp(program)    the program as readable C++-like steps
//
// Every operation is self-contained (it creates what it shares: its Notify, its children), so
// any subsequence of a program's operations is a valid program: that is what the shrinker
// deletes from.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "support/mode_name.hpp"

namespace asyncl::scenarios::workload {

enum class Kind : std::uint8_t {
  join,        // spawn a child and co_await its JoinHandle
  poll,        // spawn, poll is_finished in a yield loop, then co_await
  abort,       // spawn, abort at some point, co_await
  drop,        // spawn and drop the JoinHandle (detach)
  blocking,    // spawn_blocking awaited or detached
  context,     // Context<T, Mode>: local_ref across a yield, with_blocking, with_async
  yield,       // yield_now
  sleep,       // sleep_for edge durations
  notify,      // Notify: permits, one and all, aborted waiters, notify from other threads
  task_local,  // TaskLocal scopes across suspensions, nested, inherited, with exceptions
  awaiter,     // user awaiters: throwing, synchronous, resuming on a foreign std::thread
  throwing,    // task bodies that throw, awaited or detached
  misuse,      // misuse the API documents as invalid or undefined (named runtime defects)
  handle,    // Runtime::Handle: spawns from tasks and foreign threads, before/while/after ~Runtime
  join_set,  // JoinSet: join_next until empty, abort_all, dropped with members running
  timeout,   // timeout / timeout_at at the edges of durations and deadlines
  sleep_until,  // sleep_until at past, present, near and unrepresentable deadlines
  fault,        // injected thread-start and frame-allocation failures (exclusive, never concurrent)
  block_on,     // block_on from two std::threads at once
};

struct Variant {
  std::string_view name;  // "kind.variant"
  Kind kind;
  int variant;
};

const std::vector<Variant>& catalogue();

struct Catalogue {
  std::vector<const Variant*> enabled;
  std::string skip;  // the ASYNCL_WORKLOAD_SKIP / _ONLY settings, for the replay command
  std::string only;
  /// From the environment: ASYNCL_WORKLOAD_SKIP=prefix,prefix (e.g. "sleep.zero,misuse") and
  /// ASYNCL_WORKLOAD_ONLY=prefix,prefix.
  static Catalogue from_environment();
  /// Only the variants whose names start with one of `prefixes` (a mutant's focused catalogue).
  static Catalogue only_variants(std::initializer_list<std::string_view> prefixes);
  /// The `VAR=value ` prefix the replay command needs, or "".
  std::string environment_prefix() const;
};

struct Op {
  const Variant* variant = nullptr;
  int a = 0;  // small parameters; their meaning is the variant's (see operations.cpp)
  int b = 0;
  int c = 0;
  ModeName mode = ModeName::barrier;  // context operations
  /// Run in a task of its own, beside the operations after it; the root waits for every
  /// concurrent operation before the program's ending.
  bool concurrent = false;
};

enum class Ending : std::uint8_t {
  settle,    // the root waits until every detached child and closure has finished
  drop_now,  // the root returns at once: the runtime is destroyed with work in flight
};

struct Program {
  std::uint64_t seed = 0;
  bool multi_thread = true;
  int workers = 2;
  bool barrier_protected = true;
  int max_blocking = 2;
  bool short_keep_alive = false;  // blocking_keep_alive(1ms) instead of the default
  Ending ending = Ending::settle;
  std::vector<Op> ops;
};

Program generate(std::uint64_t seed, const Catalogue& catalogue,
                 const std::vector<ModeName>& modes);

/// One operation as a C++-like statement (no trailing newline).
std::string to_cpp(const Op& op);
/// The whole program: the runtime, the root task with one numbered statement per operation,
/// and the ending.
std::string to_cpp(const Program& program);

}  // namespace asyncl::scenarios::workload
