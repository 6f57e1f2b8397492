// Must not compile: a closure that holds a LocalRef by value, given to spawn_blocking. A
// closure can hold one only through an init-capture of a fresh reference, and such a closure
// cannot be moved (LocalRef has no move constructor), so spawn_blocking cannot take it.

#include <atomic>

#include "asyncl/context.hpp"
#include "asyncl/runtime.hpp"

namespace {
constexpr auto KEY = asyncl::context<std::atomic<int>>("KEY", [] { return 0; });
}  // namespace

asyncl::Task<void> parent() {
  auto ref = KEY.local_ref();
  co_await asyncl::spawn_blocking([copy = ref.clone()] { copy->fetch_add(1); });
}
