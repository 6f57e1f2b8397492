#pragma once
// asyncl/detail/thread_context.hpp — what the library knows about the calling thread.
//
// All of asyncl's own thread-local state is one ThreadContext per thread, reached only through
// this_thread_context(). The runtime sets `role` when it creates a thread (never by guessing
// from arrival order) and clears it when the thread leaves the pool.

#include <cstddef>
#include <cstdint>

namespace asyncl::detail {

class RuntimeCore;
struct TaskHeader;
struct ScopeNode;

enum class ThreadRole : std::uint8_t {
  none,      // not a thread of any asyncl runtime
  worker,    // runs tasks of a multi-thread runtime
  blocking,  // runs spawn_blocking closures
  timer,     // drives sleep_for
  owner,     // inside Runtime::block_on (runs the tasks of a current-thread runtime)
};

struct ThreadContext {
  ThreadRole role = ThreadRole::none;
  RuntimeCore* runtime = nullptr;   // the runtime this thread works for, in the role above
  std::size_t worker_index = 0;     // meaningful when role == worker
  TaskHeader* current_task = nullptr;  // the spawned task being resumed on this thread
  ScopeNode* scope = nullptr;       // task-local values visible to the code running now
  bool barrier_refs_taken = false;  // a barrier-mode LocalRef to this thread's objects was made
};

/// The calling thread's context. Defined out of line (tls.hpp explains why): every call
/// computes the address afresh, also in a coroutine resumed on another thread.
ThreadContext& this_thread_context() noexcept;

}  // namespace asyncl::detail
