// Unit tests of asyncl/detail/work_queue.hpp: LocalQueue capacity, order and the edges of
// stealing half, and the Injector's order; single-threaded, table-driven where there is a table.

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
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
  std::array<Task, 3 * kCapacity> tasks{};
  for (std::size_t i = 0; i < tasks.size(); ++i) tasks[i].id = static_cast<int>(i);
  Queue queue;
  EXPECT_EQ(queue.pop(), nullptr);
  // Keep three in the queue while the indices run past the capacity several times.
  std::vector<int> popped;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    ASSERT_TRUE(queue.push(&tasks[i]));
    if (i >= 2) popped.push_back(queue.pop()->id);
  }
  for (const int id : drain(queue)) popped.push_back(id);
  std::vector<int> expected(tasks.size());
  for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<int>(i);
  EXPECT_EQ(popped, expected);
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
