// lib/src/thread_context.cpp — the library's one thread-local object, its accessor, and how a
// thread gets its role.

#include "asyncl/detail/thread_context.hpp"

#include "asyncl/detail/runtime_core.hpp"
#include "asyncl/detail/tls.hpp"

namespace asyncl::detail {

constinit thread_local ThreadContext tls_thread_context;

ThreadContext& this_thread_context() noexcept {
  return *tls_address([]() noexcept -> ThreadContext& { return tls_thread_context; });
}

void barrier_object_destroyed() noexcept { this_thread_context().barrier_objects_destroyed = true; }

void ThreadContext::assign(ThreadRole new_role, RuntimeCore* new_runtime,
                           std::size_t index) noexcept {
  role = new_role;
  runtime = new_runtime;
  worker_index = index;
  // A pool thread of a barrier-protected runtime (its thread-locals are destroyed only after
  // every task, shutdown steps 5 and 6) or the owner inside block_on (its thread-locals outlive
  // a runtime destroyed on that thread).
  const bool pool_role =
      role == ThreadRole::worker || role == ThreadRole::blocking || role == ThreadRole::owner;
  barrier_refs_allowed = pool_role && runtime != nullptr && runtime->barrier_protected();
}

}  // namespace asyncl::detail
