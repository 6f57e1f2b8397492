#pragma once
// asyncl/detail/fault_injection.hpp — failures the tests inject where the runtime allocates a
// task frame or starts a thread, to check what it does when the system says no.
//
// Compiled in only with ASYNCL_VERIFICATION (the tsan, asan and relacy presets), like the
// mutants (mutation.hpp); in every other build take_fault() is the constant false.
//
//   detail::inject_faults(detail::Fault::thread_start, 1);     // the next thread start fails
//   detail::inject_faults(detail::Fault::thread_start, 1, 2);  // the third one fails
//
// The faults thrown are the ones the system would throw: std::bad_alloc for a frame,
// std::system_error (resource_unavailable_try_again) for a thread.

#include <cstdint>

namespace asyncl::detail {

enum class Fault : std::uint8_t {
  frame_allocation,  // a spawned task's root frame (RootPromise::operator new)
  thread_start,      // a pool thread: worker, timer or blocking (start_pool_thread)
};

#if defined(ASYNCL_VERIFICATION)
/// After `after` more occurrences of `fault` (on any thread) succeed, the next `count` fail.
/// Replaces what was injected for `fault` before.
void inject_faults(Fault fault, unsigned count, unsigned after = 0) noexcept;
/// True (and counts one down) when this occurrence of `fault` must fail.
bool take_fault(Fault fault) noexcept;
#else
constexpr bool take_fault(Fault) noexcept { return false; }
#endif

}  // namespace asyncl::detail
