// Tests of asyncl/join_handle.hpp: the outcome is read once, by one awaiter, and misuse is a
// clear error instead of a hang or a crash.

#include "asyncl/join_handle.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"

#include "flavors.hpp"

namespace {

using asyncl::JoinHandle;
using asyncl::Runtime;
using asyncl::Task;

template <class F>
void expect_logic_error(F&& f, const char* fragment) {
  try {
    f();
    ADD_FAILURE() << "no std::logic_error (expected one mentioning '" << fragment << "')";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

Task<int> value(int v) { co_return v; }

// Before the fix: the second take() moved from an already moved-from value and returned it.
TEST(JoinHandle, TheOutcomeIsTakenOnce) {
  Runtime rt = Runtime::Builder().worker_threads(1).build();
  JoinHandle<std::string> h =
      rt.spawn([]() -> Task<std::string> { co_return std::string(100, 'x'); }());
  EXPECT_EQ(h.wait(), std::string(100, 'x'));
  EXPECT_TRUE(h.is_finished());
  expect_logic_error([&] { (void)h.wait(); }, "already taken");
}

// Before the fix: every member dereferenced the null state (SEGV).
TEST(JoinHandle, AMovedFromHandleIsALogicError) {
  Runtime rt = Runtime::Builder().worker_threads(1).build();
  JoinHandle<int> h = rt.spawn(value(3));
  JoinHandle<int> other = std::move(h);
  expect_logic_error([&] { (void)h.is_finished(); }, "moved from");
  expect_logic_error([&] { h.abort(); }, "moved from");
  expect_logic_error([&] { (void)h.wait(); }, "moved from");
  EXPECT_EQ(other.wait(), 3);
}

// Before the fix: the second awaiter overwrote the first one's slot, so the first never woke.
// On a current-thread runtime the order is fixed: yield_now runs every queued task first.
TEST(JoinHandle, ASecondConcurrentAwaiterIsALogicError) {
  Runtime rt = Runtime::Builder().current_thread().build();
  rt.block_on([]() -> Task<void> {
    static asyncl::Notify release;
    JoinHandle<int> h = asyncl::spawn([]() -> Task<int> {
      co_await release.wait();
      co_return 5;
    }());
    JoinHandle<int> first =
        asyncl::spawn([](JoinHandle<int>& h) -> Task<int> { co_return co_await h; }(h));
    co_await asyncl::yield_now();  // h waits on `release`, first waits on h
    JoinHandle<std::string> second = asyncl::spawn([](JoinHandle<int>& h) -> Task<std::string> {
      try {
        (void)co_await h;
        co_return "not refused";
      } catch (const std::logic_error& e) {
        co_return e.what();
      }
    }(h));
    const std::string refusal = co_await std::move(second);
    EXPECT_NE(refusal.find("two tasks at once"), std::string::npos) << refusal;
    release.notify_one();
    EXPECT_EQ(co_await std::move(first), 5);
  }());
}

// A spawned task's JoinState shares one allocation with its root frame, which holds the task's
// result too: an over-aligned result keeps its alignment in both (UBSan checks every access in
// the sanitizer builds), and the outcome outlives the frame and the runtime.
// Every Wide counts the constructions that landed on a misaligned address. The producing task's
// frame (its promise holds the result), the root frame's local and the JoinState are the
// runtime's storage; the handles are waited from a plain thread, so no other coroutine frame
// holds a Wide (g++ 12 aligns no coroutine frame beyond operator new). Without UBSan too, this
// fails if any of the three were aligned only as operator new aligns: before the fix the task's
// frame was (79 of 100 tasks here), and a block aligned to 16 would be (278).
std::atomic<int> g_misaligned_wides{0};

struct alignas(64) Wide {
  int value;
  explicit Wide(int v) : value(v) { check(); }
  Wide(const Wide& other) : value(other.value) { check(); }
  Wide(Wide&& other) noexcept : value(other.value) { check(); }
  Wide& operator=(const Wide&) = default;
  void check() const {
    if (reinterpret_cast<std::uintptr_t>(this) % alignof(Wide) != 0) g_misaligned_wides++;
  }
};

Task<Wide> make_wide(int i) { co_return Wide(i); }

TEST(JoinHandle, OverAlignedResultsKeepTheirAlignment) {
  g_misaligned_wides = 0;
  Runtime rt = Runtime::Builder().worker_threads(2).build();
  std::vector<JoinHandle<Wide>> handles;
  for (int i = 0; i < 100; ++i) handles.push_back(rt.spawn(make_wide(i)));
  int sum = 0;
  for (auto& handle : handles) sum += handle.wait().value;
  EXPECT_EQ(sum, 4950);
  EXPECT_EQ(g_misaligned_wides.load(), 0);
}

TEST(JoinHandle, TheOutcomeOutlivesTheTasksFrameAndTheRuntime) {
  std::optional<JoinHandle<std::string>> handle;
  {
    Runtime rt = Runtime::Builder().current_thread().build();
    handle.emplace(rt.spawn([]() -> Task<std::string> { co_return std::string(200, 'y'); }()));
    // block_on runs the queued task to completion (its frame is destroyed) before its own.
    rt.block_on([]() -> Task<void> { co_await asyncl::yield_now(); }());
    EXPECT_TRUE(handle->is_finished());
  }
  EXPECT_EQ(handle->wait(), std::string(200, 'y'));
}

class WaitInsideARuntime : public ::testing::TestWithParam<Runtime::Flavor> {};
ASYNCL_TEST_BOTH_FLAVORS(JoinHandle, WaitInsideARuntime);

// Before the fix: on a current-thread runtime the owner blocked in wait() while the task it
// waited for sat in its own queue: a hang.
TEST_P(WaitInsideARuntime, BlockingWaitInsideATaskIsALogicError) {
  Runtime rt = GetParam() == Runtime::Flavor::multi_thread
                   ? Runtime::Builder().worker_threads(1).build()
                   : Runtime::Builder().current_thread().build();
  rt.block_on([]() -> Task<void> {
    JoinHandle<int> pending = asyncl::spawn(value(1));
    expect_logic_error([&] { (void)pending.wait(); }, "inside a task");
    EXPECT_EQ(co_await pending, 1);
    // A finished handle does not block: wait() just returns the outcome.
    JoinHandle<int> done = asyncl::spawn(value(2));
    while (!done.is_finished()) co_await asyncl::yield_now();
    EXPECT_EQ(done.wait(), 2);
  }());
}

}  // namespace
