// Must not compile: a LocalRef captured by copy (`[ref]`), the usual way a value leaves for
// spawn_blocking or std::thread. LocalRef has no copy constructor; clone() is explicit.

#include <atomic>

#include "asyncl/context.hpp"
#include "asyncl/runtime.hpp"

namespace {
constexpr auto KEY = asyncl::context<std::atomic<int>>("KEY", [] { return 0; });
}  // namespace

asyncl::Task<void> parent() {
  auto ref = KEY.local_ref();
  co_await asyncl::spawn_blocking([ref] { ref->fetch_add(1); });
}
