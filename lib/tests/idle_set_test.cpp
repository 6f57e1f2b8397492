// Unit tests of asyncl/detail/idle_set.hpp, single-threaded: the interleavings that matter are
// played in order by running the pusher's side inside the worker's has_work() callback, which
// IdleSet::park calls after the worker announced itself and before it sleeps.

#include <gtest/gtest.h>

#include "asyncl/detail/idle_set.hpp"

namespace asyncl::detail {
namespace {

TEST(IdleSet, WorkFoundAfterAnnouncingMeansNoSleep) {
  IdleSet idle(1);
  int looks = 0;
  idle.park([&] {
    ++looks;
    return true;
  });
  EXPECT_EQ(looks, 1);
}

TEST(IdleSet, APushBetweenAnnounceAndSleepIsNotLost) {
  // The lost-wakeup interleaving: the worker announced, looked and found nothing; the pusher
  // publishes and notifies before the worker waits. The permit must let the worker through.
  IdleSet idle(1);
  idle.park([&] {
    idle.notify_one();
    return false;
  });
  SUCCEED();
}

TEST(IdleSet, NotifyWithoutSleepersGrantsNothing) {
  // A notify with nobody announced leaves no permit behind: the next park sleeps until closed.
  IdleSet idle(4);
  idle.notify_one();
  idle.notify_one();
  idle.park([&] {
    idle.close();  // instead of a permit: ends the park for the test
    return false;
  });
  SUCCEED();
}

TEST(IdleSet, PermitsAreCountedUpToTheirMaximum) {
  IdleSet idle(2);
  // Three notifies while announced: two permits (the maximum); this park takes one.
  idle.park([&] {
    idle.notify_one();
    idle.notify_one();
    idle.notify_one();
    return false;
  });
  // The second permit lets the next park through without a notify.
  idle.park([] { return false; });
  SUCCEED();
}

TEST(IdleSet, CloseWakesEveryParkUntilReopened) {
  IdleSet idle(1);
  idle.close();
  for (int i = 0; i < 3; ++i) idle.park([] { return false; });
  idle.reopen();
  idle.park([&] {
    idle.notify_one();
    return false;
  });
  SUCCEED();
}

}  // namespace
}  // namespace asyncl::detail
