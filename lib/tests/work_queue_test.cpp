// Unit tests of asyncl/detail/work_queue.hpp: LocalQueue capacity, order, index wrap, overflow
// and the edges of stealing half; the LIFO slot and its cap (WorkerQueue); the Injector's order.
// Single-threaded, table-driven where there is a table, but for one concurrent test that every
// task is taken exactly once while two thieves steal (run under TSan in the tsan preset). The
// interleavings themselves are model-checked in scenarios/models/work_queue_model.cpp.

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include "asyncl/detail/work_queue.hpp"

namespace asyncl::detail {
namespace {

struct Task {
  int id = 0;
  Var<Task*> queue_next{nullptr};
};

constexpr std::size_t kCapacity = 4;
using Queue = LocalQueue<Task, kCapacity>;

std::vector<int> drain(Queue& queue) {
  std::vector<int> ids;
  while (Task* task = queue.pop()) ids.push_back(task->id);
  return ids;
}

// Pushes 3 * kCapacity tasks keeping three in the queue, so that its indices run past the
// capacity several times, then drains it: every task comes out once, oldest first.
void expect_fifo_keeping_three(Queue& queue) {
  std::array<Task, 3 * kCapacity> tasks{};
  for (std::size_t i = 0; i < tasks.size(); ++i) tasks[i].id = static_cast<int>(i);
  std::vector<int> popped;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    ASSERT_TRUE(queue.push(&tasks[i]));
    if (i >= 2) popped.push_back(queue.pop()->id);
  }
  for (const int id : drain(queue)) popped.push_back(id);
  std::vector<int> expected(tasks.size());
  for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<int>(i);
  EXPECT_EQ(popped, expected);
}

TEST(LocalQueue, PushFailsOnlyWhenFull) {
  std::array<Task, kCapacity + 1> tasks{};
  Queue queue;
  for (std::size_t i = 0; i < kCapacity; ++i) {
    EXPECT_TRUE(queue.push(&tasks[i])) << "push " << i;
    EXPECT_EQ(queue.size(), i + 1);
  }
  EXPECT_FALSE(queue.push(&tasks[kCapacity])) << "a full queue sends the task to the Injector";
  EXPECT_EQ(queue.size(), kCapacity);
  ASSERT_NE(queue.pop(), nullptr);
  EXPECT_TRUE(queue.push(&tasks[kCapacity])) << "one pop makes room for one push";
}

TEST(LocalQueue, PopIsOldestFirstAcrossTheRingsWrap) {
  Queue queue;
  EXPECT_EQ(queue.pop(), nullptr);
  expect_fifo_keeping_three(queue);
  EXPECT_EQ(queue.size(), 0u);
}

struct StealRow {
  std::size_t available;        // tasks in the victim
  bool returns_one;             // steal_into hands one task back to run at once
  std::vector<int> thief_gets;  // what lands in the thief's queue, in order
  std::vector<int> victim_keeps;
};

class LocalQueueSteal : public testing::TestWithParam<StealRow> {};

// The oldest task is returned to run at once; then half of what the victim held (rounded down)
// moves, oldest first; the newest stay with the victim.
TEST_P(LocalQueueSteal, TakesTheOldestHalf) {
  const StealRow& row = GetParam();
  std::array<Task, kCapacity> tasks{};
  Queue victim;
  Queue thief;
  for (std::size_t i = 0; i < row.available; ++i) {
    tasks[i].id = static_cast<int>(i);
    ASSERT_TRUE(victim.push(&tasks[i]));
  }
  Task* first = victim.steal_into(thief);
  if (row.returns_one) {
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->id, 0);
  } else {
    EXPECT_EQ(first, nullptr);
  }
  EXPECT_EQ(thief.size(), row.thief_gets.size());
  EXPECT_EQ(victim.size(), row.victim_keeps.size());
  EXPECT_EQ(drain(thief), row.thief_gets);
  EXPECT_EQ(drain(victim), row.victim_keeps);
}

