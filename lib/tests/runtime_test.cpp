// Tests of asyncl/runtime.hpp and join_handle.hpp: spawning, joining, stealing, aborting,
// blocking work, and the shutdown protocol, in both flavors.

#include "asyncl/runtime.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "asyncl/sync.hpp"
#include "asyncl/task_local.hpp"
#include "migration_support.hpp"

#include "flavors.hpp"

namespace {

using asyncl::JoinHandle;
using asyncl::Runtime;
using asyncl::Task;

using asyncl::testing::multi;
using asyncl::testing::single;

class Flavors : public asyncl::testing::FlavorTest {};
ASYNCL_TEST_BOTH_FLAVORS(Runtime, Flavors);

Task<int> leaf(int v) {
  co_await asyncl::yield_now();
  co_return v;
}

Task<int> fan_out(int n) {
  std::vector<JoinHandle<int>> children;
  for (int i = 0; i < n; ++i) children.push_back(asyncl::spawn(leaf(i)));
  int sum = 0;
  for (auto& child : children) sum += co_await std::move(child);
  co_return sum;
}

TEST_P(Flavors, TasksSpawnTasks) {
  Runtime rt = make();
  EXPECT_EQ(rt.block_on([]() -> Task<int> {
    JoinHandle<int> a = asyncl::spawn(fan_out(10));
    JoinHandle<int> b = asyncl::spawn(fan_out(20));
    co_return co_await std::move(a) + co_await std::move(b);
  }()),
            45 + 190);
}

TEST_P(Flavors, HundredThousandSpawnAndJoin) {
  Runtime rt = make();
  const long long sum = rt.block_on([]() -> Task<long long> {
    constexpr int kTasks = 100'000;
    std::vector<JoinHandle<int>> handles;
    handles.reserve(kTasks);
    for (int i = 0; i < kTasks; ++i)
      handles.push_back(asyncl::spawn([](int v) -> Task<int> { co_return v; }(i)));
    long long s = 0;
    for (auto& h : handles) s += co_await std::move(h);
    co_return s;
  }());
  EXPECT_EQ(sum, 100'000LL * 99'999 / 2);
}

TEST(RuntimeMultiThread, YieldingTaskIsObservedOnBothWorkers) {
  Runtime rt = multi(2);
  // Every 500th yield its worker is kept busy by another task, so the idle worker steals it.
  const auto [seen, moves] = rt.block_on([]() -> Task<std::pair<std::set<std::size_t>, int>> {
    std::set<std::size_t> workers;
    int moves = 0;
    std::size_t last = asyncl::this_worker::index().value();
    for (int i = 0; i < 10'000; ++i) {
      if (i % 500 == 0) {
        co_await asyncl::testing::move_to_another_worker();
      } else {
        co_await asyncl::yield_now();
      }
      const std::size_t now = asyncl::this_worker::index().value();
      workers.insert(now);
      moves += now != last;
      last = now;
    }
    co_return std::pair{workers, moves};
  }());
  EXPECT_EQ(seen, (std::set<std::size_t>{0, 1}));
  EXPECT_GE(moves, 20);
}

TEST_P(Flavors, JoinHandleRethrowsTheTasksException) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    JoinHandle<int> h = asyncl::spawn([]() -> Task<int> {
      co_await asyncl::yield_now();
      throw std::out_of_range("from the task");
    }());
    bool thrown = false;
    try {
      (void)co_await h;
    } catch (const std::out_of_range& e) {
      thrown = std::string(e.what()) == "from the task";
    }
    EXPECT_TRUE(thrown);
    EXPECT_TRUE(h.is_finished());
  }());
}

TEST_P(Flavors, AbortDestroysASuspendedTask) {
  Runtime rt = make();
  static asyncl::Notify never;
  std::atomic<int> destroyed{0};
  struct Guard {
    std::atomic<int>* count;
    ~Guard() { count->fetch_add(1); }
  };
  rt.block_on([](std::atomic<int>& destroyed) -> Task<void> {
    JoinHandle<void> h = asyncl::spawn([](std::atomic<int>& destroyed) -> Task<void> {
      Guard g{&destroyed};
      co_await never.wait();
    }(destroyed));
    co_await asyncl::yield_now();
    h.abort();
    bool cancelled = false;
    try {
      co_await std::move(h);
    } catch (const asyncl::TaskCancelled&) {
      cancelled = true;
    }
    EXPECT_TRUE(cancelled);
  }(destroyed));
  EXPECT_EQ(destroyed.load(), 1);
}

TEST_P(Flavors, SpawnBlockingRunsOnTheBlockingPoolAndIsAwaitable) {
  Runtime rt = make();
  const int v = rt.block_on([]() -> Task<int> {
    int local = 20;
    int r = co_await asyncl::spawn_blocking([&] {
      EXPECT_FALSE(asyncl::this_worker::index().has_value());
      return local + 1;
    });
    co_return r * 2;
  }());
  EXPECT_EQ(v, 42);
}

