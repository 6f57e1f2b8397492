// Tests of asyncl/timeout.hpp: the result in time, TimedOut after the deadline with the work
// destroyed before timeout() returns, zero/negative/huge durations, awaitables, task-locals,
// and a deadline racing the work's end. Both runtime flavors.

#include "asyncl/timeout.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task_local.hpp"

#include "flavors.hpp"

namespace {

using asyncl::JoinHandle;
using asyncl::Runtime;
using asyncl::Task;
using asyncl::TimedOut;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

static_assert(std::is_base_of_v<std::runtime_error, TimedOut>);

class TimeoutFlavors : public asyncl::testing::FlavorTest {};
ASYNCL_TEST_BOTH_FLAVORS(Timeout, TimeoutFlavors);

/// What a piece of work did: started, how far it got, whether its frame is gone.
struct WorkRecord {
  std::atomic<int> started{0};
  std::atomic<int> steps{0};
  std::atomic<int> destroyed{0};
  asyncl::Notify gone;  // notified when the frame is destroyed
};
struct Tracks {
  WorkRecord* record;
  explicit Tracks(WorkRecord* r) : record(r) {}
  Tracks(Tracks&& other) noexcept : record(std::exchange(other.record, nullptr)) {}
  ~Tracks() {
    if (record != nullptr) {
      record->destroyed.fetch_add(1);
      record->gone.notify_one();
    }
  }
};

asyncl::Notify g_never;

Task<int> yields_then_returns(Tracks t, int v) {
  t.record->started.fetch_add(1);
  co_await asyncl::yield_now();
  co_return v;
}

/// Runs forever, one step per resume: anything of it running after timeout() is seen.
Task<int> runs_forever(Tracks t) {
  t.record->started.fetch_add(1);
  for (;;) {
    t.record->steps.fetch_add(1);
    co_await asyncl::yield_now();
  }
}

Task<int> waits_forever(Tracks t) {
  t.record->started.fetch_add(1);
  co_await g_never.wait();
  co_return -1;
}

TEST_P(TimeoutFlavors, ReturnsTheResultOfWorkThatFinishesInTime) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    WorkRecord record;
    EXPECT_EQ(co_await asyncl::timeout(10s, yields_then_returns(Tracks(&record), 4)), 4);
    EXPECT_EQ(record.destroyed.load(), 1);  // the child was joined: its frame is gone
    co_await asyncl::timeout(10s, []() -> Task<void> { co_await asyncl::yield_now(); }());
    // Huge durations saturate: they never expire, and nothing overflows into the past.
    EXPECT_EQ(co_await asyncl::timeout(std::chrono::nanoseconds::max(),
                                       yields_then_returns(Tracks(&record), 1)),
              1);
    EXPECT_EQ(co_await asyncl::timeout(std::chrono::seconds::max(),
                                       yields_then_returns(Tracks(&record), 2)),
              2);
    EXPECT_EQ(co_await asyncl::timeout(std::chrono::hours::max(),
                                       yields_then_returns(Tracks(&record), 3)),
              3);
    EXPECT_EQ(co_await asyncl::timeout(std::chrono::duration<double>(INFINITY),
                                       yields_then_returns(Tracks(&record), 5)),
              5);
    EXPECT_EQ(co_await asyncl::timeout_at(Clock::time_point::max(),
                                          yields_then_returns(Tracks(&record), 6)),
              6);
    EXPECT_EQ(co_await asyncl::timeout_at(std::chrono::system_clock::now() + 10s,
                                          yields_then_returns(Tracks(&record), 7)),
              7);
    EXPECT_EQ(record.started.load(), 7);
  }());
}

TEST_P(TimeoutFlavors, TheWorksExceptionIsRethrownNotTimedOut) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    std::string what;
    try {
      (void)co_await asyncl::timeout(10s, []() -> Task<int> {
        co_await asyncl::yield_now();
        throw std::out_of_range("from the work");
      }());
    } catch (const std::out_of_range& e) {
      what = e.what();
    }
    EXPECT_EQ(what, "from the work");
  }());
}

