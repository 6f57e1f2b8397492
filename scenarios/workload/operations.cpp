// scenarios/workload/operations.cpp — the catalogue's operations and the reference model each
// one checks. Every operation creates what it shares and leaves nothing behind but detached work
// (counted by Env::background) and foreign threads (Env::adopt), so operations compose in any
// order and any subset.
//
// The model:
//  - a JoinHandle yields the child's value, its exception, or TaskCancelled; TaskCancelled
//    whenever the child was aborted before it could complete; the value whenever it had
//    finished (is_finished) before the abort;
//  - once the outcome has been read, the child's frame — locals and parameters — is gone;
//  - every frame is destroyed exactly once (Token, checked again after the runtime is gone);
//  - TaskLocal reads return the innermost scope's value, across suspensions, after exceptions
//    and user awaiters; spawned children see copies only with inherit_task_locals; blocking
//    closures and code outside any scope see none;
//  - a notify_one wakes one waiter, directly or through the (single) permit; notify_all stores
//    no permit; an aborted waiter takes no notification; afterwards no permit is left;
//  - sleep_for(d) takes at least d; durations too large to represent sleep until aborted;
//  - a barrier-mode Context refuses references (ContextMisuse) exactly on runtimes built with
//    barrier_protected(false); a LocalRef reaches the same object after every suspension;
//  - a spawn through a Runtime::Handle behaves as Runtime::spawn while the runtime lives; once
//    its destructor began (for certain: once it returned) every spawn is rejected: the handle is
//    finished at once, with TaskCancelled("spawn rejected"), and the task's frame is gone by the
//    end of the spawn; a closure is not called. Rejections of one spawner come after all its
//    admitted spawns, which give their value or TaskCancelled (shutdown);
//  - JoinSet::join_next returns every member exactly once, then nullopt; a member's outcome is
//    its value or exception, or TaskCancelled after abort_all (always for members that cannot
//    complete); a dropped set's members are destroyed while the runtime runs;
//  - timeout / timeout_at: a deadline that has passed gives TimedOut without starting the work;
//    a huge one never expires (the work's own outcome; a sleeping work runs until aborted);
//    otherwise the work's outcome, or TimedOut no earlier than the deadline; whenever TimedOut
//    is thrown the work's frame is gone already;
//  - sleep_until(t) returns at t or later (any clock, converted by the time left on it), at once
//    for a past t, never for an unrepresentable one;
//  - an injected thread-start or frame-allocation failure is seen as std::system_error or
//    std::bad_alloc where the runtime documents it (build, spawn_blocking's handle, spawn,
//    JoinSet::spawn, timeout), the task is destroyed, and the runtime works on afterwards;
//  - block_on from two threads at once on a multi-thread runtime gives both values; on a
//    current-thread runtime both are refused (std::logic_error).

#include "workload/operations.hpp"

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "asyncl/context.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task_local.hpp"
#include "support/modes.hpp"
#include "workload/operations_common.hpp"