TEST_P(Flavors, SleepForWaitsAtLeastTheDuration) {
  Runtime rt = make();
  const auto elapsed = rt.block_on([]() -> Task<std::chrono::steady_clock::duration> {
    const auto start = std::chrono::steady_clock::now();
    co_await asyncl::sleep_for(std::chrono::milliseconds(20));
    co_return std::chrono::steady_clock::now() - start;
  }());
  EXPECT_GE(elapsed, std::chrono::milliseconds(20));
}

TEST_P(Flavors, BlockOnFromInsideATaskIsRejected) {
  Runtime rt = make();
  Runtime* self = &rt;
  const bool rejected = rt.block_on([](Runtime* rt) -> Task<bool> {
    try {
      rt->block_on([]() -> Task<void> { co_return; }());
    } catch (const std::logic_error&) {
      co_return true;
    }
    co_return false;
  }(self));
  EXPECT_TRUE(rejected);
}

// Before the fix: block_on checked only that the caller was no pool thread, so any thread
// could drive a current-thread runtime (two at once ran its tasks concurrently).
TEST(RuntimeCurrentThread, BlockOnFromAThreadOtherThanTheBuilderIsALogicError) {
  Runtime rt = single();
  std::string error;
  std::thread other([&] {
    try {
      rt.block_on([]() -> Task<void> { co_return; }());
    } catch (const std::logic_error& e) {
      error = e.what();
    }
  });
  other.join();
  EXPECT_NE(error.find("thread that built it"), std::string::npos) << error;
  EXPECT_EQ(rt.block_on([]() -> Task<int> { co_return 1; }()), 1);
}

// A multi-thread runtime's owner runs no tasks: any thread outside the runtime may block on it.
TEST(RuntimeMultiThread, BlockOnFromAnotherThreadIsAllowed) {
  Runtime rt = multi(1);
  int result = 0;
  std::thread other([&] { result = rt.block_on([]() -> Task<int> { co_return 4; }()); });
  other.join();
  EXPECT_EQ(result, 4);
}

// Before the fix: both hung forever (the thread waited at the barrier as the owner while its
// own task or closure never returned).
class RuntimeDeathTest : public ::testing::TestWithParam<Runtime::Flavor> {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
  Runtime* make() const {
    return new Runtime(GetParam() == Runtime::Flavor::multi_thread ? multi() : single());
  }
};
ASYNCL_TEST_BOTH_FLAVORS(Runtime, RuntimeDeathTest);

TEST_P(RuntimeDeathTest, DestroyingTheRuntimeFromItsOwnTaskAborts) {
  EXPECT_DEATH(
      {
        Runtime* rt = make();
        rt->block_on([](Runtime* rt) -> Task<void> {
          delete rt;
          co_return;
        }(rt));
      },
      "destroyed on one of its own threads");
}

TEST_P(RuntimeDeathTest, DestroyingTheRuntimeFromItsBlockingClosureAborts) {
  EXPECT_DEATH(
      {
        Runtime* rt = make();
        rt->spawn_blocking([rt] { delete rt; }).wait();
      },
      "destroyed on one of its own threads");
}

TEST(RuntimeOutside, SpawnOutsideARuntimeIsALogicError) {
  EXPECT_THROW((void)asyncl::spawn([]() -> Task<void> { co_return; }()), std::logic_error);
  EXPECT_FALSE(asyncl::this_worker::index().has_value());
}

// ── Shutdown ──────────────────────────────────────────────────────────────────────────────────

// Counts destructions of pool threads' thread-local objects.
std::atomic<int> g_tls_destroyed{0};
struct ThreadLocalSentinel {
  bool touched = false;
  ~ThreadLocalSentinel() {
    if (touched) g_tls_destroyed.fetch_add(1);
  }
};
thread_local ThreadLocalSentinel t_sentinel;

[[gnu::noinline]] void touch_sentinel() { t_sentinel.touched = true; }

struct FrameRecord {
  std::atomic<int> started{0};
  std::atomic<int> destroyed{0};
  std::atomic<int> on_pool_thread{0};
  std::atomic<int> before_tls{0};
};

struct RecordingGuard {
  FrameRecord* record;
  explicit RecordingGuard(FrameRecord* r) : record(r) {}
  ~RecordingGuard() {
    record->destroyed.fetch_add(1);
    if (asyncl::this_worker::index().has_value()) record->on_pool_thread.fetch_add(1);
    if (g_tls_destroyed.load() == 0) record->before_tls.fetch_add(1);
  }
};

asyncl::Notify g_never;

Task<void> hold_until_shutdown(FrameRecord* record) {
  touch_sentinel();
  RecordingGuard guard(record);
  record->started.fetch_add(1);
  co_await g_never.wait();
}

