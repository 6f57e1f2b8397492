#include "asyncl/detail/perturbation.hpp"

#if defined(ASYNCL_VERIFICATION)
#include <atomic>
#include <chrono>
#include <thread>

namespace asyncl::detail {
namespace {
// Relaxed: written once by the scenario before it builds the runtime.
std::atomic<std::uint64_t> g_seed{0};
std::atomic<std::uint64_t> g_threads{0};

struct Stream {
  std::uint64_t state = 0;
  bool seeded = false;
};
thread_local Stream t_stream;

std::uint64_t next(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

void set_perturbation(std::uint64_t seed) noexcept {
  g_seed.store(seed, std::memory_order_relaxed);
}

void perturb(PerturbPoint point) noexcept {
  const std::uint64_t seed = g_seed.load(std::memory_order_relaxed);
  if (seed == 0) return;
  Stream& stream = t_stream;
  if (!stream.seeded) {
    stream.state =
        seed ^ ((g_threads.fetch_add(1, std::memory_order_relaxed) + 1) * 0xd1b54a32d192ed03ULL);
    stream.seeded = true;
  }
  const std::uint64_t roll = next(stream.state) ^ (static_cast<std::uint64_t>(point) << 56);
  const unsigned pick = static_cast<unsigned>(roll % 64);
  if (pick < 6) {
    std::this_thread::yield();
  } else if (pick == 6) {
    std::this_thread::sleep_for(std::chrono::microseconds(20 + (roll >> 8) % 200));
  }
}

}  // namespace asyncl::detail
#endif
