// Must not compile: a LocalRef made on a blocking thread and returned to the task. The outcome
// of spawn_blocking is moved into its JoinHandle, and LocalRef has no move constructor; so a
// task never holds a reference into a blocking thread's object.

#include <atomic>

#include "asyncl/context.hpp"
#include "asyncl/runtime.hpp"

namespace {
constexpr auto KEY = asyncl::context<std::atomic<int>>("KEY", [] { return 0; });
}  // namespace

asyncl::Task<void> parent() {
  auto ref = co_await asyncl::spawn_blocking([] { return KEY.local_ref(); });
  ref->fetch_add(1);
}
