// lib/src/fault_injection.cpp — see asyncl/detail/fault_injection.hpp.

#include "asyncl/detail/fault_injection.hpp"

#if defined(ASYNCL_VERIFICATION)
#include <mutex>

namespace asyncl::detail {
namespace {
struct Plan {
  unsigned pass = 0;  // occurrences that succeed first
  unsigned fail = 0;  // then these fail
};
std::mutex g_mutex;
Plan g_plans[2];
}  // namespace

void inject_faults(Fault fault, unsigned count, unsigned after) noexcept {
  std::lock_guard lock(g_mutex);
  g_plans[static_cast<unsigned>(fault)] = Plan{after, count};
}

bool take_fault(Fault fault) noexcept {
  std::lock_guard lock(g_mutex);
  Plan& plan = g_plans[static_cast<unsigned>(fault)];
  if (plan.pass > 0) {
    --plan.pass;
    return false;
  }
  if (plan.fail > 0) {
    --plan.fail;
    return true;
  }
  return false;
}

}  // namespace asyncl::detail
#endif