// Before the deadline passes the work runs; after timeout() threw, its frame is destroyed and
// it never runs again. The work is always runnable (yields in a loop), so it is aborted while
// queued or running, not only while parked.
TEST_P(TimeoutFlavors, AfterTimedOutNothingOfTheWorkRuns) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    for (auto work : {&runs_forever, &waits_forever}) {
      WorkRecord record;
      const auto start = Clock::now();
      bool timed_out = false;
      try {
        (void)co_await asyncl::timeout(20ms, work(Tracks(&record)));
      } catch (const TimedOut&) {
        timed_out = true;
      }
      EXPECT_TRUE(timed_out);
      EXPECT_GE(Clock::now() - start, 20ms);
      EXPECT_EQ(record.started.load(), 1);
      EXPECT_EQ(record.destroyed.load(), 1);  // gone before timeout() returned
      const int steps = record.steps.load();
      for (int i = 0; i < 100; ++i) co_await asyncl::yield_now();
      EXPECT_EQ(record.steps.load(), steps);
    }
  }());
}

// Zero, negative and NaN durations (and past time points) have passed when timeout() starts:
// TimedOut at once, and the work is destroyed without having started.
TEST_P(TimeoutFlavors, ZeroAndNegativeDurationsTimeOutWithoutStartingTheWork) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    WorkRecord record;
    int timed_out = 0;
    auto attempt = [&](Task<int> t) -> Task<void> {
      try {
        (void)co_await std::move(t);
      } catch (const TimedOut&) {
        ++timed_out;
      }
    };
    co_await attempt(asyncl::timeout(0ms, yields_then_returns(Tracks(&record), 1)));
    co_await attempt(asyncl::timeout(-5s, yields_then_returns(Tracks(&record), 1)));
    co_await attempt(
        asyncl::timeout(std::chrono::nanoseconds(-1), yields_then_returns(Tracks(&record), 1)));
    co_await attempt(
        asyncl::timeout(std::chrono::hours::min(), yields_then_returns(Tracks(&record), 1)));
    co_await attempt(asyncl::timeout(std::chrono::duration<double>(-INFINITY),
                                     yields_then_returns(Tracks(&record), 1)));
    co_await attempt(asyncl::timeout(std::chrono::duration<double>(NAN),
                                     yields_then_returns(Tracks(&record), 1)));
    co_await attempt(
        asyncl::timeout_at(Clock::now() - 1s, yields_then_returns(Tracks(&record), 1)));
    co_await attempt(
        asyncl::timeout_at(Clock::time_point::min(), yields_then_returns(Tracks(&record), 1)));
    EXPECT_EQ(timed_out, 8);
    EXPECT_EQ(record.started.load(), 0);
    EXPECT_EQ(record.destroyed.load(), 8);
  }());
}

// An awaitable that is ready already gives its result even with no time left; one that is not
// times out. A JoinHandle passed as an lvalue stays the caller's after a timeout.
TEST_P(TimeoutFlavors, AwaitablesAndJoinHandles) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    JoinHandle<int> done = asyncl::spawn([]() -> Task<int> { co_return 9; }());
    while (!done.is_finished()) co_await asyncl::yield_now();
    EXPECT_EQ(co_await asyncl::timeout(0ms, std::move(done)), 9);
    EXPECT_THROW(co_await asyncl::timeout(0ms, g_never.wait()), TimedOut);
    EXPECT_THROW(co_await asyncl::timeout(5ms, g_never.wait()), TimedOut);
    co_await asyncl::timeout(10s, asyncl::sleep_for(1ms));
    EXPECT_THROW(co_await asyncl::timeout(1ms, asyncl::sleep_for(10s)), TimedOut);

    WorkRecord record;
    JoinHandle<int> slow = asyncl::spawn(waits_forever(Tracks(&record)));
    EXPECT_THROW(co_await asyncl::timeout(5ms, slow), TimedOut);
    EXPECT_FALSE(slow.is_finished());  // the timeout aborted its own waiting, not the task
    EXPECT_EQ(record.destroyed.load(), 0);
    slow.abort();
    EXPECT_THROW(co_await slow, asyncl::TaskCancelled);
    EXPECT_EQ(record.destroyed.load(), 1);

    JoinHandle<int> quick = asyncl::spawn([]() -> Task<int> {
      co_await asyncl::yield_now();
      co_return 11;
    }());
    EXPECT_EQ(co_await asyncl::timeout(10s, quick), 11);
  }());
}

