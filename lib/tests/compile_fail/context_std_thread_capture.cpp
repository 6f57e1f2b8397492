// Must not compile: a closure holding a LocalRef by value, given to std::thread. The closure
// cannot be moved into the thread (LocalRef has no move constructor).

#include <atomic>
#include <thread>

#include "asyncl/context.hpp"

namespace {
constexpr auto KEY = asyncl::context<std::atomic<int>>("KEY", [] { return 0; });
}  // namespace

asyncl::Task<void> parent() {
  std::thread([ref = KEY.local_ref()] { ref->fetch_add(1); }).detach();
  co_return;
}
