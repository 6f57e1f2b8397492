// scenarios/workload/operations_api.cpp — the operations over the API the runtime-hardening
// work added: Runtime::Handle, JoinSet, timeout / timeout_at, sleep_until, injected thread-start
// and frame-allocation failures, block_on from two threads. The model each one checks is in
// operations.cpp's header comment.

#include <atomic>
#include <chrono>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "asyncl/detail/fault_injection.hpp"
#include "asyncl/join_set.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task_local.hpp"
#include "asyncl/timeout.hpp"
#include "workload/operations_common.hpp"

namespace asyncl::scenarios::workload {
namespace {

// ── Runtime::Handle ───────────────────────────────────────────────────────────────────────────

Task<int> reads_local_or(int fallback, Token) {
  co_await yield_now();
  co_return kLocal.try_get().value_or(fallback);
}

Task<void> spawns_through_current_handle(Env* env, int index, int value) {
  Token token(*env, index);
  const int id = token.id();
  JoinHandle<int> handle =
      Runtime::Handle::current().spawn(reads_local_or(-1, std::move(token)), inherit_task_locals);
  const Outcome outcome = co_await outcome_of(handle);
  if (outcome.value != value)
    fail(*env, index,
         "a child spawned through Handle::current() with inherit_task_locals in a scope of " +
             std::to_string(value) + " gave " + describe(outcome));
  expect_frame_gone(*env, index, id);
}

/// A runtime of its own, built and destroyed on a std::thread; the handle outlives it.
Task<Runtime::Handle> handle_of_destroyed_runtime(Env& env, int workers) {
  std::optional<Runtime::Handle> handle;
  std::atomic<bool> ready{false};
  env.adopt(std::thread([&handle, &ready, workers] {
    {
      Runtime other = Runtime::Builder().multi_thread().worker_threads(workers).build();
      handle.emplace(other.handle());
    }
    ready.store(true);
  }));
  co_await wait_until([&] { return ready.load(); });
  co_return *handle;
}

/// One spawn through a handle whose runtime is gone: rejected, finished at once, frame gone.
void expect_rejected_spawn(Env& env, int index, const Runtime::Handle& handle, bool inherit,
                           const char* where) {
  Token token(env, index);
  const int id = token.id();
  JoinHandle<int> spawned = inherit
                                ? handle.spawn(child(1, 0, std::move(token)), inherit_task_locals)
                                : handle.spawn(child(1, 0, std::move(token)));
  if (env.token_alive(id))
    fail(env, index,
         std::string("a spawn rejected ") + where + " left the task's frame alive after the spawn");
  if (!spawned.is_finished())
    fail(env, index, std::string("a spawn rejected ") + where + " was not finished at once");
  const Outcome outcome = outcome_waited(spawned);
  if (!rejected(outcome))
    fail(env, index,
         std::string("a spawn ") + where + " through the handle of a destroyed runtime gave " +
             describe(outcome) + (outcome.cancelled ? " (" + outcome.cancelled_what + ")" : ""));
  std::atomic<bool> called{false};
  JoinHandle<int> closure = handle.spawn_blocking([&called] {
    called.store(true);
    return 1;
  });
  if (!rejected(outcome_waited(closure)) || called.load())
    fail(env, index,
         std::string("a spawn_blocking ") + where +
             " through the handle of a destroyed runtime was not rejected");
}

/// What a std::thread that spawns through a handle while the runtime may be destroyed records.
struct SpawnRecord {
  std::optional<JoinHandle<int>> handle;
  bool finished_at_once = false;
  bool frame_gone_at_once = false;
  bool after_destructor = false;  // the runtime's destructor had returned before this spawn
  bool blocking = false;
};

/// `count` spawns (every fourth a closure) through `handle`, then checks the model; runs on a
/// foreign thread. `spawned` counts the spawns made; `destroyed` (may be null) says ~Runtime
/// returned.
void spawn_through_handle(Env* env, int index, const Runtime::Handle& handle, int count,
                          std::atomic<int>* spawned, const std::atomic<bool>* destroyed,
                          std::atomic<long>* spawners) {
  std::vector<SpawnRecord> records(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    SpawnRecord& record = records[i];
    record.after_destructor = destroyed != nullptr && destroyed->load();
    record.blocking = i % 4 == 3;
    int id = -1;
    if (record.blocking) {
      record.handle.emplace(handle.spawn_blocking([i] { return i; }));
    } else {
      Token token(*env, index);
      id = token.id();
      record.handle.emplace(handle.spawn(child(i, i % 3, std::move(token))));
    }
    record.finished_at_once = record.handle->is_finished();
    record.frame_gone_at_once = id < 0 || !env->token_alive(id);
    spawned->fetch_add(1);
    if (i % 8 == 0) nap();
  }
  if (spawners != nullptr) spawners->fetch_sub(1);
  bool seen_rejection = false;
  for (int i = 0; i < count; ++i) {
    SpawnRecord& record = records[i];
    const Outcome outcome = outcome_waited(*record.handle);
    const std::string what = "spawn " + std::to_string(i) + (record.blocking ? " (a closure)" : "");
    if (rejected(outcome)) {
      seen_rejection = true;
      if (!record.finished_at_once) fail(*env, index, what + ": rejected but not finished at once");
      if (!record.frame_gone_at_once)
        fail(*env, index, what + ": rejected, but the task's frame outlived the spawn");
      continue;
    }
    if (seen_rejection)
      fail(*env, index,
           what + " was admitted after an earlier spawn was rejected: " + describe(outcome));
    if (record.after_destructor)
      fail(*env, index, what + " was admitted after ~Runtime returned: " + describe(outcome));
    if (outcome.value != i && !outcome.cancelled)
      fail(*env, index, what + " of value " + std::to_string(i) + " gave " + describe(outcome));
  }
}

}  // namespace

Task<void> handle_op(Env& env, const Op& op, int index) {
  const int v = op.variant->variant;
  if (v == 0) {
    if (op.c != 0) {
      co_await kLocal.scope(op.a, spawns_through_current_handle(&env, index, op.a));
    } else {
      Token token(env, index);
      const int id = token.id();
      JoinHandle<int> handle =
          Runtime::Handle::current().spawn(child(op.a, op.b, std::move(token)));
      const Outcome outcome = co_await outcome_of(handle);
      if (outcome.value != op.a)
        fail(env, index,
             "a child spawned through Handle::current() returned " + std::to_string(op.a) +
                 " but gave " + describe(outcome));
      expect_frame_gone(env, index, id);
    }
    const int closure =
        co_await Runtime::Handle::current().spawn_blocking([value = op.a] { return value + 1; });
    if (closure != op.a + 1)
      fail(env, index, "a closure spawned through a handle gave another value");
  } else if (v == 1) {
    Token token(env, index);
    const int id = token.id();
    std::optional<JoinHandle<int>> task;
    std::optional<JoinHandle<int>> closure;
    bool current_refused = false;
    const Runtime::Handle handle = env.runtime->handle();
    std::thread([&, copy = handle] {
      try {
        (void)Runtime::Handle::current();
      } catch (const std::logic_error&) {
        current_refused = true;
      }
      task.emplace(copy.spawn(child(op.a, op.b, std::move(token))));
      closure.emplace(copy.spawn_blocking([value = op.a] { return value + 1; }));
    }).join();
    if (!current_refused)
      fail(env, index, "Runtime::Handle::current() on a foreign thread did not throw logic_error");
    const Outcome outcome = co_await outcome_of(*task);
    if (outcome.value != op.a)
      fail(env, index,
           "a child spawned through a handle on a foreign thread returned " + std::to_string(op.a) +
               " but gave " + describe(outcome));
    expect_frame_gone(env, index, id);
    const Outcome closure_outcome = co_await outcome_of(*closure);
    if (closure_outcome.value != op.a + 1)
      fail(env, index,
           "a closure spawned through a handle on a foreign thread gave " +
               describe(closure_outcome));
  } else if (v == 2) {
    const Runtime::Handle handle = co_await handle_of_destroyed_runtime(env, op.b + 1);
    expect_rejected_spawn(env, index, handle, op.c != 0, "in a task");
    std::thread([&] {
      expect_rejected_spawn(env, index, handle, op.c == 0, "on a std::thread");
    }).join();
  } else if (v == 3) {
    // The owner destroys its runtime once the spawner made a * 4 spawns: the spawns race ~Runtime.
    std::optional<Runtime::Handle> handle;
    std::atomic<bool> ready{false};
    std::atomic<bool> destroyed{false};
    std::atomic<int> spawned{0};
    std::atomic<int> done{0};
    const int goal = op.a * 4;
    env.adopt(std::thread([&, workers = op.b + 1, one = op.c != 0] {
      {
        Runtime::Builder builder;
        if (one) {
          builder.multi_thread().worker_threads(1).max_blocking_threads(1);
        } else {
          builder.multi_thread().worker_threads(workers);
        }
        Runtime other = builder.build();
        handle.emplace(other.handle());
        ready.store(true);
        while (spawned.load() < goal) nap();
      }
      destroyed.store(true);
      done.fetch_add(1);
    }));
    co_await wait_until([&] { return ready.load(); });
    env.adopt(std::thread([&, env_ptr = &env] {
      spawn_through_handle(env_ptr, index, *handle, 48, &spawned, &destroyed, nullptr);
      done.fetch_add(1);
    }));
    co_await wait_until([&] { return done.load() == 2; });
  } else {
    // Not waited for: it races the rest of the program and the runtime's destruction.
    env.spawners.fetch_add(1);
    env.adopt(std::thread([env_ptr = &env, index, handle = env.runtime->handle()] {
      std::atomic<int> spawned{0};
      spawn_through_handle(env_ptr, index, handle, 32, &spawned, nullptr, &env_ptr->spawners);
    }));
  }
}

namespace {

// ── JoinSet ───────────────────────────────────────────────────────────────────────────────────

/// kind 0: returns value after `yields`; 1: throws "member <value>"; 2: yields forever;
/// 3: sleeps for an hour.
Task<int> member(int kind, int value, int yields, Token) {
  if (kind == 3) {
    co_await sleep_for(1h);
    co_return -1;
  }
  for (int i = 0; kind == 2 || i < yields; ++i) co_await yield_now();
  if (kind == 1) throw Boom("member " + std::to_string(value));
  co_return value;
}

/// Joins every member of `set` (member i returns i or throws "member i"; kinds[i] as member()),
/// checking each is returned exactly once, with an outcome its kind and `aborted` allow.
Task<void> join_until_empty(Env& env, int index, JoinSet<int>& set, const std::vector<int>& kinds,
                            const std::vector<int>& tokens, std::vector<int>& seen, bool aborted) {
  std::size_t left = set.size();
  int cancelled = 0;
  while (std::optional<JoinHandle<int>> handle = co_await set.join_next()) {
    if (set.size() != --left) fail(env, index, "join_next did not remove the member it returned");
    const Outcome outcome = co_await outcome_of(*handle);
    int i = -1;
    if (outcome.value) {
      i = *outcome.value;
    } else if (outcome.error) {
      const std::string what = what_of(outcome.error);
      if (what.rfind("member ", 0) == 0) i = std::atoi(what.c_str() + 7);
    }
    if (outcome.cancelled) {
      if (!aborted) fail(env, index, "a member of a set never aborted gave TaskCancelled");
      ++cancelled;
      continue;
    }
    if (i < 0 || i >= static_cast<int>(kinds.size()))
      fail(env, index, "join_next returned a member that gave " + describe(outcome));
    if (kinds[i] >= 2) fail(env, index, "a member that cannot complete gave " + describe(outcome));
    if ((kinds[i] == 1) != !outcome.value)
      fail(env, index, "member " + std::to_string(i) + " gave " + describe(outcome));
    if (++seen[i] != 1) fail(env, index, "member " + std::to_string(i) + " was returned twice");
    if (tokens[i] >= 0) expect_frame_gone(env, index, tokens[i]);
  }
  if (!set.empty()) fail(env, index, "join_next returned nullopt with members left");
  // Every member was returned once: by its outcome, or as one of the cancelled ones.
  int unseen = 0;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (seen[i] == 0) ++unseen;
    if (seen[i] == 0 && !aborted)
      fail(env, index, "member " + std::to_string(i) + " was never returned by join_next");
  }
  if (unseen != cancelled)
    fail(env, index,
         std::to_string(unseen) + " members were not returned with an outcome, but " +
             std::to_string(cancelled) + " were returned cancelled");
  if (co_await set.join_next()) fail(env, index, "join_next on an empty set returned a member");
}

}  // namespace