INSTANTIATE_TEST_SUITE_P(Edges, LocalQueueSteal,
                         testing::Values(StealRow{0, false, {}, {}},        // empty victim
                                         StealRow{1, true, {}, {}},         // only the one to run
                                         StealRow{2, true, {1}, {}},        // the rest moves
                                         StealRow{3, true, {1}, {2}},       // half of three
                                         StealRow{4, true, {1, 2}, {3}}));  // full victim

TEST(LocalQueue, StolenTasksLeaveRoomInTheVictim) {
  std::array<Task, kCapacity + 2> tasks{};
  Queue victim;
  Queue thief;
  for (std::size_t i = 0; i < kCapacity; ++i) ASSERT_TRUE(victim.push(&tasks[i]));
  ASSERT_NE(victim.steal_into(thief), nullptr);
  EXPECT_TRUE(victim.push(&tasks[kCapacity]));
  EXPECT_TRUE(victim.push(&tasks[kCapacity + 1]));
}

// The indices are 32 bits and run freely: order and capacity hold across their wrap at 2^32.
TEST(LocalQueue, OrderAndCapacityHoldAcrossTheIndexWrap) {
  Queue queue(0xFFFFFFFFu - 2);
  expect_fifo_keeping_three(queue);

  std::array<Task, kCapacity + 1> tasks{};
  Queue full(0xFFFFFFFFu - 1);
  for (std::size_t i = 0; i < kCapacity; ++i) ASSERT_TRUE(full.push(&tasks[i]));
  EXPECT_EQ(full.size(), kCapacity);
  EXPECT_FALSE(full.push(&tasks[kCapacity]));
}

TEST(LocalQueue, StealAcrossTheIndexWrap) {
  std::array<Task, kCapacity> tasks{};
  Queue victim(0xFFFFFFFFu);
  Queue thief(0xFFFFFFFFu - 1);
  for (std::size_t i = 0; i < kCapacity; ++i) {
    tasks[i].id = static_cast<int>(i);
    ASSERT_TRUE(victim.push(&tasks[i]));
  }
  Task* first = victim.steal_into(thief);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->id, 0);
  EXPECT_EQ(drain(thief), (std::vector<int>{1, 2}));
  EXPECT_EQ(drain(victim), (std::vector<int>{3}));
}

// A full ring keeps its newer half; the older half and the task that did not fit go to the
// Injector in one batch, oldest first.
TEST(LocalQueue, OverflowMovesTheOlderHalfAndTheTaskToTheInjector) {
  std::array<Task, kCapacity + 2> tasks{};
  for (std::size_t i = 0; i < tasks.size(); ++i) tasks[i].id = static_cast<int>(i);
  Queue queue;
  Injector<Task> injector;
  for (std::size_t i = 0; i < kCapacity; ++i) queue.push_or_overflow(&tasks[i], injector);
  EXPECT_EQ(injector.size(), 0u) << "no overflow before the ring is full";
  queue.push_or_overflow(&tasks[kCapacity], injector);
  EXPECT_EQ(queue.size(), kCapacity / 2);
  EXPECT_EQ(injector.size(), kCapacity / 2 + 1);
  queue.push_or_overflow(&tasks[kCapacity + 1], injector);  // fits again
  EXPECT_EQ(drain(queue), (std::vector<int>{2, 3, 5}));
  std::vector<int> injected;
  while (Task* task = injector.pop()) injected.push_back(task->id);
  EXPECT_EQ(injected, (std::vector<int>{0, 1, 4}));
}