TEST_P(TimeoutFlavors, TheWorkSeesTheCallersTaskLocals) {
  static const asyncl::TaskLocal<int> tag;
  Runtime rt = make();
  const int v = rt.block_on(tag.scope(42, []() -> Task<int> {
    co_return co_await asyncl::timeout(10s, []() -> Task<int> {
      co_await asyncl::yield_now();
      co_return tag.try_get().value_or(-1);
    }());
  }()));
  EXPECT_EQ(v, 42);
}

// The task awaiting timeout() is aborted: the work is aborted with it (destroyed shortly after,
// observed through the record's Notify, not a sleep).
TEST_P(TimeoutFlavors, AbortingTheAwaitingTaskAbortsTheWork) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    WorkRecord record;
    JoinHandle<int> outer = asyncl::spawn([](WorkRecord& record) -> Task<int> {
      co_return co_await asyncl::timeout(std::chrono::hours(1), waits_forever(Tracks(&record)));
    }(record));
    while (record.started.load() == 0) co_await asyncl::yield_now();
    outer.abort();
    EXPECT_THROW(co_await outer, asyncl::TaskCancelled);
    // Always wait for the notification (its permit if it came first): returning on `destroyed`
    // alone let this frame destroy the record while ~Tracks was still calling notify_one on it
    // (TSan: pthread_mutex_lock racing operator delete).
    co_await record.gone.wait();
    EXPECT_EQ(record.destroyed.load(), 1);
  }());
}

// The deadline lands anywhere around the work's end: each round either returns the value or
// throws TimedOut with the work destroyed, never anything else; the late second wake (RaceAwaiter)
// must not resume the next await early (that would read an unfinished JoinHandle and abort).
TEST_P(TimeoutFlavors, DeadlineRacingTheWorksEnd) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    std::mt19937 rng(2026);
    int values = 0;
    int timeouts = 0;
    for (int round = 0; round < 2000; ++round) {
      WorkRecord record;
      const auto d = std::chrono::microseconds(rng() % 40);  // about as long as the work
      try {
        const int v = co_await asyncl::timeout(d, [](Tracks, int yields) -> Task<int> {
          for (int i = 0; i < yields; ++i) co_await asyncl::yield_now();
          co_return 1;
        }(Tracks(&record), static_cast<int>(rng() % 4)));
        values += v;
      } catch (const TimedOut&) {
        ++timeouts;
      }
      EXPECT_EQ(record.destroyed.load(), 1) << "round " << round;
      // A follow-up await that a stray wake would resume too early.
      JoinHandle<int> next = asyncl::spawn([]() -> Task<int> {
        co_await asyncl::yield_now();
        co_return 2;
      }());
      EXPECT_EQ(co_await next, 2);
    }
    EXPECT_EQ(values + timeouts, 2000);
    EXPECT_GT(values, 0);
    EXPECT_GT(timeouts, 0);
  }());
}

TEST(TimeoutOutside, TimeoutIsATaskAndNeedsARuntime) {
  Runtime rt = Runtime::Builder().worker_threads(1).build();
  EXPECT_EQ(rt.block_on(asyncl::timeout(10s, []() -> Task<int> { co_return 3; }())), 3);
  EXPECT_THROW(rt.block_on(asyncl::timeout(0s, []() -> Task<int> { co_return 3; }())), TimedOut);
}

}  // namespace