Task<void> join_set_op(Env& env, const Op& op, int index) {
  const int v = op.variant->variant;
  JoinSet<int> set;
  std::vector<int> kinds;
  std::vector<int> tokens;
  const auto add = [&](int kind, int yields) {
    const int i = static_cast<int>(kinds.size());
    Token token(env, index);
    tokens.push_back(token.id());
    kinds.push_back(kind);
    set.spawn(member(kind, i, yields, std::move(token)));
  };
  if (v == 0) {
    for (int i = 0; i < op.a + op.b; ++i) add(op.c != 0 && i % 2 == 1 ? 1 : 0, i % 3);
    if (set.size() != kinds.size()) fail(env, index, "the set's size is not its member count");
    std::vector<int> seen(kinds.size(), 0);
    co_await join_until_empty(env, index, set, kinds, tokens, seen, false);
  } else if (v == 1) {
    const int kinds_by_index[] = {0, 2, 3};
    for (int i = 0; i < op.a + 2; ++i) add(kinds_by_index[i % 3], op.b);
    for (int i = 0; i < op.b; ++i) co_await yield_now();
    std::vector<int> seen(kinds.size(), 0);
    if (op.c != 0) {
      std::optional<JoinHandle<int>> first = co_await set.join_next();
      const Outcome outcome = co_await outcome_of(*first);
      if (!outcome.value || kinds[*outcome.value] != 0)
        fail(env, index, "the first member to finish gave " + describe(outcome));
      ++seen[*outcome.value];
      expect_frame_gone(env, index, tokens[*outcome.value]);
    }
    set.abort_all();
    co_await join_until_empty(env, index, set, kinds, tokens, seen, true);
    for (std::size_t i = 0; i < kinds.size(); ++i) {
      if (kinds[i] != 0 && seen[i] != 0)
        fail(env, index, "an aborted member that cannot complete was returned with a value");
    }
  } else if (v == 2) {
    {
      JoinSet<int> dropped;
      for (int i = 0; i < op.a + 2; ++i) {
        Token token(env, index);
        tokens.push_back(token.id());
        dropped.spawn(member(i % 3 == 0 ? 0 : i % 3 + 1, i, op.b, std::move(token)));
      }
      if (op.c != 0) {
        dropped.spawn_blocking([millis = op.b, background = std::make_shared<Background>(env),
                                token = std::make_shared<Token>(env, index)] {
          std::this_thread::sleep_for(std::chrono::milliseconds(millis));
          return 0;
        });
      }
      for (int i = 0; i < op.b; ++i) co_await yield_now();
    }
    // The members' frames are destroyed by the runtime shortly after (a hang is the failure).
    co_await wait_until([&] {
      for (int id : tokens) {
        if (env.token_alive(id)) return false;
      }
      return true;
    });
  } else if (v == 3) {
    const bool throws = op.c != 0;
    for (int i = 0; i <= op.a; ++i) {
      kinds.push_back(throws && i == 0 ? 1 : 0);
      tokens.push_back(-1);  // a closure: no frame
      set.spawn_blocking([i, throws]() -> int {
        if (throws && i == 0) throw Boom("member 0");
        return i;
      });
    }
    std::vector<int> seen(kinds.size(), 0);
    co_await join_until_empty(env, index, set, kinds, tokens, seen, false);
  } else {
    co_await kLocal.scope(op.a + 10, [](Env* e, int i, int value) -> Task<void> {
      JoinSet<int> inner;
      inner.spawn(reads_local_or(-1, Token(*e, i)), inherit_task_locals);
      inner.spawn(reads_local_or(-1, Token(*e, i)));
      inner.spawn(reads_local_or(-1, Token(*e, i)), inherit_task_locals);
      int inherited = 0;
      int without = 0;
      while (std::optional<JoinHandle<int>> handle = co_await inner.join_next()) {
        const Outcome outcome = co_await outcome_of(*handle);
        if (outcome.value == value) {
          ++inherited;
        } else if (outcome.value == -1) {
          ++without;
        } else {
          fail(*e, i, "a member read its task-local value as " + describe(outcome));
        }
      }
      if (inherited != 2 || without != 1)
        fail(*e, i,
             std::to_string(inherited) + " members inherited the scope's value and " +
                 std::to_string(without) + " read none (expected 2 and 1)");
    }(&env, index, op.a + 10));
  }
}

