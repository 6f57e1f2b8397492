// Unit tests of asyncl/detail/shutdown_barrier.hpp: the count it is built for is the number of
// arrivals it waits for.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "asyncl/detail/shutdown_barrier.hpp"

namespace asyncl::detail {
namespace {

TEST(ShutdownBarrier, ASingleThreadPassesAtOnce) {
  ShutdownBarrier barrier(1);
  barrier.arrive_and_wait();
  SUCCEED();
}

class ShutdownBarrierCount : public testing::TestWithParam<std::uint32_t> {};

// count - 1 threads arrive and must all still wait; the last arrival releases every one.
TEST_P(ShutdownBarrierCount, NoneLeavesBeforeTheLastArrives) {
  const std::uint32_t count = GetParam();
  ShutdownBarrier barrier(count);
  std::atomic<std::uint32_t> left{0};
  std::vector<std::thread> threads;
  for (std::uint32_t i = 0; i + 1 < count; ++i) {
    threads.emplace_back([&] {
      barrier.arrive_and_wait();
      left.fetch_add(1);
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(left.load(), 0u) << "a thread left the barrier before all " << count << " arrived";
  barrier.arrive_and_wait();
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(left.load(), count - 1);
}

INSTANTIATE_TEST_SUITE_P(Counts, ShutdownBarrierCount, testing::Values(2u, 3u, 8u));

#if defined(ASYNCL_CHECKED)
TEST(ShutdownBarrierDeathTest, CheckedBuildsCountArrivals) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(ShutdownBarrier barrier(0),
               "precondition failed: ShutdownBarrier: built for no thread");
  EXPECT_DEATH(
      {
        ShutdownBarrier barrier(1);
        barrier.arrive_and_wait();
        barrier.arrive_and_wait();
      },
      "precondition failed: ShutdownBarrier: more arrivals");
}
#endif

}  // namespace
}  // namespace asyncl::detail