// Spawns n holders and returns once every one of them has started (and so is suspended or
// about to be).
Task<void> spawn_holders(FrameRecord* record, int n) {
  for (int i = 0; i < n; ++i) (void)asyncl::spawn(hold_until_shutdown(record));
  while (record->started.load() < n) co_await asyncl::yield_now();
}

TEST(RuntimeShutdown, TenThousandSuspendedTasksAreDestroyedOnWorkersBeforeThreadLocals) {
  g_tls_destroyed = 0;
  FrameRecord record;
  {
    Runtime rt = multi(2);
    rt.block_on(spawn_holders(&record, 10'000));
  }
  EXPECT_EQ(record.destroyed.load(), 10'000);
  EXPECT_EQ(record.on_pool_thread.load(), 10'000);
  EXPECT_EQ(record.before_tls.load(), 10'000);
  EXPECT_GE(g_tls_destroyed.load(), 1);  // the workers' sentinels did die, after the frames
}

// The registry is sharded by the admitting thread (each worker, and one shard for every other
// thread), and shutdown's sweep of the shards hands every cancelled task to the workers in one
// batch per shard: tasks admitted from the owner, a foreign thread and both workers all go.
TEST(RuntimeShutdown, SuspendedTasksAdmittedFromEveryKindOfThreadAreAllDestroyedOnWorkers) {
  g_tls_destroyed = 0;
  FrameRecord record;
  constexpr int kEach = 2'000;
  {
    Runtime rt = multi(2);
    for (int i = 0; i < kEach; ++i) (void)rt.spawn(hold_until_shutdown(&record));  // the owner
    std::thread foreign([h = rt.handle(), &record] {
      for (int i = 0; i < kEach; ++i) (void)h.spawn(hold_until_shutdown(&record));
    });
    foreign.join();
    // From tasks, which run on either worker; then until every holder has started.
    rt.block_on([](FrameRecord* record) -> Task<void> {
      std::vector<asyncl::JoinHandle<void>> spawners;
      for (int i = 0; i < 8; ++i) {
        spawners.push_back(asyncl::spawn([](FrameRecord* record) -> Task<void> {
          for (int j = 0; j < kEach / 8; ++j) (void)asyncl::spawn(hold_until_shutdown(record));
          co_return;
        }(record)));
      }
      for (auto& spawner : spawners) co_await spawner;
      while (record->started.load() < 3 * kEach) co_await asyncl::yield_now();
    }(&record));
  }
  EXPECT_EQ(record.destroyed.load(), 3 * kEach);
  EXPECT_EQ(record.on_pool_thread.load(), 3 * kEach);
  EXPECT_EQ(record.before_tls.load(), 3 * kEach);
}

TEST(RuntimeShutdown, RuntimeWithoutRendezvousStillDestroysEveryFrame) {
  FrameRecord record;
  {
    Runtime rt = Runtime::Builder().worker_threads(2).barrier_protected(false).build();
    rt.block_on(spawn_holders(&record, 1'000));
  }
  EXPECT_EQ(record.destroyed.load(), 1'000);
  EXPECT_EQ(record.on_pool_thread.load(), 1'000);
}

TEST(RuntimeShutdown, CurrentThreadDestroysSuspendedTasksOnTheOwner) {
  FrameRecord record;
  int destroyed_on_owner = 0;
  {
    Runtime rt = single();
    rt.block_on(spawn_holders(&record, 10'000));
  }
  destroyed_on_owner = record.destroyed.load();
  EXPECT_EQ(destroyed_on_owner, 10'000);
}

TEST_P(Flavors, ShutdownLetsRunningBlockingClosuresFinishAndDropsQueuedOnes) {
  std::atomic<bool> first_finished{false};
  std::atomic<int> queued_ran{0};
  std::latch started(1);
  std::vector<JoinHandle<void>> queued;
  JoinHandle<void> first(nullptr);
  {
    Runtime rt = GetParam() == Runtime::Flavor::multi_thread
                     ? Runtime::Builder().worker_threads(2).max_blocking_threads(1).build()
                     : Runtime::Builder().current_thread().max_blocking_threads(1).build();
    first = rt.spawn_blocking([&] {
      started.count_down();
      // Still running when shutdown begins: the runtime must wait for it.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      first_finished = true;
    });
    started.wait();
    for (int i = 0; i < 4; ++i)
      queued.push_back(rt.spawn_blocking([&] { queued_ran.fetch_add(1); }));
  }
  EXPECT_TRUE(first_finished.load());
  EXPECT_NO_THROW(first.wait());
  EXPECT_EQ(queued_ran.load(), 0);
  for (auto& h : queued) EXPECT_THROW(h.wait(), asyncl::TaskCancelled);
}

TEST_P(Flavors, AbortedTaskIsKeptUntilItsBlockingClosureReturns) {
  // The closure refers to the frame; abort must not destroy the frame under it.
  struct Shared {
    std::atomic<bool> started{false};
    std::atomic<bool> release{false};
    std::atomic<bool> frame_alive_at_end{false};
  } shared;
  struct Alive {
    std::atomic<bool> alive{true};
    ~Alive() { alive = false; }
  };
  Runtime rt = make();
  rt.block_on([](Shared& shared) -> Task<void> {
    JoinHandle<void> h = asyncl::spawn([](Shared& shared) -> Task<void> {
      Alive alive;
      co_await asyncl::spawn_blocking([&] {
        shared.started = true;
        while (!shared.release.load()) std::this_thread::yield();
        shared.frame_alive_at_end = alive.alive.load();
      });
    }(shared));
    while (!shared.started.load()) co_await asyncl::yield_now();
    h.abort();
    shared.release = true;
    bool cancelled = false;
    try {
      co_await h;
    } catch (const asyncl::TaskCancelled&) {
      cancelled = true;
    }
    EXPECT_TRUE(cancelled);
  }(shared));
  EXPECT_TRUE(shared.frame_alive_at_end.load());
}

// Before the fix: the frame and its header were freed when the task completed, so the closure
// read a destroyed parameter and its unpin() wrote into freed memory (heap-use-after-free).
TEST_P(Flavors, CompletedTaskIsKeptUntilItsDetachedBlockingClosureReturns) {
  struct Shared {
    std::atomic<bool> started{false};
    std::atomic<bool> returned{false};
    std::atomic<bool> release{false};
    std::atomic<bool> frame_alive_at_end{false};
  } shared;
  struct Alive {
    std::atomic<bool> alive{true};
    Alive() = default;
    Alive(Alive&&) noexcept {}
    ~Alive() { alive = false; }
  };
  Runtime rt = make();
  rt.block_on([](Shared& shared) -> Task<void> {
    JoinHandle<void> h = asyncl::spawn([](Shared& shared, Alive alive) -> Task<void> {
      (void)asyncl::spawn_blocking([&shared, &alive] {
        shared.started = true;
        while (!shared.release.load()) std::this_thread::yield();
        shared.frame_alive_at_end = alive.alive.load();
      });
      shared.returned = true;
      co_return;
    }(shared, Alive{}));
    while (!shared.started.load() || !shared.returned.load()) co_await asyncl::yield_now();
    // The task has returned; its closure still holds the frame, so the task is not finished.
    EXPECT_FALSE(h.is_finished());
    shared.release = true;
    co_await h;
  }(shared));
  EXPECT_TRUE(shared.frame_alive_at_end.load());
}

/// A task parameter whose destructor is slow: it widens the window in which a joiner could see
/// the outcome while the parameter still lives. The fixed order does not depend on it.
struct SlowParameter {
  std::shared_ptr<int> shared;
  ~SlowParameter() {
    for (int i = 0; i < 1000; ++i) std::this_thread::yield();
  }
};

// Before the fix: the JoinHandle was ready while the task's parameters were still alive, so a
// joiner could see (or free) what they refer to before they were destroyed. The parameter's
// destructor is slow only to make that window wide; the fixed order does not depend on it.
TEST(RuntimeMultiThread, OutcomeIsPublishedAfterTheTasksFrameIsDestroyed) {
  Runtime rt = multi(2);
  for (int round = 0; round < 20; ++round) {
    auto counted = std::make_shared<int>(0);
    JoinHandle<void> h = rt.spawn(
        [](SlowParameter) -> Task<void> { co_await asyncl::yield_now(); }(SlowParameter{counted}));
    h.wait();
    ASSERT_EQ(counted.use_count(), 1) << "round " << round;
  }
}

// Found by the workload scenario (abort.before_start): a task aborted before it started still
// holds the user's Task in its root's parameter, which dies after the root's promise, where the
// outcome was published. The destroyer now publishes after the whole frame is gone.
TEST(RuntimeMultiThread, AbortedBeforeStartOutcomeIsPublishedAfterTheFrameIsDestroyed) {
  Runtime rt = multi(1);
  for (int round = 0; round < 20; ++round) {
    std::atomic<bool> release{false};
    // The only worker is busy until `release`, so the child cannot start before the abort.
    JoinHandle<void> busy = rt.spawn([](std::atomic<bool>& release) -> Task<void> {
      while (!release.load()) std::this_thread::yield();
      co_return;
    }(release));
    auto counted = std::make_shared<int>(0);
    JoinHandle<void> child =
        rt.spawn([](SlowParameter) -> Task<void> { co_return; }(SlowParameter{counted}));
    child.abort();
    release = true;
    EXPECT_THROW(child.wait(), asyncl::TaskCancelled);
    ASSERT_EQ(counted.use_count(), 1) << "round " << round;
    busy.wait();
  }
}

TEST_P(Flavors, SpawnDuringShutdownIsRejected) {
  static asyncl::Notify never;
  std::atomic<int> rejected{0};
  std::atomic<int> child_ran{0};
  {
    Runtime rt = make();
    struct SpawnsOnDestruction {
      std::atomic<int>* rejected;
      std::atomic<int>* child_ran;
      ~SpawnsOnDestruction() {
        JoinHandle<void> h = asyncl::spawn([](std::atomic<int>* ran) -> Task<void> {
          ran->fetch_add(1);
          co_return;
        }(child_ran));
        if (h.is_finished()) {
          try {
            h.wait();
          } catch (const asyncl::TaskCancelled&) {
            rejected->fetch_add(1);
          }
        }
      }
    };
    rt.block_on([](std::atomic<int>* rejected, std::atomic<int>* child_ran) -> Task<void> {
      (void)asyncl::spawn(
          [](std::atomic<int>* rejected, std::atomic<int>* child_ran) -> Task<void> {
            SpawnsOnDestruction s{rejected, child_ran};
            co_await never.wait();
          }(rejected, child_ran));
      co_await asyncl::yield_now();
    }(&rejected, &child_ran));
  }
  EXPECT_EQ(rejected.load(), 1);
  EXPECT_EQ(child_ran.load(), 0);
}

TEST_P(Flavors, WakeRacingShutdownNeverResumesOrLeaksADestroyedFrame) {
  struct Count {
    std::atomic<int>* n;
    ~Count() { n->fetch_add(1); }
  };
  std::mt19937 rng(12345);
  for (int round = 0; round < 1000; ++round) {
    asyncl::Notify notify;
    std::atomic<bool> waiting{false};
    std::atomic<int> finished{0};
    std::atomic<int> destroyed{0};
    std::thread waker;
    {
      Runtime rt = make();
      rt.block_on([](asyncl::Notify& n, std::atomic<bool>& waiting, std::atomic<int>& finished,
                     std::atomic<int>& destroyed) -> Task<void> {
        (void)asyncl::spawn([](asyncl::Notify& n, std::atomic<bool>& waiting,
                               std::atomic<int>& finished,
                               std::atomic<int>& destroyed) -> Task<void> {
          Count c{&destroyed};
          waiting = true;
          co_await n.wait();
          finished.fetch_add(1);
        }(n, waiting, finished, destroyed));
        while (!waiting.load()) co_await asyncl::yield_now();
      }(notify, waiting, finished, destroyed));
      // The wake lands anywhere from before shutdown to the middle of it.
      const int spins = static_cast<int>(rng() % 200);
      waker = std::thread([&notify, spins] {
        for (int i = 0; i < spins; ++i) std::this_thread::yield();
        notify.notify_one();
      });
      if (round % 4 == 0) waker.join();
    }
    if (waker.joinable()) waker.join();
    ASSERT_EQ(destroyed.load(), 1) << "round " << round;  // destroyed exactly once, never leaked
    ASSERT_LE(finished.load(), 1) << "round " << round;
  }
}

TEST(RuntimeIdle, IdleRuntimeDoesNotSpin) {
  Runtime rt = multi(2);
  rt.block_on([]() -> Task<void> { co_return; }());
  const auto cpu = asyncl::testing::process_cpu_time;
  const auto cpu_before = cpu();
  const auto wall_before = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the window measured, not a wait
  const auto cpu_used = cpu() - cpu_before;
  const auto wall = std::chrono::steady_clock::now() - wall_before;
  // A spinning worker would use about 100% of the window; parked workers use almost nothing.
  EXPECT_LT(cpu_used * 20, wall)
      << "idle runtime used "
      << std::chrono::duration_cast<std::chrono::milliseconds>(cpu_used).count()
      << " ms of CPU in 500 ms";
}

// ── Runtime::Handle ───────────────────────────────────────────────────────────────────────────

struct Counted {
  std::atomic<int>* destroyed;
  explicit Counted(std::atomic<int>* d) : destroyed(d) {}
  Counted(Counted&& other) noexcept : destroyed(std::exchange(other.destroyed, nullptr)) {}
  ~Counted() {
    if (destroyed != nullptr) destroyed->fetch_add(1);
  }
};

Task<int> counted_value(Counted, std::atomic<int>* ran, int v) {
  ran->fetch_add(1);
  co_return v;
}

template <class T>
std::string cancellation_of(JoinHandle<T>& h) {
  try {
    (void)h.wait();
  } catch (const asyncl::TaskCancelled& e) {
    return e.what();
  }
  return "not cancelled";
}

// A spawn through a handle from a thread that is no part of the runtime; the owner then joins.
TEST_P(Flavors, HandleSpawnsFromAForeignThread) {
  Runtime rt = make();
  const Runtime::Handle handle = rt.handle();
  std::optional<JoinHandle<int>> task;
  std::optional<JoinHandle<int>> closure;
  std::thread foreign([&] {
    EXPECT_THROW((void)asyncl::spawn([]() -> Task<void> { co_return; }()), std::logic_error);
    task.emplace(handle.spawn(leaf(20)));
    closure.emplace(handle.spawn_blocking([] {
      EXPECT_FALSE(asyncl::this_worker::index().has_value());
      return 22;
    }));
  });
  foreign.join();
  EXPECT_EQ(rt.block_on([](JoinHandle<int>& a, JoinHandle<int>& b) -> Task<int> {
    co_return co_await a + co_await b;
  }(*task, *closure)),
            42);
}

TEST_P(Flavors, HandleCopiesAndMovesAllSpawnOnTheSameRuntime) {
  Runtime rt = make();
  Runtime::Handle a = rt.handle();
  Runtime::Handle b = a;             // copy
  Runtime::Handle c = std::move(a);  // a move copies: `a` still works
  Runtime other = single();
  Runtime::Handle d = other.handle();
  d = c;  // copy assignment rebinds to rt
  const int sum = rt.block_on(
      [](Runtime::Handle a, Runtime::Handle b, Runtime::Handle c, Runtime::Handle d) -> Task<int> {
        JoinHandle<int> ha = a.spawn(leaf(1));
        JoinHandle<int> hb = b.spawn(leaf(2));
        JoinHandle<int> hc = c.spawn(leaf(3));
        JoinHandle<int> hd = d.spawn(leaf(4));
        co_return co_await ha + co_await hb + co_await hc + co_await hd;
      }(a, b, c, d));
  // `other` never ran anything: it would hang here if d's spawn had gone to it (current-thread
  // runtimes run tasks only inside block_on, and rt's block_on joined all four).
  EXPECT_EQ(sum, 10);
}

TEST_P(Flavors, HandleCurrentIsTheRuntimeOfTheCallingThread) {
  EXPECT_THROW((void)Runtime::Handle::current(), std::logic_error);
  Runtime rt = make();
  const int v = rt.block_on([]() -> Task<int> {
    Runtime::Handle inside = Runtime::Handle::current();
    // From a blocking closure too: it belongs to the same runtime.
    Runtime::Handle from_pool =
        co_await asyncl::spawn_blocking([] { return Runtime::Handle::current(); });
    co_return co_await inside.spawn(leaf(5)) + co_await from_pool.spawn(leaf(6));
  }());
  EXPECT_EQ(v, 11);
}

TEST_P(Flavors, HandleSpawnWithInheritTaskLocalsCopiesTheValues) {
  static const asyncl::TaskLocal<int> tag;
  Runtime rt = make();
  const Runtime::Handle handle = rt.handle();
  const int v = rt.block_on(tag.scope(7, [](Runtime::Handle h) -> Task<int> {
    JoinHandle<int> inherits = h.spawn(
        []() -> Task<int> { co_return tag.try_get().value_or(-1); }(), asyncl::inherit_task_locals);
    JoinHandle<int> plain = h.spawn([]() -> Task<int> { co_return tag.try_get().value_or(-1); }());
    co_return 10 * co_await inherits + co_await plain;
  }(handle)));
  EXPECT_EQ(v, 70 - 1);
}

// Before Runtime::Handle there was no way to spawn on a runtime one does not own; with a raw
// Runtime* the same calls are a use-after-free once the runtime is gone.
TEST_P(Flavors, HandleThatOutlivesItsRuntimeRejectsEverySpawn) {
  std::optional<Runtime::Handle> handle;
  {
    Runtime rt = make();
    handle.emplace(rt.handle());
    // Driven by block_on: a current-thread runtime runs tasks only there.
    EXPECT_EQ(rt.block_on([](JoinHandle<int> h) -> Task<int> {
      co_return co_await h;
    }(handle->spawn(leaf(1)))),
              1);
  }
  std::atomic<int> destroyed{0};
  std::atomic<int> ran{0};
  JoinHandle<int> task = handle->spawn(counted_value(Counted(&destroyed), &ran, 1));
  EXPECT_TRUE(task.is_finished());  // at once: nothing would ever finish it later
  EXPECT_EQ(destroyed.load(), 1);   // the unstarted frame (its parameter) is gone already
  EXPECT_NE(cancellation_of(task).find("spawn rejected"), std::string::npos);
  JoinHandle<int> inherited =
      handle->spawn(counted_value(Counted(&destroyed), &ran, 2), asyncl::inherit_task_locals);
  EXPECT_NE(cancellation_of(inherited).find("spawn rejected"), std::string::npos);
  bool called = false;
  JoinHandle<void> closure = handle->spawn_blocking([&called] { called = true; });
  EXPECT_NE(cancellation_of(closure).find("spawn rejected"), std::string::npos);
  EXPECT_FALSE(called);
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(destroyed.load(), 2);
  // Copies of a dead runtime's handle are as harmless as the original.
  Runtime::Handle copy = *handle;
  EXPECT_THROW(copy.spawn(leaf(3)).wait(), asyncl::TaskCancelled);
}

// A task destroyed by shutdown spawns through Handle::current() in its destructor: rejected.
TEST_P(Flavors, HandleSpawnDuringShutdownIsRejected) {
  static asyncl::Notify never;
  std::atomic<int> rejected{0};
  std::atomic<int> ran{0};
  {
    Runtime rt = make();
    struct SpawnsOnDestruction {
      Runtime::Handle handle;
      std::atomic<int>* rejected;
      std::atomic<int>* ran;
      ~SpawnsOnDestruction() {
        std::atomic<int> destroyed{0};
        JoinHandle<int> h = handle.spawn(counted_value(Counted(&destroyed), ran, 1));
        if (h.is_finished() && cancellation_of(h).find("spawn rejected") != std::string::npos &&
            destroyed.load() == 1) {
          rejected->fetch_add(1);
        }
      }
    };
    rt.block_on([](std::atomic<int>* rejected, std::atomic<int>* ran) -> Task<void> {
      (void)asyncl::spawn([](std::atomic<int>* rejected, std::atomic<int>* ran) -> Task<void> {
        SpawnsOnDestruction s{Runtime::Handle::current(), rejected, ran};
        co_await never.wait();
      }(rejected, ran));
      co_await asyncl::yield_now();
    }(&rejected, &ran));
  }
  EXPECT_EQ(rejected.load(), 1);
  EXPECT_EQ(ran.load(), 0);
}

// The runtime is destroyed while a foreign thread spawns through its handle as fast as it can.
// Every spawn either ran or was refused (never lost, never run after the runtime is gone), every
// frame is destroyed exactly once, and the first refusal is final. ASan/TSan check the rest.
TEST_P(Flavors, HandleSpawnsRacingRuntimeDestructionAreRunOrRejected) {
  enum Outcome { completed, rejected, cancelled };
  auto outcome_of = [](JoinHandle<int>& h) {
    try {
      (void)h.wait();
      return completed;
    } catch (const asyncl::TaskCancelled& e) {
      return std::string(e.what()).find("spawn rejected") != std::string::npos ? rejected
                                                                               : cancelled;
    }
  };
  for (int round = 0; round < 200; ++round) {
    std::atomic<int> destroyed{0};
    std::atomic<int> ran{0};
    std::atomic<bool> started{false};
    std::atomic<bool> destroying{false};
    std::vector<JoinHandle<int>> spawned;
    std::vector<std::optional<Outcome>> outcomes;  // read by the foreign thread as it went
    std::thread foreign;
    {
      Runtime rt = make();
      foreign = std::thread([&, handle = rt.handle()] {
        for (int i = 0;; ++i) {
          // Bounded: on a loaded machine the owner may not reach the destructor for a long
          // time, and every spawn before it is a frame the shutdown destroys.
          if (i >= 1000) {
            while (!destroying.load()) std::this_thread::yield();
          }
          spawned.push_back(handle.spawn(counted_value(Counted(&destroyed), &ran, i)));
          outcomes.emplace_back();
          if (i == 0) started = true;
          if (spawned.back().is_finished()) {
            outcomes.back() = outcome_of(spawned.back());
            if (outcomes.back() == rejected) return;
          }
        }
      });
      while (!started.load()) std::this_thread::yield();
      if (GetParam() == Runtime::Flavor::current_thread && round % 2 == 0) {
        rt.block_on([]() -> Task<void> { co_await asyncl::yield_now(); }());
      }
      destroying = true;
    }
    foreign.join();
    int count[3] = {0, 0, 0};
    for (std::size_t i = 0; i < spawned.size(); ++i) {
      // The runtime is gone: every outcome is there, nothing blocks.
      ++count[outcomes[i] ? *outcomes[i] : outcome_of(spawned[i])];
    }
    const int total = static_cast<int>(spawned.size());
    ASSERT_EQ(count[rejected], 1) << "round " << round;  // the thread stops at the first refusal
    ASSERT_TRUE(outcomes.back() == rejected) << "round " << round;
    ASSERT_EQ(count[completed] + count[cancelled] + 1, total) << "round " << round;
    ASSERT_EQ(ran.load(), count[completed]) << "round " << round;
    ASSERT_EQ(destroyed.load(), total) << "round " << round;
  }
}

}  // namespace

// ── Failures the system can cause: injected in verification builds (fault_injection.hpp) ────

#if defined(ASYNCL_VERIFICATION)
#include "asyncl/detail/fault_injection.hpp"
#include "asyncl/task_local.hpp"

#include <fstream>
#endif

namespace {

#if defined(ASYNCL_VERIFICATION)
using asyncl::detail::Fault;
using asyncl::detail::inject_faults;

/// Threads of this process now (/proc/self/status).
int process_threads() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

struct CountedValue {
  static inline std::atomic<int> live{0};
  CountedValue() { ++live; }
  CountedValue(const CountedValue&) { ++live; }
  ~CountedValue() { --live; }
};
const asyncl::TaskLocal<CountedValue> g_counted;
#define ASYNCL_SKIP_WITHOUT_FAULT_INJECTION() (void)0
#else
#define ASYNCL_SKIP_WITHOUT_FAULT_INJECTION() \
  GTEST_SKIP() << "fault injection needs ASYNCL_VERIFICATION"
#endif

TEST(RuntimeFaults, BuildThatCannotStartAThreadThrowsAndLeavesNoThread) {
  ASYNCL_SKIP_WITHOUT_FAULT_INJECTION();
#if defined(ASYNCL_VERIFICATION)
  // ThreadSanitizer starts a thread of its own with the process's second thread: let it start
  // before counting.
  std::thread([] {}).join();
  const int before = process_threads();
  // Start 0 is the timer's, starts 1 to 3 are the workers'.
  for (unsigned failing : {0u, 1u, 3u}) {
    inject_faults(Fault::thread_start, 1, failing);
    std::string error;
    try {
      Runtime rt = Runtime::Builder().worker_threads(3).build();
      ADD_FAILURE() << "build() succeeded with start " << failing << " failing";
    } catch (const std::system_error& e) {
      error = e.what();
    }
    EXPECT_NE(error.find("could not start"), std::string::npos) << error;
    EXPECT_EQ(process_threads(), before) << "start " << failing;
  }
  inject_faults(Fault::thread_start, 1);
  EXPECT_THROW(Runtime::Builder().current_thread().build(), std::system_error);
  EXPECT_EQ(process_threads(), before);
  inject_faults(Fault::thread_start, 0);
#endif
}

// Before the fix: the pool counted the thread before starting it, so the job never ran and
// shutdown waited at the barrier for a thread that did not exist.
TEST(RuntimeFaults, SpawnBlockingThatCannotStartAThreadFailsThroughItsJoinHandle) {
  ASYNCL_SKIP_WITHOUT_FAULT_INJECTION();
#if defined(ASYNCL_VERIFICATION)
  for (auto flavor : {Runtime::Flavor::multi_thread, Runtime::Flavor::current_thread}) {
    Runtime rt = flavor == Runtime::Flavor::multi_thread ? multi() : single();
    rt.block_on([]() -> Task<void> {
      inject_faults(Fault::thread_start, 1);
      JoinHandle<int> failed = asyncl::spawn_blocking([] { return 1; });
      EXPECT_THROW(co_await std::move(failed), std::system_error);
      // The next start succeeds: the pool works again.
      EXPECT_EQ(co_await asyncl::spawn_blocking([] { return 2; }), 2);
    }());
  }
#endif
}

// Before the fix: the join state (and, with inherit_task_locals, the copied values) leaked
// when the frame's allocation threw (LeakSanitizer in the asan preset; the count below).
TEST(RuntimeFaults, SpawnWhoseFrameAllocationFailsThrowsAndLeaksNothing) {
  ASYNCL_SKIP_WITHOUT_FAULT_INJECTION();
#if defined(ASYNCL_VERIFICATION)
  Runtime rt = multi(1);
  rt.block_on(g_counted.scope(CountedValue{}, []() -> Task<void> {
    const int live = CountedValue::live.load();
    inject_faults(Fault::frame_allocation, 1);
    EXPECT_THROW(
        (void)asyncl::spawn([]() -> Task<void> { co_return; }(), asyncl::inherit_task_locals),
        std::bad_alloc);
    EXPECT_EQ(CountedValue::live.load(), live);
    inject_faults(Fault::frame_allocation, 1);
    EXPECT_THROW((void)asyncl::spawn([]() -> Task<void> { co_return; }()), std::bad_alloc);
    co_await asyncl::spawn([]() -> Task<void> { co_return; }());
  }()));
  EXPECT_EQ(CountedValue::live.load(), 0);
#endif
}

// Before the fix: the join state leaked when moving the closure into the job threw
// (LeakSanitizer in the asan preset).
TEST(RuntimeFaults, SpawnBlockingWhoseClosureMoveThrowsLeaksNothing) {
  struct ThrowsOnMove {
    ThrowsOnMove() = default;
    ThrowsOnMove(ThrowsOnMove&&) { throw std::runtime_error("move"); }
    void operator()() const {}
  };
  Runtime rt = multi(1);
  EXPECT_THROW((void)rt.spawn_blocking(ThrowsOnMove{}), std::runtime_error);
}

}  // namespace
