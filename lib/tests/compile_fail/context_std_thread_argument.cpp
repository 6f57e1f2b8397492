// Must not compile: a LocalRef passed by value as an argument of std::thread, which would keep
// it past the runtime's shutdown. std::thread decay-copies its arguments: LocalRef has neither
// a copy nor a move constructor.

#include <atomic>
#include <thread>

#include "asyncl/context.hpp"

namespace {
constexpr auto KEY = asyncl::context<std::atomic<int>>("KEY", [] { return 0; });

void use(const asyncl::LocalRef<std::atomic<int>>& ref) { ref->fetch_add(1); }
}  // namespace

asyncl::Task<void> parent() {
  std::thread(use, KEY.local_ref()).detach();
  co_return;
}