namespace {

// ── timeout / timeout_at ──────────────────────────────────────────────────────────────────────

/// kind 0: returns value; 1: returns after yields + 1 yields; 2: throws after yields; 3: sleeps
/// for an hour.
Task<int> timed_body(int kind, int value, int yields, std::atomic<bool>* started, Token) {
  started->store(true);
  if (kind == 3) {
    co_await sleep_for(1h);
    co_return -1;
  }
  for (int i = 0; i < yields + (kind == 1 ? 1 : 0); ++i) co_await yield_now();
  if (kind == 2) throw Boom("boom from a timed body");
  co_return value;
}

using Picoseconds = std::chrono::duration<long long, std::pico>;

Task<int> under_timeout(int variant, int a, Task<int> body) {
  using std::chrono::system_clock;
  switch (variant) {
    case 0:
      co_return co_await timeout(0ms, std::move(body));
    case 1:
      co_return co_await timeout(-5ms, std::move(body));
    case 2:
      co_return co_await timeout(1ns, std::move(body));
    case 3:
      co_return co_await timeout(std::chrono::milliseconds(a + 1), std::move(body));
    case 4:
      co_return co_await timeout(std::chrono::nanoseconds::max(), std::move(body));
    case 5:
      co_return co_await timeout(std::chrono::hours::max(), std::move(body));
    case 6:
      co_return co_await timeout_at(Clock::now() - 1s, std::move(body));
    case 7:
      co_return co_await timeout_at(Clock::now(), std::move(body));
    case 8:
      co_return co_await timeout_at(Clock::now() + std::chrono::milliseconds(a + 1),
                                    std::move(body));
    case 9:
      co_return co_await timeout_at(Clock::time_point::max(), std::move(body));
    case 10:
      co_return co_await timeout_at(system_clock::time_point::max(), std::move(body));
    case 12:
      // A steady time point of a coarser duration than the clock's.
      co_return co_await timeout_at(std::chrono::time_point<Clock, std::chrono::hours>::max(),
                                    std::move(body));
    default:
      // ... and of a finer one: 1 ns after the clock's epoch, long past.
      co_return co_await timeout_at(std::chrono::time_point<Clock, Picoseconds>(Picoseconds(1000)),
                                    std::move(body));
  }
}

bool is_boom(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Boom&) {
    return true;
  } catch (...) {
    return false;
  }
}