// The owner pops while two thieves steal: every task is taken exactly once. Under
// ThreadSanitizer (tsan preset) this also checks that each taker's read of the task is ordered
// after the owner's write.
TEST(LocalQueue, ConcurrentStealsTakeEachTaskOnce) {
  constexpr int kTasks = 20'000;
  constexpr int kThieves = 2;
  std::vector<Task> tasks(kTasks);
  for (int i = 0; i < kTasks; ++i) tasks[static_cast<std::size_t>(i)].id = i;
  std::vector<std::atomic<int>> taken(kTasks);
  std::atomic<int> total{0};
  Queue owner;
  std::array<Queue, kThieves> thieves;
  auto take = [&](Task* task) {
    EXPECT_EQ(taken[static_cast<std::size_t>(task->id)].fetch_add(1), 0) << task->id;
    total.fetch_add(1);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThieves; ++t) {
    threads.emplace_back([&, t] {
      Queue& own = thieves[static_cast<std::size_t>(t)];
      while (total.load() < kTasks) {
        if (Task* task = owner.steal_into(own)) take(task);
        while (Task* task = own.pop()) take(task);
        std::this_thread::yield();
      }
    });
  }
  for (int i = 0; i < kTasks; ++i) {
    Task* task = &tasks[static_cast<std::size_t>(i)];
    task->id = i;  // written before the push: read by whoever takes it
    while (!owner.push(task)) {
      if (Task* popped = owner.pop()) take(popped);
    }
    if (i % 3 == 0) {
      if (Task* popped = owner.pop()) take(popped);
    }
  }
  while (total.load() < kTasks) {
    if (Task* popped = owner.pop()) take(popped);
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kTasks; ++i) EXPECT_EQ(taken[static_cast<std::size_t>(i)].load(), 1) << i;
}

using Worker = WorkerQueue<Task, kCapacity>;

std::vector<int> drain(Worker& worker, Injector<Task>& injector) {
  std::vector<int> ids;
  while (Task* task = worker.pop(injector)) ids.push_back(task->id);
  return ids;
}

// A woken or spawned task runs next; the one it displaces goes behind those in the ring.
TEST(WorkerQueue, TheLastPushedRunsNextAndTheDisplacedGoesToTheRing) {
  std::array<Task, 3> tasks{};
  for (std::size_t i = 0; i < tasks.size(); ++i) tasks[i].id = static_cast<int>(i);
  Worker worker;
  Injector<Task> injector;
  EXPECT_FALSE(worker.has_work());
  EXPECT_FALSE(worker.push_next(&tasks[0], injector)) << "a lone task: nobody to wake";
  EXPECT_TRUE(worker.has_work()) << "a task in the LIFO slot is work";
  EXPECT_EQ(worker.ring().size(), 0u);
  EXPECT_TRUE(worker.push_next(&tasks[1], injector)) << "two tasks wait: worth a steal";
  EXPECT_TRUE(worker.push_next(&tasks[2], injector));
  EXPECT_EQ(worker.ring().size(), 2u);
  EXPECT_EQ(drain(worker, injector), (std::vector<int>{2, 0, 1}));
  EXPECT_FALSE(worker.has_work());
}

// A yielded task goes behind every task waiting, the LIFO slot's too.
TEST(WorkerQueue, AYieldGoesBehindTheWaitingTasks) {
  std::array<Task, 3> tasks{};
  for (std::size_t i = 0; i < tasks.size(); ++i) tasks[i].id = static_cast<int>(i);
  Worker worker;
  Injector<Task> injector;
  EXPECT_FALSE(worker.push_back(&tasks[0], injector)) << "a lone yield: nobody to wake";
  EXPECT_TRUE(worker.push_next(&tasks[1], injector))
      << "the slot's task runs next and one waits in the ring: worth waking a thief";
  EXPECT_TRUE(worker.push_back(&tasks[2], injector));
  EXPECT_TRUE(worker.lifo().empty()) << "the slot's task went to the ring first";
  EXPECT_EQ(drain(worker, injector), (std::vector<int>{0, 1, 2}));
}

// Two tasks that wake each other through the LIFO slot run at most kMaxLifoRuns times in a row;
// then the slot's task goes behind the ring, whose oldest task runs.
TEST(WorkerQueue, TheLifoCapLetsTheRingRun) {
  std::array<Task, 3> tasks{};
  for (std::size_t i = 0; i < tasks.size(); ++i) tasks[i].id = static_cast<int>(i);
  Worker worker;
  Injector<Task> injector;
  worker.push_back(&tasks[2], injector);  // waiting in the ring
  Task* ping = &tasks[0];
  Task* pong = &tasks[1];
  worker.push_next(ping, injector);
  std::vector<int> ran;
  for (int i = 0; i < 8; ++i) {
    Task* task = worker.pop(injector);
    ASSERT_NE(task, nullptr);
    ran.push_back(task->id);
    if (task->id == 2) break;
    worker.push_next(task == ping ? pong : ping, injector);  // wakes the other one
  }
  static_assert(Worker::kMaxLifoRuns == 3);
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 0, 2}))
      << "after kMaxLifoRuns LIFO runs in a row, the ring's oldest task runs";
  EXPECT_EQ(drain(worker, injector), std::vector<int>{1}) << "the capped task waits in the ring";
}

