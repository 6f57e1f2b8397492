#pragma once
// scenarios/support/threads.hpp — who is running, asked in a way no compiler can cache across
// co_await, and a seeded random source.
//
//   os_thread_id()   the kernel's id of the calling thread (gettid), from a function that is
//                    never inlined and is a system call: a coroutine body that calls it after a
//                    resume on another thread gets the new thread's id. (A coroutine body must
//                    not read std::this_thread::get_id() or a thread_local itself: clang 14
//                    reuses the value after the resume, docs/hazards.md.)
//   SeededRandom     splitmix64: the same seed gives the same run plan on every machine

#include <cstdint>

namespace asyncl::scenarios {

[[gnu::noinline]] long os_thread_id() noexcept;

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed) noexcept : state_(seed) {}
  SeededRandom(std::uint64_t seed, std::uint64_t stream) noexcept
      : state_(seed ^ (stream * 0x9e3779b97f4a7c15ULL)) {
    (void)next();
  }

  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [low, high].
  int between(int low, int high) noexcept {
    return low + static_cast<int>(next() % static_cast<std::uint64_t>(high - low + 1));
  }
  bool coin() noexcept { return (next() & 1) != 0; }

 private:
  std::uint64_t state_;
};

}  // namespace asyncl::scenarios
