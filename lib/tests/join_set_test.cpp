// Tests of asyncl/join_set.hpp: members are joined in the order they finish, every outcome
// comes through, abort_all and destruction abort members in every state, and a waiting
// join_next sleeps instead of polling. Both runtime flavors.

#include "asyncl/join_set.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task_local.hpp"

#include "flavors.hpp"

namespace {

using asyncl::JoinHandle;
using asyncl::JoinSet;
using asyncl::Runtime;
using asyncl::Task;
using namespace std::chrono_literals;

class JoinSetFlavors : public asyncl::testing::FlavorTest {};
ASYNCL_TEST_BOTH_FLAVORS(JoinSet, JoinSetFlavors);

Task<int> wait_then_return(asyncl::Notify& go, int v) {
  co_await go.wait();
  co_return v;
}

/// Counts its destruction and, at `expected`, wakes whoever waits on `all_gone`.
struct DestructionCounter {
  std::atomic<int> count{0};
  int expected = 0;
  asyncl::Notify all_gone;
};
struct CountsDestruction {
  DestructionCounter* counter;
  explicit CountsDestruction(DestructionCounter* c) : counter(c) {}
  CountsDestruction(CountsDestruction&& other) noexcept
      : counter(std::exchange(other.counter, nullptr)) {}
  ~CountsDestruction() {
    if (counter == nullptr) return;
    // Read before the count is published: once the last one is counted the waiting task may
    // destroy the counter (TSan saw this destructor read `expected` after the count, racing
    // with the counter's frame being freed).
    const int expected = counter->expected;
    if (counter->count.fetch_add(1) + 1 == expected) counter->all_gone.notify_one();
  }
};

Task<int> wait_forever(CountsDestruction, asyncl::Notify& never) {
  co_await never.wait();
  co_return -1;
}

// Only member k can finish when go[k] is notified: join_next must return members in the order
// they finish, which is here the reverse of the order they were spawned.
TEST_P(JoinSetFlavors, JoinsMembersInTheOrderTheyFinish) {
  Runtime rt = make();
  const std::vector<int> order = rt.block_on([]() -> Task<std::vector<int>> {
    constexpr int kMembers = 8;
    std::vector<std::unique_ptr<asyncl::Notify>> go;
    for (int i = 0; i < kMembers; ++i) go.push_back(std::make_unique<asyncl::Notify>());
    JoinSet<int> set;
    for (int i = 0; i < kMembers; ++i) set.spawn(wait_then_return(*go[i], i));
    EXPECT_EQ(set.size(), static_cast<std::size_t>(kMembers));
    std::vector<int> order;
    for (int i = kMembers - 1; i >= 0; --i) {
      go[i]->notify_one();
      std::optional<JoinHandle<int>> done = co_await set.join_next();
      EXPECT_TRUE(done.has_value());
      if (!done) break;
      EXPECT_TRUE(done->is_finished());
      order.push_back(co_await *done);
      EXPECT_EQ(set.size(), static_cast<std::size_t>(i));
    }
    EXPECT_FALSE((co_await set.join_next()).has_value());
    co_return order;
  }());
  EXPECT_EQ(order, (std::vector<int>{7, 6, 5, 4, 3, 2, 1, 0}));
}

TEST_P(JoinSetFlavors, AnEmptySetReturnsNulloptAtOnce) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    JoinSet<int> set;
    EXPECT_TRUE(set.empty());
    EXPECT_EQ(set.size(), 0u);
    EXPECT_FALSE((co_await set.join_next()).has_value());
    set.spawn([]() -> Task<int> { co_return 1; }());
    EXPECT_FALSE(set.empty());
    std::optional<JoinHandle<int>> one = co_await set.join_next();
    EXPECT_EQ(one->wait(), 1);  // finished: wait() returns at once, also inside a task
    EXPECT_FALSE((co_await set.join_next()).has_value());
    EXPECT_FALSE((co_await set.join_next()).has_value());
  }());
}

TEST_P(JoinSetFlavors, EveryOutcomeComesThroughItsHandle) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    static const asyncl::TaskLocal<int> tag;
    JoinSet<int> set;
    set.spawn([]() -> Task<int> {
      co_await asyncl::yield_now();
      throw std::out_of_range("member failed");
    }());
    set.spawn([]() -> Task<int> {
      co_await asyncl::yield_now();
      co_return 10;
    }());
    set.spawn_blocking([] { return 20; });
    set.spawn_blocking([]() -> int { throw std::invalid_argument("closure failed"); });
    co_await tag.scope(30, [](JoinSet<int>& set) -> Task<void> {
      set.spawn([]() -> Task<int> { co_return tag.try_get().value_or(-1); }(),
                asyncl::inherit_task_locals);
      set.spawn([]() -> Task<int> { co_return tag.try_get().value_or(-1); }());
      co_return;
    }(set));
    int sum = 0;
    int failures = 0;
    while (std::optional<JoinHandle<int>> done = co_await set.join_next()) {
      try {
        sum += co_await *done;
      } catch (const std::out_of_range& e) {
        failures += std::string(e.what()) == "member failed";
      } catch (const std::invalid_argument& e) {
        failures += std::string(e.what()) == "closure failed";
      }
    }
    EXPECT_EQ(sum, 10 + 20 + 30 - 1);
    EXPECT_EQ(failures, 2);
  }());
}