// A thief takes half of the ring; with an empty ring, the LIFO slot's task: a task in the
// slot of a worker that is busy (or about to park) is never stranded.
TEST(WorkerQueue, AThiefTakesTheRingFirstThenTheLifoSlot) {
  std::array<Task, 3> tasks{};
  for (std::size_t i = 0; i < tasks.size(); ++i) tasks[i].id = static_cast<int>(i);
  Worker victim;
  Worker thief;
  Injector<Task> injector;
  victim.push_next(&tasks[0], injector);
  victim.push_next(&tasks[1], injector);  // 0 moves to the ring
  Task* stolen = victim.steal_into(thief);
  ASSERT_NE(stolen, nullptr);
  EXPECT_EQ(stolen->id, 0);
  stolen = victim.steal_into(thief);
  ASSERT_NE(stolen, nullptr);
  EXPECT_EQ(stolen->id, 1) << "the LIFO slot is stolen once the ring is empty";
  EXPECT_FALSE(victim.has_work());
  EXPECT_EQ(victim.steal_into(thief), nullptr);
  EXPECT_EQ(drain(victim, injector), std::vector<int>{});
}

TEST(Injector, IsFirstInFirstOut) {
  std::array<Task, 3> tasks{};
  Injector<Task> injector;
  EXPECT_EQ(injector.pop(), nullptr);
  EXPECT_EQ(injector.size(), 0u);
  for (int i = 0; i < 3; ++i) {
    tasks[static_cast<std::size_t>(i)].id = i;
    injector.push(&tasks[static_cast<std::size_t>(i)]);
  }
  EXPECT_EQ(injector.size(), 3u);
  EXPECT_EQ(injector.pop()->id, 0);
  injector.push(&tasks[0]);  // a popped task may be pushed again
  EXPECT_EQ(injector.pop()->id, 1);
  EXPECT_EQ(injector.pop()->id, 2);
  EXPECT_EQ(injector.pop()->id, 0);
  EXPECT_EQ(injector.pop(), nullptr);
  EXPECT_EQ(injector.size(), 0u);
}

TEST(Injector, ABatchKeepsItsOrderBehindEarlierPushes) {
  std::array<Task, 4> tasks{};
  for (std::size_t i = 0; i < tasks.size(); ++i) tasks[i].id = static_cast<int>(i);
  Injector<Task> injector;
  injector.push(&tasks[0]);
  tasks[1].queue_next.store(&tasks[2]);
  tasks[2].queue_next.store(&tasks[3]);
  tasks[3].queue_next.store(nullptr);
  injector.push_batch(&tasks[1], &tasks[3], 3);
  EXPECT_EQ(injector.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(injector.pop()->id, i);
  EXPECT_EQ(injector.pop(), nullptr);
}

#if defined(ASYNCL_CHECKED)
using ThreeTasks = std::array<Task, 3>;  // EXPECT_DEATH's statement cannot hold a bare comma

TEST(LocalQueueDeathTest, CheckedBuildsRejectMisuse) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Queue queue;
        (void)queue.push(nullptr);
      },
      "precondition failed: LocalQueue::push");
  EXPECT_DEATH(
      {
        Task task;
        Queue queue;
        (void)queue.push(&task);
        (void)queue.steal_into(queue);
      },
      "precondition failed: LocalQueue::steal_into: a worker steals from itself");
  EXPECT_DEATH(
      {
        ThreeTasks tasks{};
        Queue victim;
        Queue thief;
        for (Task& task : tasks) (void)victim.push(&task);
        (void)thief.push(&tasks[0]);
        (void)victim.steal_into(thief);
      },
      "precondition failed: LocalQueue::steal_into: the thief's own queue is not empty");
}
#endif

}  // namespace
}  // namespace asyncl::detail
