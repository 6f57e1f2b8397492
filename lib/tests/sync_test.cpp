// Tests of asyncl/sync.hpp: yield_now, sleep_for and sleep_until at the edges of their
// durations, and Notify.

#include "asyncl/sync.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

#include "asyncl/runtime.hpp"

#include "flavors.hpp"

namespace {

using asyncl::JoinHandle;
using asyncl::Runtime;
using asyncl::Task;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class SleepEdges : public asyncl::testing::FlavorTest {};
ASYNCL_TEST_BOTH_FLAVORS(Sync, SleepEdges);

// Before the fix: await_ready() was true, await_suspend never ran, and await_resume()
// dereferenced the null runtime pointer (SEGV).
TEST_P(SleepEdges, ZeroAndNegativeDurationsCompleteAtOnce) {
  Runtime rt = make();
  EXPECT_EQ(rt.block_on([]() -> Task<int> {
    co_await asyncl::sleep_for(0ms);
    co_await asyncl::sleep_for(-5s);
    co_await asyncl::sleep_for(std::chrono::nanoseconds(-1));
    co_await asyncl::sleep_for(std::chrono::hours::min());
    co_await asyncl::sleep_for(std::chrono::duration<double>(-0.5));
    co_await asyncl::sleep_until(Clock::now() - 1s);
    co_await asyncl::sleep_until(Clock::time_point::min());
    co_return 7;
  }()),
            7);
}

TEST_P(SleepEdges, OneNanosecondSleepsAndReturns) {
  Runtime rt = make();
  const auto start = Clock::now();
  rt.block_on([]() -> Task<void> {
    co_await asyncl::sleep_for(1ns);
    co_await asyncl::sleep_until(Clock::now() + 1ns);
  }());
  EXPECT_GE(Clock::now() - start, 2ns);
}

// Before the fix: now() + nanoseconds::max() overflowed to a deadline in the past, so the task
// finished after about 2 ms; seconds::max() and 300 years overflowed the cast to a negative
// duration and crashed like a zero sleep.
TEST_P(SleepEdges, HugeDurationsSleepUntilAborted) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    std::vector<JoinHandle<void>> sleepers;
    sleepers.push_back(asyncl::spawn(
        []() -> Task<void> { co_await asyncl::sleep_for(std::chrono::nanoseconds::max()); }()));
    sleepers.push_back(asyncl::spawn(
        []() -> Task<void> { co_await asyncl::sleep_for(std::chrono::seconds::max()); }()));
    sleepers.push_back(asyncl::spawn(
        []() -> Task<void> { co_await asyncl::sleep_for(std::chrono::hours(24 * 365 * 300)); }()));
    sleepers.push_back(asyncl::spawn([]() -> Task<void> {
      co_await asyncl::sleep_for(std::chrono::duration<double>(INFINITY));
    }()));
    sleepers.push_back(asyncl::spawn(
        []() -> Task<void> { co_await asyncl::sleep_until(Clock::time_point::max()); }()));
    // A real 20 ms sleep of the runtime: each sleeper must still be asleep after it.
    co_await asyncl::sleep_for(20ms);
    for (auto& s : sleepers) EXPECT_FALSE(s.is_finished());
    for (auto& s : sleepers) {
      s.abort();
      EXPECT_THROW(co_await std::move(s), asyncl::TaskCancelled);
    }
  }());
}

TEST(SleepDeadline, SaturatesInsteadOfOverflowing) {
  EXPECT_EQ(asyncl::sleep_for(std::chrono::nanoseconds::max()).deadline(),
            Clock::time_point::max());
  EXPECT_EQ(asyncl::sleep_for(std::chrono::seconds::max()).deadline(), Clock::time_point::max());
  EXPECT_EQ(asyncl::sleep_for(std::chrono::duration<double>(INFINITY)).deadline(),
            Clock::time_point::max());
  EXPECT_EQ(asyncl::sleep_for(std::chrono::hours::max()).deadline(), Clock::time_point::max());
  // The most negative durations are in the past, without overflowing; NaN is no time at all.
  for (const auto deadline :
       {asyncl::sleep_for(std::chrono::hours::min()).deadline(),
        asyncl::sleep_for(std::chrono::duration<double>(-INFINITY)).deadline(),
        asyncl::sleep_for(std::chrono::duration<double>(NAN)).deadline()}) {
    EXPECT_LE(deadline, Clock::now());
  }
  const auto before = Clock::now();
  const auto deadline = asyncl::sleep_for(1s).deadline();
  EXPECT_GE(deadline, before + 1s);
  EXPECT_LE(deadline, Clock::now() + 1s);
}

TEST(SleepDeadline, SleepUntilKeepsItsTimePoint) {
  const auto t = Clock::now() + 5s;
  EXPECT_EQ(asyncl::sleep_until(t).deadline(), t);
  // Another clock's time point is converted through the time left until it.
  EXPECT_GT(asyncl::sleep_until(std::chrono::system_clock::time_point::max()).deadline(),
            Clock::now() + std::chrono::hours(24 * 365 * 200));
  const auto past = asyncl::sleep_until(std::chrono::system_clock::time_point::min()).deadline();
  EXPECT_LE(past, Clock::now());
}

