#include "asyncl/detail/mutation.hpp"

#if defined(ASYNCL_VERIFICATION)
#include <atomic>

namespace asyncl::detail {
namespace {
// Relaxed: written once by the scenario driver before it creates any thread.
std::atomic<Mutation> g_mutation{Mutation::none};
}  // namespace

void set_mutation(Mutation m) noexcept { g_mutation.store(m, std::memory_order_relaxed); }
Mutation active_mutation() noexcept { return g_mutation.load(std::memory_order_relaxed); }

}  // namespace asyncl::detail
#endif