namespace asyncl::scenarios::workload {
namespace {

template <class Mode>
constexpr auto workload_key = asyncl::context<std::atomic<long>, Mode>("WORKLOAD",
                                                                       [] { return 0L; });

// ── children ──────────────────────────────────────────────────────────────────────────────────

Task<int> forever_yielding(Token) {
  for (;;) co_await yield_now();
}

Task<int> waits_on(Notify* notify, Token) {
  co_await notify->wait();
  co_return -1;
}

Task<int> sleeps(Clock::duration d, Token) {
  co_await sleep_for(d);
  co_return -1;
}

template <class D>
Task<int> sleeps_for(D d, Token) {
  co_await sleep_for(d);
  co_return -1;
}

Task<int> in_blocking_closure(int value, int millis, Token) {
  int written = 0;  // the closure writes into the frame: the frame must outlive it
  co_await spawn_blocking([&written, millis] {
    std::this_thread::sleep_for(std::chrono::milliseconds(millis));
    written = 1;
  });
  co_return value + written - 1;
}

Task<int> throws_after(int yields, Token) {
  for (int i = 0; i < yields; ++i) co_await yield_now();
  throw Boom("boom from a task body");
}

Task<void> detached(Env*, int yields, Clock::duration sleep, Token, Background) {
  for (int i = 0; i < yields; ++i) co_await yield_now();
  if (sleep > Clock::duration::zero()) co_await sleep_for(sleep);
}

Task<void> detached_thrower(int yields, Token token, Background) {
  (void)co_await throws_after(yields, std::move(token));
}

// ── operations ────────────────────────────────────────────────────────────────────────────────

Task<void> join_op(Env& env, const Op& op, int index) {
  Token token(env, index);
  const int id = token.id();
  std::optional<JoinHandle<int>> handle;
  if (op.variant->variant == 0) {
    if (op.c != 0) {
      handle.emplace(spawn(child(op.a, op.b, std::move(token)), inherit_task_locals));
    } else {
      handle.emplace(spawn(child(op.a, op.b, std::move(token))));
    }
  } else if (op.variant->variant == 1) {
    auto inner = co_await spawn_blocking(
        [&op, &token] { return spawn(child(op.a, op.b, std::move(token))); });
    handle.emplace(std::move(inner));
  } else {
    Runtime* runtime = env.runtime;
    std::thread([&] {
      handle.emplace(runtime->spawn(child(op.a, op.b, std::move(token))));
    }).join();
  }
  const Outcome outcome = co_await outcome_of(*handle);
  if (outcome.value != op.a)
    fail(
        env, index,
        "the child returned " + std::to_string(op.a) + " but the handle gave " + describe(outcome));
  expect_frame_gone(env, index, id);
}

Task<void> poll_op(Env& env, const Op& op, int index) {
  Token token(env, index);
  const int id = token.id();
  JoinHandle<int> handle = spawn(child(op.a, op.b, std::move(token)));
  while (!handle.is_finished()) {
    co_await yield_now();
    nap();
  }
  const Outcome outcome = co_await outcome_of(handle);
  if (outcome.value != op.a)
    fail(env, index, "is_finished() and then the handle gave " + describe(outcome));
  expect_frame_gone(env, index, id);
}

Task<void> abort_op(Env& env, const Op& op, int index) {
  const int v = op.variant->variant;
  Token token(env, index);
  const int id = token.id();
  auto never = std::make_unique<Notify>();
  std::optional<JoinHandle<int>> handle;
  bool can_complete = true;
  switch (v) {
    case 0:
      handle.emplace(spawn(child(op.a, op.b, std::move(token))));
      break;
    case 1:
      handle.emplace(spawn(forever_yielding(std::move(token))));
      can_complete = false;
      break;
    case 2:
      handle.emplace(spawn(waits_on(never.get(), std::move(token))));
      can_complete = false;
      break;
    case 3:
      handle.emplace(spawn(sleeps(1h, std::move(token))));
      can_complete = false;
      break;
    case 4:
      handle.emplace(spawn(in_blocking_closure(op.a, op.b + 1, std::move(token))));
      break;
    default:
      handle.emplace(spawn(child(op.a, 0, std::move(token))));
      break;
  }
  if (v != 0) {
    for (int i = 0; i < op.a + (v == 5 ? 0 : 1); ++i) co_await yield_now();
  }
  const bool finished_before = handle->is_finished();
  handle->abort();
  const Outcome outcome = co_await outcome_of(*handle);
  if (finished_before && outcome.value != op.a) {
    fail(env, index,
         "the child had finished (is_finished) before abort(), but the handle gave " +
             describe(outcome));
  }
  if (!can_complete && !outcome.cancelled) {
    fail(env, index,
         "a child that could not complete was aborted, but the handle gave " + describe(outcome));
  }
  if (!outcome.cancelled && !outcome.value)
    fail(env, index, "abort(): the handle gave " + describe(outcome));
  expect_frame_gone(env, index, id);
  never.reset();  // the aborted waiter must have left it
}

Task<void> spawning(Env* env, int index, Background) {
  for (int i = 0; i < 50; ++i) {
    (void)spawn(
        child(i, i % 3, Token(*env, index)));  // at shutdown: rejected (TaskCancelled, dropped)
    co_await yield_now();
  }
}

Task<void> drop_op(Env& env, const Op& op, int index) {
  if (op.variant->variant == 2) {
    (void)spawn(spawning(&env, index, Background(env)));
    co_return;
  }
  const Clock::duration sleep =
      op.variant->variant == 1 ? Clock::duration(1ms) : Clock::duration::zero();
  (void)spawn(detached(&env, op.b, sleep, Token(env, index), Background(env)));
  co_return;
}

Task<void> spawns_detached_closure(Env* env, int millis, Token) {
  (void)spawn_blocking([millis, background = std::make_shared<Background>(*env)] {
    std::this_thread::sleep_for(std::chrono::milliseconds(millis));
  });
  co_return;
}

Task<void> blocking_op(Env& env, const Op& op, int index) {
  const int v = op.variant->variant;
  if (v == 0) {
    const bool throws = op.c != 0;
    JoinHandle<int> handle = spawn_blocking([throws, value = op.a]() -> int {
      if (throws) throw Boom("boom from a blocking closure");
      return value;
    });
    const Outcome outcome = co_await outcome_of(handle);
    if (throws && (outcome.value || outcome.cancelled ||
                   what_of(outcome.error) != "boom from a blocking closure")) {
      fail(env, index, "a throwing blocking closure gave " + describe(outcome));
    }
    if (!throws && outcome.value != op.a)
      fail(env, index,
           "a blocking closure returned " + std::to_string(op.a) + " but its handle gave " +
               describe(outcome));
  } else if (v == 1) {
    (void)spawn_blocking([millis = op.b, background = std::make_shared<Background>(env)] {
      std::this_thread::sleep_for(std::chrono::milliseconds(millis));
    });
  } else {
    co_await spawn(spawns_detached_closure(&env, op.b + 1, Token(env, index)));
  }
}

template <class Mode>
Task<void> context_body(Env& env, const Op& op, int index) {
  const auto& key = workload_key<Mode>;
  const int v = op.variant->variant;
  if (v == 0) {
    auto ref = key.local_ref();
    std::atomic<long>* before = &ref.get();
    co_await yield_now();
    if (&ref.get() != before)
      fail(env, index, "a LocalRef reached another object after a suspension");
    ref->fetch_add(1);
  } else if (v == 1) {
    const long seen =
        co_await key.with_blocking([](std::atomic<long>& x) { return x.fetch_add(1) + 1; });
    if (seen <= 0) fail(env, index, "with_blocking gave its closure a fresh object");
  } else if (v == 2) {
    co_await key.with_async([](LocalRef<std::atomic<long>, Mode>& ref) -> Task<void> {
      co_await yield_now();
      ref->fetch_add(1);
    });
  } else {
    using Ref = LocalRef<std::atomic<long>, Mode>;
    std::unique_ptr<Ref> made;
    co_await spawn_blocking([&made, &key] { made.reset(new Ref(key.local_ref())); });
    // Long enough for a blocking thread with a 1 ms keep-alive to exit.
    co_await wait_for(20ms);
    (*made)->fetch_add(1);
  }
}

template <class Mode>
Task<void> context_op(Env& env, const Op& op, int index) {
  const bool refused =
      Mode::kind == detail::ContextMode::barrier && !env.program().barrier_protected;
  bool threw = false;
  try {
    co_await context_body<Mode>(env, op, index);
  } catch (const ContextMisuse& misuse) {
    threw = true;
    if (!refused) fail(env, index, std::string("unexpected ContextMisuse: ") + misuse.what());
  }
  if (refused && !threw)
    fail(env, index,
         "a barrier-mode reference was made on a runtime built with barrier_protected(false)");
}

Task<void> sleep_op(Env& env, const Op& op, int index) {
  const int v = op.variant->variant;
  if (v <= 3) {
    const Clock::duration d = v == 0   ? Clock::duration(0ms)
                              : v == 1 ? Clock::duration(-5ms)
                              : v == 2 ? Clock::duration(1ns)
                                       : Clock::duration(std::chrono::milliseconds(op.a + 1));
    const Clock::time_point start = Clock::now();
    co_await sleep_for(d);
    const Clock::duration took = Clock::now() - start;
    if (took < d) {
      fail(env, index,
           "sleep_for(" + std::to_string(d.count()) + "ns) returned after " +
               std::to_string(took.count()) + "ns");
    }
    co_return;
  }
  Token token(env, index);
  const int id = token.id();
  std::optional<JoinHandle<int>> handle;
  switch (v) {
    case 4:
      handle.emplace(spawn(sleeps_for(std::chrono::nanoseconds::max(), std::move(token))));
      break;
    case 5:
      handle.emplace(spawn(sleeps_for(std::chrono::microseconds::max(), std::move(token))));
      break;
    case 6:
      handle.emplace(spawn(sleeps_for(std::chrono::milliseconds::max(), std::move(token))));
      break;
    case 7:
      handle.emplace(spawn(sleeps_for(std::chrono::seconds::max(), std::move(token))));
      break;
    case 8:
      handle.emplace(spawn(sleeps_for(std::chrono::minutes::max(), std::move(token))));
      break;
    case 9:
      handle.emplace(spawn(sleeps_for(std::chrono::hours::max(), std::move(token))));
      break;
    default:
      handle.emplace(spawn(sleeps_for(std::chrono::hours(24 * 365 * 300), std::move(token))));
      break;
  }
  co_await wait_for(5ms);
  if (handle->is_finished())
    fail(env, index, "a sleep_for of a duration too large to represent returned within 5 ms");
  handle->abort();
  const Outcome outcome = co_await outcome_of(*handle);
  if (!outcome.cancelled) fail(env, index, "an aborted sleeper gave " + describe(outcome));
  expect_frame_gone(env, index, id);
}

Task<void> notify_waiter(Notify* notify, std::atomic<int>* woke, Token) {
  co_await notify->wait();
  woke->fetch_add(1);
}

/// After n notifications reached n waiters, no permit may be left: one more waiter must block.
Task<void> expect_no_permit(Env& env, int index, Notify& notify) {
  std::atomic<int> woke{0};
  JoinHandle<void> extra = spawn(notify_waiter(&notify, &woke, Token(env, index)));
  co_await wait_for(2ms);
  if (extra.is_finished())
    fail(env, index, "a wait passed with no notification left (a stray permit)");
  notify.notify_one();
  co_await extra;
}

Task<void> notify_op(Env& env, const Op& op, int index) {
  const int v = op.variant->variant;
  auto notify = std::make_unique<Notify>();
  std::atomic<int> woke{0};
  const int k = op.a + 1;
  if (v == 0) {
    notify->notify_one();
    co_await notify->wait();
    co_await expect_no_permit(env, index, *notify);
  } else if (v == 1 || v == 2) {
    std::vector<JoinHandle<void>> waiters;
    for (int i = 0; i < k; ++i)
      waiters.push_back(spawn(notify_waiter(notify.get(), &woke, Token(env, index))));
    if (v == 1) {
      // At most one permit is stored: one notification at a time, each until it woke someone.
      for (int i = 1; i <= k; ++i) {
        notify->notify_one();
        co_await wait_until([&] { return woke.load() >= i; });
      }
    } else {
      // notify_all wakes only those already waiting: repeat until every waiter woke.
      while (woke.load() < k) {
        notify->notify_all();
        co_await yield_now();
        nap();
      }
    }
    for (JoinHandle<void>& waiter : waiters) co_await waiter;
    if (woke.load() != k)
      fail(env, index,
           std::to_string(k) + " waiters woke " + std::to_string(woke.load()) + " times");
    co_await expect_no_permit(env, index, *notify);
  } else if (v == 3) {
    const int n = k + 1;
    std::vector<JoinHandle<void>> waiters;
    for (int i = 0; i < n; ++i)
      waiters.push_back(spawn(notify_waiter(notify.get(), &woke, Token(env, index))));
    co_await wait_for(std::chrono::microseconds(200 * op.b));
    waiters[0].abort();
    try {
      co_await waiters[0];
      fail(env, index, "an aborted waiter that was never notified completed");
    } catch (const TaskCancelled&) {
    }
    for (int i = 1; i < n; ++i) {
      notify->notify_one();
      co_await wait_until([&] { return woke.load() >= i; });
    }
    for (int i = 1; i < n; ++i) co_await waiters[i];
    if (woke.load() != n - 1)
      fail(env, index,
           std::to_string(n - 1) + " live waiters woke " + std::to_string(woke.load()) + " times");
    co_await expect_no_permit(env, index, *notify);
  } else if (v == 6) {
    // Destroying a Notify that no task waits on is allowed, also when the waiter it just woke
    // has not run yet. The waiter must be suspended in wait() first, or the notification becomes
    // the permit and the waiter would wait on a destroyed Notify: only a runtime with one thread
    // running tasks makes sure of that (the root's yields let the waiter run to its wait()); with
    // more workers (a TSan run under load showed 2 ms is not enough) the Notify is destroyed
    // after the waiter finished.
    const bool one_task_thread = !env.program().multi_thread || env.program().workers == 1;
    JoinHandle<void> waiter = spawn(notify_waiter(notify.get(), &woke, Token(env, index)));
    co_await wait_for(2ms);
    if (waiter.is_finished()) fail(env, index, "a wait passed with no notification");
    notify->notify_one();
    if (one_task_thread) notify.reset();
    co_await waiter;
    if (woke.load() != 1)
      fail(env, index, "the waiter woke " + std::to_string(woke.load()) + " times");
  } else {
    JoinHandle<void> waiter = spawn(notify_waiter(notify.get(), &woke, Token(env, index)));
    co_await wait_for(std::chrono::microseconds(200 * op.b));
    Notify* raw = notify.get();
    if (v == 4) {
      std::thread([raw] { raw->notify_one(); }).join();
    } else {
      co_await spawn_blocking([raw] { raw->notify_one(); });
    }
    co_await waiter;
    if (woke.load() != 1)
      fail(env, index, "the waiter woke " + std::to_string(woke.load()) + " times");
  }
  notify.reset();  // no waiter left: destroying it is allowed here
}

void expect_local(Env& env, int index, std::optional<int> expected, const char* where) {
  const std::optional<int> seen = kLocal.try_get();
  if (seen != expected) {
    fail(env, index,
         std::string("TaskLocal ") + where + ": expected " +
             (expected ? std::to_string(*expected) : std::string("no value")) + ", read " +
             (seen ? std::to_string(*seen) : std::string("no value")));
  }
}

Task<void> nested_scopes(Env* env, int index, int level, int depth) {
  expect_local(*env, index, level, "at the start of a scope");
  co_await yield_now();
  expect_local(*env, index, level, "after a yield in a scope");
  if (level < depth) {
    co_await kLocal.scope(level + 1, nested_scopes(env, index, level + 1, depth));
    expect_local(*env, index, level, "after an inner scope ended");
  }
  const bool seen = kLocal.try_with([level](int& value) { (void)(value == level); });
  if (!seen) fail(*env, index, "try_with found no scope inside one");
}

Task<std::optional<int>> reads_local() {
  co_await yield_now();
  std::optional<int> seen = kLocal.try_get();
  if (seen) kLocal.with([](int& value) { value = 99; });  // the child's copy only
  co_return seen;
}

Task<void> spawner(Env* env, int index, bool inherit) {
  JoinHandle<std::optional<int>> handle =
      inherit ? spawn(reads_local(), inherit_task_locals) : spawn(reads_local());
  const std::optional<int> seen = co_await handle;
  if (seen != (inherit ? std::optional<int>(7) : std::nullopt)) {
    fail(*env, index,
         std::string("a child spawned ") + (inherit ? "with" : "without") +
             " inherit_task_locals read " +
             (seen ? std::to_string(*seen) : std::string("no value")));
  }
  expect_local(*env, index, 7, "in the spawner after its child changed its copy");
}

Task<void> throws_in_scope(Env* env, int index) {
  co_await yield_now();
  expect_local(*env, index, 2, "in the inner scope");
  throw Boom("boom in a scope");
}

Task<void> outer_scope(Env* env, int index) {
  try {
    co_await kLocal.scope(2, throws_in_scope(env, index));
  } catch (const Boom&) {
  }
  expect_local(*env, index, 1, "after an exception left the inner scope");
}

Task<void> task_local_op(Env& env, const Op& op, int index) {
  const int v = op.variant->variant;
  expect_local(env, index, std::nullopt, "in the root, outside every scope");
  if (v == 0) {
    co_await kLocal.scope(1, nested_scopes(&env, index, 1, op.a + 1));
  } else if (v == 1) {
    co_await kLocal.scope(7, spawner(&env, index, op.c != 0));
  } else if (v == 2) {
    co_await kLocal.scope(1, outer_scope(&env, index));
  } else {
    kLocal.sync_scope(5, [&] { expect_local(env, index, 5, "inside sync_scope"); });
    const std::optional<int> in_closure = co_await spawn_blocking([] { return kLocal.try_get(); });
    if (in_closure) fail(env, index, "a blocking closure read a task-local value");
  }
  expect_local(env, index, std::nullopt, "in the root after the scopes");
}

struct ThrowsInSuspend {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) { throw Boom("boom from await_suspend"); }
  void await_resume() {}
};

struct ThrowsInResume {
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<>) { return false; }
  void await_resume() { throw Boom("boom from await_resume"); }
};

