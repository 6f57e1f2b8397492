#pragma once
// Test support: make the calling task move to another worker of a multi-thread runtime.
//
// move_to_another_worker() spawns a blocker and yields. A blocker that runs on the task's
// current worker holds that worker until the task has resumed elsewhere: the other worker,
// woken by the push, steals the task. (A blocker that lands elsewhere returns at once and the
// task tries again.) If stealing were broken, the blockers give up after kGiveUp and the
// caller's assertions about this_worker::index() fail.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <thread>

#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"

namespace asyncl::testing {

inline constexpr std::chrono::seconds kGiveUp{10};

inline Task<void> hold_worker(std::size_t worker, std::shared_ptr<std::atomic<bool>> moved) {
  if (this_worker::index() != worker) co_return;
  const auto deadline = std::chrono::steady_clock::now() + kGiveUp;
  while (!moved->load(std::memory_order_acquire) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
}

/// Resumes on a worker other than the one it was called on (unless kGiveUp passes first).
inline Task<void> move_to_another_worker() {
  const std::size_t before = this_worker::index().value();
  auto moved = std::make_shared<std::atomic<bool>>(false);
  const auto deadline = std::chrono::steady_clock::now() + kGiveUp;
  while (this_worker::index() == before && std::chrono::steady_clock::now() < deadline) {
    (void)spawn(hold_worker(before, moved));
    co_await yield_now();
  }
  moved->store(true, std::memory_order_release);
}

}  // namespace asyncl::testing