// Found by the workload scenario (timeout_at.steady_hours_max, sleep_until.steady_*): a
// steady_clock time point in hours or seconds beyond what nanoseconds represent must saturate like
// sleep_for's huge durations. sleep_until compared it with steady_clock::duration::max() in
// nanoseconds: a signed overflow (UBSan), and in a release build a deadline in the past, so the
// sleep ended at once.
TEST(SleepDeadline, SleepUntilSaturatesASteadyTimePointOfACoarserDuration) {
  using std::chrono::hours;
  using std::chrono::seconds;
  using std::chrono::time_point;
  EXPECT_EQ(asyncl::sleep_until(time_point<Clock, hours>::max()).deadline(),
            Clock::time_point::max());
  EXPECT_EQ(asyncl::sleep_until(time_point<Clock, seconds>(seconds(1LL << 40))).deadline(),
            Clock::time_point::max());
  EXPECT_LE(asyncl::sleep_until(time_point<Clock, hours>::min()).deadline(), Clock::now());
}

// The same comparison with a finer duration: duration::max() in picoseconds overflows for every
// time point; in a release build 1 ns after the epoch, long past, became time_point::max(), so
// the sleep never ended (workload: sleep_until.steady_picoseconds_past).
TEST(SleepDeadline, SleepUntilConvertsASteadyTimePointOfAFinerDuration) {
  using Picoseconds = std::chrono::duration<long long, std::pico>;
  const auto t = std::chrono::time_point<Clock, Picoseconds>(Picoseconds(1000));
  EXPECT_EQ(asyncl::sleep_until(t).deadline(), Clock::time_point(1ns));
}

}  // namespace

namespace {

// Found by the workload scenario (notify.destroyed_after_notify): after notify_one() woke the
// only waiter, no task waits, so the Notify may be destroyed; the woken task's awaiter then
// locked the destroyed Notify's mutex (TSan: heap-use-after-free; ASan: a hang). On a
// current-thread runtime the order is fixed.
TEST(Notify, MayBeDestroyedRightAfterNotifyOneWokeItsOnlyWaiter) {
  Runtime rt = Runtime::Builder().current_thread().build();
  EXPECT_EQ(rt.block_on([]() -> Task<int> {
    auto notify = std::make_unique<asyncl::Notify>();
    JoinHandle<int> waiter = asyncl::spawn([](asyncl::Notify& n) -> Task<int> {
      co_await n.wait();
      co_return 1;
    }(*notify));
    co_await asyncl::yield_now();  // the waiter runs and waits
    notify->notify_one();
    notify.reset();  // nobody waits any more: allowed
    co_return co_await std::move(waiter);
  }()),
            1);
}

TEST(Notify, MayBeDestroyedRightAfterNotifyAllWokeItsWaiters) {
  Runtime rt = Runtime::Builder().current_thread().build();
  EXPECT_EQ(rt.block_on([]() -> Task<int> {
    auto notify = std::make_unique<asyncl::Notify>();
    std::vector<JoinHandle<int>> waiters;
    for (int i = 0; i < 3; ++i) {
      waiters.push_back(asyncl::spawn([](asyncl::Notify& n) -> Task<int> {
        co_await n.wait();
        co_return 1;
      }(*notify)));
    }
    co_await asyncl::yield_now();  // the three wait
    notify->notify_all();
    notify.reset();
    int sum = 0;
    for (auto& w : waiters) sum += co_await std::move(w);
    co_return sum;
  }()),
            3);
}

// Found by TSan in JoinSetFlavors.DestroyingTheSetAbortsEveryMember (multi-thread): notify_one
// woke the waiter while holding the Notify's mutex and unlocked it afterwards; the woken task,
// on another worker, could destroy the Notify first, so the unlock touched freed memory (TSan:
// data race between pthread_mutex_unlock and operator delete). Here the woken task destroys the
// Notify at once while the notifier, a thread outside the runtime, may still be in notify_one.
TEST(Notify, MayBeDestroyedByTheWokenTaskWhileTheNotifierReturns) {
  Runtime rt = Runtime::Builder().worker_threads(2).build();
  for (int round = 0; round < 500; ++round) {
    auto* notify = new asyncl::Notify();
    std::atomic<bool> waiting{false};
    JoinHandle<void> waiter =
        rt.spawn([](asyncl::Notify* n, std::atomic<bool>& waiting) -> Task<void> {
          std::unique_ptr<asyncl::Notify> owned(n);
          waiting = true;
          co_await owned->wait();
        }(notify, waiting));
    while (!waiting.load()) std::this_thread::yield();
    for (int i = 0; i < round % 8; ++i) std::this_thread::yield();  // waits in most rounds
    notify->notify_one();  // after this the waiter may run and delete the Notify at any time
    waiter.wait();
  }
}

// A waiter aborted while a notification races it, many times over: the notification goes to a
// live waiter or the abort wins, and the frame is never touched after it is destroyed.
TEST(Notify, AbortRacingNotifyOne) {
  Runtime rt = Runtime::Builder().worker_threads(2).build();
  for (int round = 0; round < 200; ++round) {
    rt.block_on([]() -> Task<void> {
      asyncl::Notify notify;
      JoinHandle<void> waiter =
          asyncl::spawn([](asyncl::Notify& n) -> Task<void> { co_await n.wait(); }(notify));
      co_await asyncl::yield_now();
      waiter.abort();
      notify.notify_one();
      try {
        co_await std::move(waiter);
      } catch (const asyncl::TaskCancelled&) {
      }
    }());
  }
}

}  // namespace