struct CompletesSynchronously {
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<>) { return false; }
  int await_resume() { return 42; }
};

struct ResumesOnForeignThread {
  Env* env;
  std::chrono::microseconds delay;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    env->adopt(std::thread([h, d = delay] {
      std::this_thread::sleep_for(d);
      h.resume();
    }));
  }
  void await_resume() {}
};

Task<void> user_awaiters(Env* env, int index, int variant) {
  if (variant == 0) {
    try {
      co_await ThrowsInSuspend{};
      fail(*env, index, "an exception from await_suspend was lost");
    } catch (const Boom&) {
    }
  } else if (variant == 1) {
    try {
      co_await ThrowsInResume{};
      fail(*env, index, "an exception from await_resume was lost");
    } catch (const Boom&) {
    }
  } else {
    const int value = co_await CompletesSynchronously{};
    if (value != 42) fail(*env, index, "a synchronous awaiter's result was lost");
  }
  expect_local(*env, index, 3, "after a user awaiter");
  co_await yield_now();
  expect_local(*env, index, 3, "after a user awaiter and a yield");
}

Task<int> away_on_foreign_thread(Env* env, int value, std::chrono::microseconds delay, Token) {
  co_await ResumesOnForeignThread{env, delay};
  co_return value;
}

Task<void> awaiter_op(Env& env, const Op& op, int index) {
  const int v = op.variant->variant;
  if (v <= 2) {
    co_await kLocal.scope(3, user_awaiters(&env, index, v));
    co_return;
  }
  Token token(env, index);
  const int id = token.id();
  JoinHandle<int> handle = spawn(away_on_foreign_thread(
      &env, op.a, std::chrono::microseconds(v == 3 ? 100 : 2000), std::move(token)));
  if (v == 4) {
    co_await yield_now();
    handle.abort();
  }
  const Outcome outcome = co_await outcome_of(handle);
  if (v == 3 && outcome.value != op.a)
    fail(env, index, "a task resumed on a foreign thread gave " + describe(outcome));
  if (!outcome.value && !outcome.cancelled)
    fail(env, index, "the handle gave " + describe(outcome));
  expect_frame_gone(env, index, id);
}