/// What a body of `kind` (timed_body) may give on its own: its value or its exception. The
/// exception is recognised by its type, not by what(): it reaches the caller through two
/// JoinStates (the work's and the timeout's), and the work's may drop the last reference on
/// another thread. That drop is ordered after this read only by exception_ptr's reference
/// count, whose atomics are in libstdc++.so, which ThreadSanitizer does not see: reading
/// what() here was reported as a data race with ~runtime_error (a false positive; see
/// docs/hazards.md). Reading the type happens inside libstdc++ and is not reported.
bool body_outcome(const Outcome& outcome, int kind, int value) {
  if (kind == 2) return outcome.error && is_boom(outcome.error);
  if (kind == 3) return false;
  return outcome.value == value;
}

bool timed_out(const Outcome& outcome) {
  if (!outcome.error) return false;
  try {
    std::rethrow_exception(outcome.error);
  } catch (const TimedOut&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

Task<void> timeout_op(Env& env, const Op& op, int index) {
  const int v = op.variant->variant;
  const int kind = op.b;
  std::atomic<bool> started{false};
  Token token(env, index);
  const int id = token.id();
  if (v == 11) {
    // An lvalue JoinHandle is awaited by reference: after TimedOut it is still the caller's,
    // its task not aborted; otherwise timeout() took its outcome.
    JoinHandle<int> work = spawn(timed_body(kind, op.a, op.a, &started, std::move(token)));
    const Clock::time_point start = Clock::now();
    bool expired = false;
    try {
      const int value = co_await timeout(std::chrono::milliseconds(op.a + 1), work);
      Outcome outcome;
      outcome.value = value;
      if (!body_outcome(outcome, kind, op.a))
        fail(env, index, "timeout(d, handle) gave the value " + std::to_string(value));
    } catch (const TimedOut&) {
      expired = true;
      if (Clock::now() - start < std::chrono::milliseconds(op.a + 1))
        fail(env, index, "TimedOut before the deadline");
    } catch (const Boom&) {
      if (kind != 2) fail(env, index, "timeout(d, handle) threw the body's exception");
    }
    if (!expired && kind == 3) fail(env, index, "timeout(d, handle of a sleeper) did not expire");
    if (expired) {
      work.abort();
      const Outcome outcome = co_await outcome_of(work);
      if (!outcome.cancelled && !body_outcome(outcome, kind, op.a))
        fail(env, index, "the handle, aborted after TimedOut, gave " + describe(outcome));
    }
    expect_frame_gone(env, index, id);
    co_return;
  }
  const bool passed = v <= 1 || v == 6 || v == 7 || v == 13;
  const bool huge = v == 4 || v == 5 || v == 9 || v == 10 || v == 12;
  const Clock::time_point start = Clock::now();
  JoinHandle<int> handle =
      spawn(under_timeout(v, op.a, timed_body(kind, op.a, op.a, &started, std::move(token))));
  if (huge && kind == 3) {
    co_await wait_for(5ms);
    if (handle.is_finished())
      fail(env, index, "a timeout too large to represent expired within 5 ms");
    handle.abort();
    const Outcome outcome = co_await outcome_of(handle);
    if (!outcome.cancelled) fail(env, index, "an aborted timeout gave " + describe(outcome));
    // The work is aborted with it and destroyed shortly after (a hang is the failure).
    co_await wait_until([&] { return !env.token_alive(id); });
    co_return;
  }
  const Outcome outcome = co_await outcome_of(handle);
  const Clock::duration took = Clock::now() - start;
  if (timed_out(outcome)) {
    if (huge) fail(env, index, "a timeout too large to represent expired");
    if (env.token_alive(id))
      fail(env, index, "TimedOut was thrown before the work's frame was gone");
    if (passed && started.load())
      fail(env, index, "the work started although its deadline had passed");
    const Clock::duration d = v == 2 ? Clock::duration(1ns)
                              : v == 3 || v == 8
                                  ? Clock::duration(std::chrono::milliseconds(op.a + 1))
                                  : Clock::duration::zero();
    if (took < d)
      fail(env, index,
           "TimedOut after " + std::to_string(took.count()) + "ns, before the deadline (" +
               std::to_string(d.count()) + "ns)");
    co_return;
  }
  if (passed) fail(env, index, "a deadline that had passed gave " + describe(outcome));
  if (!body_outcome(outcome, kind, op.a))
    fail(env, index,
         "the work (kind " + std::to_string(kind) + ") under a timeout gave " + describe(outcome));
  expect_frame_gone(env, index, id);
}

namespace {

// ── sleep_until ───────────────────────────────────────────────────────────────────────────────

template <class TimePoint>
Task<int> sleeps_until(TimePoint t, Token) {
  co_await sleep_until(t);
  co_return -1;
}

}  // namespace

Task<void> sleep_until_op(Env& env, const Op& op, int index) {
  using std::chrono::system_clock;
  const int v = op.variant->variant;
  if (v == 10) {
    // A steady time point finer than the clock's, long past: at once (a hang is the failure).
    co_await sleep_until(std::chrono::time_point<Clock, Picoseconds>(Picoseconds(1000)));
    co_return;
  }
  if (v == 4 || v == 6 || v == 8 || v == 9) {
    // Time points too far to represent on the steady clock in nanoseconds: never reached.
    Token token(env, index);
    const int id = token.id();
    using std::chrono::hours;
    using std::chrono::seconds;
    using std::chrono::time_point;
    JoinHandle<int> handle =
        v == 4   ? spawn(sleeps_until(Clock::time_point::max(), std::move(token)))
        : v == 6 ? spawn(sleeps_until(system_clock::time_point::max(), std::move(token)))
        : v == 8
            ? spawn(sleeps_until(time_point<Clock, hours>::max(), std::move(token)))
            : spawn(sleeps_until(time_point<Clock, seconds>(seconds(1LL << 40)), std::move(token)));
    co_await wait_for(5ms);
    if (handle.is_finished())
      fail(env, index, "a sleep_until of an unrepresentable time point returned within 5 ms");
    handle.abort();
    const Outcome outcome = co_await outcome_of(handle);
    if (!outcome.cancelled) fail(env, index, "an aborted sleeper gave " + describe(outcome));
    expect_frame_gone(env, index, id);
    co_return;
  }
  const std::chrono::milliseconds near(op.a + 1);
  const Clock::time_point start = Clock::now();
  if (v == 5 || v == 7) {
    const system_clock::time_point t =
        v == 5 ? system_clock::now() + near : system_clock::time_point::min();
    SleepAwaiter sleep = sleep_until(t);
    // The time left, measured on the system clock after the conversion, is a lower bound.
    // (system_clock::time_point::min() minus now overflows: not measured.)
    const auto left = v == 5 ? t - system_clock::now() : system_clock::duration::zero();
    co_await std::move(sleep);
    if (v == 5 && Clock::now() - start < left)
      fail(env, index,
           "sleep_until(system_clock::now() + " + std::to_string(near.count()) +
               "ms) returned early");
    co_return;
  }
  const Clock::time_point t = v == 0   ? start - 1s
                              : v == 1 ? start
                              : v == 2 ? start + near
                                       : Clock::time_point::min();
  co_await sleep_until(t);
  if (Clock::now() < t) fail(env, index, "sleep_until returned before its time point");
}

namespace {

// ── injected faults ───────────────────────────────────────────────────────────────────────────

/// Faults are process-wide: a fault operation (never concurrent) waits until nothing else of the
/// program can spawn or start a thread, and clears what it injected before it returns.
Task<void> alone(Env& env) {
  co_await wait_until([&env] {
    return env.concurrent.load() == 0 && env.background.load() == 0 && env.spawners.load() == 0;
  });
}

void clear_faults() {
  detail::inject_faults(detail::Fault::thread_start, 0);
  detail::inject_faults(detail::Fault::frame_allocation, 0);
}

bool is_thread_start_error(const std::system_error& error) {
  return error.code() == std::make_error_code(std::errc::resource_unavailable_try_again) &&
         std::string_view(error.what()).find("could not start") != std::string_view::npos;
}

}  // namespace

Task<void> fault_op(Env& env, const Op& op, int index) {
  using detail::Fault;
  using detail::inject_faults;
  const int v = op.variant->variant;
  co_await alone(env);
  if (v == 0) {
    // A runtime starts its timer, then its workers (RuntimeFaults in lib/tests): start `a` fails
    // exactly when it is one of those.
    const bool one = op.c != 0;
    const int starts = one ? 1 : op.b + 2;
    std::atomic<int> done{0};
    std::string error;
    std::optional<int> value;
    env.adopt(std::thread([&] {
      Runtime::Builder builder;
      if (one) {
        builder.current_thread();
      } else {
        builder.multi_thread().worker_threads(static_cast<std::size_t>(op.b + 1));
      }
      inject_faults(Fault::thread_start, 1, static_cast<unsigned>(op.a));
      try {
        Runtime other = builder.build();
        clear_faults();
        value = other.block_on(child(op.a, op.b, Token(env, index)));
      } catch (const std::system_error& e) {
        clear_faults();
        error = is_thread_start_error(e) ? "" : std::string("unexpected: ") + e.what();
        if (error.empty()) error = "thread start";
      } catch (const std::exception& e) {
        clear_faults();
        error = std::string("unexpected: ") + e.what();
      }
      done.store(1);
    }));
    co_await wait_until([&] { return done.load() == 1; });
    if (error.rfind("unexpected", 0) == 0) fail(env, index, "build() or block_on threw " + error);
    if (op.a < starts && error.empty())
      fail(env, index,
           "build() succeeded although thread start " + std::to_string(op.a) + " of its " +
               std::to_string(starts) + " failed");
    if (op.a >= starts && value != op.a)
      fail(env, index,
           "a runtime built with no start failing " +
               (error.empty() ? "gave another value" : "threw: " + error));
  } else if (v == 1) {
    inject_faults(Fault::thread_start, 1);
    JoinHandle<int> handle = spawn_blocking([value = op.a] { return value; });
    const Outcome outcome = co_await outcome_of(handle);
    clear_faults();
    bool clean = outcome.value == op.a;
    if (!clean && outcome.error) {
      try {
        std::rethrow_exception(outcome.error);
      } catch (const std::system_error& e) {
        clean = is_thread_start_error(e);
      } catch (...) {
      }
    }
    if (!clean)
      fail(env, index, "spawn_blocking with a failing thread start gave " + describe(outcome));
    if (co_await spawn_blocking([value = op.a] { return value + 1; }) != op.a + 1)
      fail(env, index, "the blocking pool did not work after a failed thread start");
  } else if (v == 2 || v == 3) {
    const int count = op.b + 1;
    const int failing = op.a < count ? op.a : -1;
    std::vector<int> threw;
    std::vector<JoinHandle<int>> handles;
    std::vector<int> kinds;
    std::vector<int> tokens;
    JoinSet<int> set;
    inject_faults(Fault::frame_allocation, 1, static_cast<unsigned>(op.a));
    for (int i = 0; i < count; ++i) {
      Token token(env, index);
      const int id = token.id();
      try {
        if (v == 3) {
          set.spawn(member(0, i, i % 2, std::move(token)));
        } else if (op.c != 0) {
          handles.push_back(spawn(child(i, i % 2, std::move(token)), inherit_task_locals));
        } else {
          handles.push_back(spawn(child(i, i % 2, std::move(token))));
        }
      } catch (const std::bad_alloc&) {
        threw.push_back(i);
        if (env.token_alive(id))
          fail(env, index, "a spawn threw bad_alloc but kept the task alive");
        continue;
      }
      kinds.push_back(0);
      tokens.push_back(id);
    }
    clear_faults();
    if (threw != (failing < 0 ? std::vector<int>{} : std::vector<int>{failing}))
      fail(env, index,
           "with allocation " + std::to_string(op.a) + " failing, " + std::to_string(threw.size()) +
               " of " + std::to_string(count) + " spawns threw" +
               (threw.empty() ? "" : " (the first: " + std::to_string(threw[0]) + ")"));
    if (v == 3) {
      if (set.size() != kinds.size()) fail(env, index, "a failed JoinSet::spawn changed the set");
      // Members are numbered by their spawn: the failed one is missing from kinds and tokens.
      std::vector<int> all_kinds(static_cast<std::size_t>(count), 0);
      std::vector<int> all_tokens(static_cast<std::size_t>(count), -1);
      std::vector<int> seen(static_cast<std::size_t>(count), 0);
      for (int i = 0, k = 0; i < count; ++i) {
        if (i == failing) {
          seen[i] = 1;  // never returned; counted as seen so that the check below holds
          continue;
        }
        all_tokens[i] = tokens[k++];
      }
      co_await join_until_empty(env, index, set, all_kinds, all_tokens, seen, false);
    } else {
      for (std::size_t i = 0, k = 0; i < handles.size(); ++i, ++k) {
        if (static_cast<int>(k) == failing) ++k;
        const Outcome outcome = co_await outcome_of(handles[i]);
        if (outcome.value != static_cast<int>(k))
          fail(env, index, "spawn " + std::to_string(k) + " gave " + describe(outcome));
      }
    }
  } else {
    inject_faults(Fault::frame_allocation, 1);
    Token token(env, index);
    const int id = token.id();
    bool threw = false;
    try {
      (void)co_await timeout(1h, child(op.a, op.b, std::move(token)));
    } catch (const std::bad_alloc&) {
      threw = true;
    }
    clear_faults();
    if (!threw)
      fail(env, index, "timeout() whose work could not be spawned did not throw bad_alloc");
    if (env.token_alive(id)) fail(env, index, "timeout() threw bad_alloc but kept the work alive");
    if (co_await timeout(1h, child(op.a, op.b, Token(env, index))) != op.a)
      fail(env, index, "timeout() did not work after a failed allocation");
  }
}

namespace {

// ── block_on from two threads ─────────────────────────────────────────────────────────────────

Task<int> spawns_and_awaits(Env* env, int index, int value, int yields, Token) {
  co_await yield_now();
  co_return co_await spawn(child(value, yields, Token(*env, index)));
}

}  // namespace

Task<void> block_on_op(Env& env, const Op& op, int index) {
  std::atomic<int> arrived{0};
  std::atomic<int> done{0};
  std::optional<int> values[2];
  bool refused[2] = {false, false};
  std::string errors[2];
  for (int t = 0; t < 2; ++t) {
    env.adopt(std::thread([&, t] {
      arrived.fetch_add(1);
      while (arrived.load() < 2) std::this_thread::yield();
      try {
        values[t] = env.runtime->block_on(
            spawns_and_awaits(&env, index, op.a + t, op.b, Token(env, index)));
      } catch (const std::logic_error&) {
        refused[t] = true;
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
      done.fetch_add(1);
    }));
  }
  co_await wait_until([&] { return done.load() == 2; });
  const bool current_thread = !env.program().multi_thread;
  for (int t = 0; t < 2; ++t) {
    if (!errors[t].empty()) fail(env, index, "block_on on a std::thread threw " + errors[t]);
    if (current_thread && !refused[t])
      fail(env, index, "block_on on another thread of a current-thread runtime was not refused");
    if (!current_thread && values[t] != op.a + t)
      fail(env, index,
           std::string("block_on on a std::thread ") +
               (refused[t] ? "was refused" : "gave another value") + " on a multi-thread runtime");
  }
}

}  // namespace asyncl::scenarios::workload