TEST_P(JoinSetFlavors, VoidMembers) {
  Runtime rt = make();
  const int ran = rt.block_on([]() -> Task<int> {
    std::atomic<int> ran{0};
    JoinSet<void> set;
    for (int i = 0; i < 5; ++i) {
      set.spawn([](std::atomic<int>& ran) -> Task<void> {
        co_await asyncl::yield_now();
        ran.fetch_add(1);
      }(ran));
    }
    set.spawn_blocking([&ran] { ran.fetch_add(1); });
    int joined = 0;
    while (std::optional<JoinHandle<void>> done = co_await set.join_next()) {
      co_await *done;
      ++joined;
    }
    EXPECT_EQ(joined, 6);
    co_return ran.load();
  }());
  EXPECT_EQ(ran, 6);
}

// A thousand, not more: join_next is a Task, and a loop over members that are already finished
// awaits Tasks that finish at once, which uses stack per iteration in the sanitizer builds (no
// sibling-call optimisation there; README, "Tests").
TEST_P(JoinSetFlavors, AThousandMembers) {
  Runtime rt = make();
  const long long sum = rt.block_on([]() -> Task<long long> {
    constexpr int kMembers = 1'000;
    JoinSet<int> set;
    for (int i = 0; i < kMembers; ++i) {
      set.spawn([](int v) -> Task<int> {
        if (v % 3 == 0) co_await asyncl::yield_now();
        co_return v;
      }(i));
    }
    long long s = 0;
    int joined = 0;
    while (std::optional<JoinHandle<int>> done = co_await set.join_next()) {
      s += co_await *done;
      ++joined;
    }
    EXPECT_EQ(joined, kMembers);
    co_return s;
  }());
  EXPECT_EQ(sum, 1'000LL * 999 / 2);
}

// Members in every state when abort_all() runs: finished but not joined, suspended, not
// started yet. Each unfinished one is destroyed (its parameter too) and reports TaskCancelled.
TEST_P(JoinSetFlavors, AbortAllCancelsEveryUnfinishedMember) {
  const bool current_thread = GetParam() == Runtime::Flavor::current_thread;
  Runtime rt = make();
  rt.block_on([](bool current_thread) -> Task<void> {
    static asyncl::Notify never;
    DestructionCounter counter;
    counter.expected = 6;
    JoinSet<int> set;
    set.spawn([]() -> Task<int> { co_return 8; }());
    for (int i = 0; i < 3; ++i) set.spawn(wait_forever(CountsDestruction(&counter), never));
    // Current-thread: the first member finishes and the three wait on `never` (on a
    // multi-thread runtime they may or may not have got that far).
    co_await asyncl::yield_now();
    for (int i = 0; i < 3; ++i) set.spawn(wait_forever(CountsDestruction(&counter), never));
    EXPECT_EQ(set.size(), 7u);
    set.abort_all();
    EXPECT_EQ(set.size(), 7u);  // aborted members stay until joined
    int cancelled = 0;
    int values = 0;
    while (std::optional<JoinHandle<int>> done = co_await set.join_next()) {
      try {
        values += co_await *done;
      } catch (const asyncl::TaskCancelled& e) {
        EXPECT_NE(std::string(e.what()).find("aborted"), std::string::npos) << e.what();
        ++cancelled;
      }
    }
    if (current_thread || values == 8) {
      EXPECT_EQ(values, 8);
      EXPECT_EQ(cancelled, 6);
    } else {
      EXPECT_EQ(cancelled, 7);  // multi-thread: aborted before it ran
    }
    EXPECT_EQ(counter.count.load(), 6);  // joined means destroyed: nothing of them is left
  }(current_thread));
}

// Destroying the set aborts its members in every state and detaches them; the runtime destroys
// each frame (the test waits for that through the counter, not with a sleep).
TEST_P(JoinSetFlavors, DestroyingTheSetAbortsEveryMember) {
  Runtime rt = make();
  std::atomic<int> finished_ran{0};
  rt.block_on([](std::atomic<int>& finished_ran) -> Task<void> {
    static asyncl::Notify never;
    DestructionCounter counter;
    counter.expected = 5;
    {
      JoinSet<int> set;
      set.spawn([](std::atomic<int>& ran) -> Task<int> {
        ran.fetch_add(1);
        co_return 1;
      }(finished_ran));
      for (int i = 0; i < 2; ++i) set.spawn(wait_forever(CountsDestruction(&counter), never));
      co_await asyncl::yield_now();
      set.spawn([](CountsDestruction) -> Task<int> {
        for (;;) co_await asyncl::yield_now();  // always runnable: destroyed at a suspension
      }(CountsDestruction(&counter)));
      co_await asyncl::yield_now();
      for (int i = 0; i < 2; ++i) set.spawn(wait_forever(CountsDestruction(&counter), never));
    }
    co_await counter.all_gone.wait();
    EXPECT_EQ(counter.count.load(), 5);
  }(finished_ran));
}

// The task waiting in join_next is aborted: it unregisters from the set's Notify, and the set,
// destroyed with its frame, aborts the member.
TEST_P(JoinSetFlavors, AbortingTheTaskWaitingInJoinNext) {
  Runtime rt = make();
  rt.block_on([]() -> Task<void> {
    static asyncl::Notify never;
    DestructionCounter counter;
    counter.expected = 1;
    std::atomic<bool> waiting{false};
    JoinHandle<void> owner =
        asyncl::spawn([](DestructionCounter& counter, std::atomic<bool>& waiting) -> Task<void> {
          JoinSet<int> set;
          set.spawn(wait_forever(CountsDestruction(&counter), never));
          waiting = true;
          (void)co_await set.join_next();
          ADD_FAILURE() << "join_next returned though no member finished";
        }(counter, waiting));
    while (!waiting.load()) co_await asyncl::yield_now();
    owner.abort();
    EXPECT_THROW(co_await owner, asyncl::TaskCancelled);
    co_await counter.all_gone.wait();
    EXPECT_EQ(counter.count.load(), 1);
  }());
}

TEST(JoinSetOutside, SpawnOutsideARuntimeIsALogicError) {
  JoinSet<int> set;
  EXPECT_THROW(set.spawn([]() -> Task<int> { co_return 1; }()), std::logic_error);
  EXPECT_THROW(set.spawn_blocking([] { return 1; }), std::logic_error);
  EXPECT_TRUE(set.empty());
}

// Spawned while the runtime shuts down (from a destructor that shutdown runs): the spawn is
// rejected, so the member's frame is gone before spawn returns; the set keeps the finished
// member and destroying it neither crashes nor leaks (ASan).
TEST_P(JoinSetFlavors, MemberSpawnedDuringShutdownIsRejected) {
  static asyncl::Notify never;
  std::atomic<int> rejected{0};
  {
    Runtime rt = make();
    struct SpawnsOnDestruction {
      std::atomic<int>* rejected;
      ~SpawnsOnDestruction() {
        DestructionCounter counter;
        JoinSet<int> set;
        set.spawn(wait_forever(CountsDestruction(&counter), never));
        if (set.size() == 1 && counter.count.load() == 1) rejected->fetch_add(1);
      }
    };
    rt.block_on([](std::atomic<int>* rejected) -> Task<void> {
      (void)asyncl::spawn([](std::atomic<int>* rejected) -> Task<void> {
        SpawnsOnDestruction s{rejected};
        co_await never.wait();
      }(rejected));
      co_await asyncl::yield_now();
    }(&rejected));
  }
  EXPECT_EQ(rejected.load(), 1);
}

// A join_next waiting for a member that takes 300 ms must sleep: a polling join_next would burn
// about a core for the whole time. The window is measured, it synchronizes nothing.
TEST_P(JoinSetFlavors, AWaitingJoinNextDoesNotPoll) {
  Runtime rt = make();
  const auto cpu = asyncl::testing::process_cpu_time;
  const auto cpu_before = cpu();
  const auto wall_before = std::chrono::steady_clock::now();
  const int v = rt.block_on([]() -> Task<int> {
    JoinSet<int> set;
    set.spawn([]() -> Task<int> {
      co_await asyncl::sleep_for(300ms);
      co_return 3;
    }());
    std::optional<JoinHandle<int>> done = co_await set.join_next();
    co_return co_await *done;
  }());
  const auto cpu_used = cpu() - cpu_before;
  const auto wall = std::chrono::steady_clock::now() - wall_before;
  EXPECT_EQ(v, 3);
  EXPECT_GE(wall, 300ms);
  EXPECT_LT(cpu_used * 5, wall)
      << "join_next used "
      << std::chrono::duration_cast<std::chrono::milliseconds>(cpu_used).count()
      << " ms of CPU while waiting 300 ms";
}

}  // namespace
