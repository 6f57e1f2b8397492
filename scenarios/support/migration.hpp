#pragma once
// scenarios/support/migration.hpp — make the calling task resume on another worker.
//
// move_to_another_worker() spawns a blocker and yields. A blocker that lands on the task's
// current worker holds that worker (spinning) until the task has resumed elsewhere: another
// worker, woken by the push, steals the task. A blocker that lands elsewhere returns at once
// and the task tries again. The result says whether the task provably moved: this_worker's
// index before and after differ. (The same idea as the library's unit tests use; the scenario
// binary keeps its own copy.)
//
// Needs a multi-thread runtime with at least two workers, and at most one task migrating this
// way at a time (two blockers could hold both workers of a two-worker runtime).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <thread>

#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"

namespace asyncl::scenarios {

/// After this long a blocker stops holding its worker and the move counts as failed.
inline constexpr std::chrono::seconds kMigrationGiveUp{20};

inline Task<void> hold_worker(std::size_t worker, std::shared_ptr<std::atomic<bool>> moved) {
  if (this_worker::index() != worker) co_return;
  const auto deadline = std::chrono::steady_clock::now() + kMigrationGiveUp;
  // acquire: pairs with the release below; nothing else is read after it.
  while (!moved->load(std::memory_order_acquire) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
}

/// True when the task resumed on a worker other than the one it called this on.
inline Task<bool> move_to_another_worker() {
  const std::optional<std::size_t> before = this_worker::index();
  if (!before) co_return false;
  auto moved = std::make_shared<std::atomic<bool>>(false);
  const auto deadline = std::chrono::steady_clock::now() + kMigrationGiveUp;
  while (this_worker::index() == before && std::chrono::steady_clock::now() < deadline) {
    (void)spawn(hold_worker(*before, moved));
    co_await yield_now();
  }
  // release: lets the blocker go; it reads nothing of ours.
  moved->store(true, std::memory_order_release);
  const std::optional<std::size_t> after = this_worker::index();
  co_return after.has_value() && after != before;
}

}  // namespace asyncl::scenarios