Task<void> throwing_op(Env& env, const Op& op, int index) {
  if (op.variant->variant == 1) {
    (void)spawn(detached_thrower(op.b, Token(env, index), Background(env)));
    co_return;
  }
  Token token(env, index);
  const int id = token.id();
  JoinHandle<int> handle = spawn(throws_after(op.b, std::move(token)));
  const Outcome outcome = co_await outcome_of(handle);
  if (!outcome.error || what_of(outcome.error) != "boom from a task body") {
    fail(env, index, "a task that threw gave " + describe(outcome));
  }
  expect_frame_gone(env, index, id);
}

Task<void> deletes_runtime(Runtime* runtime, std::atomic<bool>* done) {
  delete runtime;
  done->store(true);
  co_return;
}

Task<int> awaits_handle(JoinHandle<int>* handle) { co_return co_await *handle; }

Task<void> misuse_op(Env& env, const Op& op, int index) {
  const int v = op.variant->variant;
  if (v == 5) {
    JoinHandle<int> shared = spawn(child(op.a, 20, Token(env, index)));
    JoinHandle<int> first = spawn(awaits_handle(&shared));
    JoinHandle<int> second = spawn(awaits_handle(&shared));
    // One of them gets the value; the other must end too (an exception), not hang.
    const Outcome one = co_await outcome_of(first);
    const Outcome two = co_await outcome_of(second);
    if (one.value.has_value() == two.value.has_value()) {
      fail(env, index,
           "two awaiters of one JoinHandle gave " + describe(one) + " and " + describe(two));
    }
    co_return;
  }
  if (v == 3) {
    auto* inner = new Runtime(Runtime::Builder().multi_thread().worker_threads(1).build());
    std::atomic<bool> done{false};
    (void)inner->spawn(deletes_runtime(inner, &done));
    co_await wait_until([&] { return done.load(); });
    co_return;
  }
  if (v == 4) {
    Task<int> task = child(op.a, op.b, Token(env, index));
    (void)co_await std::move(task);
    try {
      (void)co_await std::move(task);
    } catch (const std::exception&) {
    }
    co_return;
  }
  JoinHandle<int> handle = spawn(child(op.a, op.b, Token(env, index)));
  if (v == 0) {
    const int first = co_await handle;
    try {
      const int second = co_await handle;
      fail(env, index,
           "the outcome was taken twice: the first co_await gave " + std::to_string(first) +
               ", the second gave " + std::to_string(second) + " instead of throwing");
    } catch (const std::exception&) {
    }
  } else if (v == 1) {
    JoinHandle<int> moved = std::move(handle);
    try {
      (void)handle.is_finished();
    } catch (const std::exception&) {
    }
    (void)co_await moved;
  } else {
    (void)handle.wait();
  }
}

}  // namespace

