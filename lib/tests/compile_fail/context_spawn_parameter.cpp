// Must not compile: a LocalRef handed to another task by value. A coroutine copies its
// parameters into its frame with the move constructor, which LocalRef does not have, so no
// coroutine can take a LocalRef by value and spawn(child(ref)) cannot be written.

#include <atomic>

#include "asyncl/context.hpp"
#include "asyncl/runtime.hpp"

namespace {
constexpr auto KEY = asyncl::context<std::atomic<int>>("KEY", [] { return 0; });

asyncl::Task<void> child(asyncl::LocalRef<std::atomic<int>> ref) {
  ref->fetch_add(1);
  co_return;
}
}  // namespace

asyncl::Task<void> parent() {
  auto ref = KEY.local_ref();
  co_await asyncl::spawn(child(ref.clone()));
}
