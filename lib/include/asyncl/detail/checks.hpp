#pragma once
// asyncl/detail/checks.hpp — precondition checks of checked builds.
//
//   ASYNCL_INTERNAL_EXPECT(condition, message)
//       In a checked build (ASYNCL_CHECKED: Debug and every verification preset) a false
//       condition prints "asyncl: precondition failed: <message> (<file>:<line>)" to stderr and
//       aborts; otherwise it compiles to nothing and `condition` is not evaluated.
//
// The protocol types (TaskState, LocalQueue, ShutdownBarrier) state their preconditions with it,
// on values they already read, so a check never adds a load or an ordering of its own: a checked
// build must not hide an ordering bug that an unchecked build has.

#if defined(ASYNCL_CHECKED)
#include <cstdio>
#include <cstdlib>

namespace asyncl::detail {

[[noreturn, gnu::cold, gnu::noinline]] inline void precondition_failed(const char* message,
                                                                       const char* file,
                                                                       int line) noexcept {
  std::fprintf(stderr, "asyncl: precondition failed: %s (%s:%d)\n", message, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace asyncl::detail

#define ASYNCL_INTERNAL_EXPECT(condition, message) \
  ((condition) ? static_cast<void>(0)              \
               : ::asyncl::detail::precondition_failed(message, __FILE__, __LINE__))
#else
#define ASYNCL_INTERNAL_EXPECT(condition, message) static_cast<void>(0)
#endif