Task<void> run_op(Env& env, const Op& op, int index) {
  switch (op.variant->kind) {
    case Kind::join:
      return join_op(env, op, index);
    case Kind::poll:
      return poll_op(env, op, index);
    case Kind::abort:
      return abort_op(env, op, index);
    case Kind::drop:
      return drop_op(env, op, index);
    case Kind::blocking:
      return blocking_op(env, op, index);
    case Kind::context:
      return with_mode(op.mode,
                       [&](auto tag) { return context_op<decltype(tag)>(env, op, index); });
    case Kind::yield:
      return [](int n) -> Task<void> {
        for (int i = 0; i <= n; ++i) co_await yield_now();
      }(op.a);
    case Kind::sleep:
      return sleep_op(env, op, index);
    case Kind::notify:
      return notify_op(env, op, index);
    case Kind::task_local:
      return task_local_op(env, op, index);
    case Kind::awaiter:
      return awaiter_op(env, op, index);
    case Kind::throwing:
      return throwing_op(env, op, index);
    case Kind::misuse:
      return misuse_op(env, op, index);
    case Kind::handle:
      return handle_op(env, op, index);
    case Kind::join_set:
      return join_set_op(env, op, index);
    case Kind::timeout:
      return timeout_op(env, op, index);
    case Kind::sleep_until:
      return sleep_until_op(env, op, index);
    case Kind::fault:
      return fault_op(env, op, index);
    case Kind::block_on:
      return block_on_op(env, op, index);
  }
  return [](Env* e, int i) -> Task<void> {
    fail(*e, i, "unknown operation");
    co_return;
  }(&env, index);
}

Task<void> settle(std::atomic<long>& count) {
  co_await wait_until([&count] { return count.load() == 0; });
}

}  // namespace asyncl::scenarios::workload
