#pragma once
// asyncl/detail/thread_context.hpp — what the library knows about the calling thread.
//
// All of asyncl's own thread-local state is one ThreadContext per thread, tls_thread_context,
// reached only through this_thread_context() and, in a barrier-mode local_ref(), tls_addresses()
// (detail/tls.hpp). The runtime gives a thread its role with assign() when it creates the
// thread or enters block_on (never by guessing from arrival order), and resets the whole context
// when the thread leaves the pool or block_on.

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
  RuntimeCore* runtime = nullptr;      // the runtime this thread works for, in the role above
  std::size_t worker_index = 0;        // meaningful when role == worker
  TaskHeader* current_task = nullptr;  // the spawned task being resumed on this thread
  ScopeNode* scope = nullptr;          // task-local values visible to the code running now
  // Whether a barrier-mode LocalRef may be made here: role is worker, blocking or owner, of a
  // barrier-protected runtime (Context::local_ref(), context.hpp). Computed by assign(),
  // so that local_ref() tests one byte instead of the role and then the runtime.
  bool barrier_refs_allowed = false;
  bool barrier_refs_taken = false;  // a barrier-mode LocalRef to this thread's objects was made
  /// The key of the last such reference (checked builds; for diagnostics).
  const char* barrier_key = nullptr;
  /// The thread is ending: its barrier-mode objects are being destroyed (BarrierObject).
  bool barrier_objects_destroyed = false;

  /// Gives the thread `role` in `runtime`, and derives barrier_refs_allowed from both.
  void assign(ThreadRole new_role, RuntimeCore* new_runtime, std::size_t index = 0) noexcept;
};

/// The thread-local itself: name it only inside an accessor given to tls_address() or
/// tls_addresses(). constinit, so other files reach it without a TLS wrapper call.
extern constinit thread_local ThreadContext tls_thread_context;

/// The calling thread's context. Defined out of line (tls.hpp explains why): every call
/// computes the address afresh, also in a coroutine resumed on another thread.
ThreadContext& this_thread_context() noexcept;

}  // namespace asyncl::detail
