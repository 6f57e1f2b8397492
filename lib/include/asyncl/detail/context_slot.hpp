#pragma once
// asyncl/detail/context_slot.hpp — where a Context key keeps its per-thread object, and what a
// LocalRef holds to reach it. Private to context.hpp.
//
//   ContextSlot<T, Init, mode>  one `static inline thread_local` per key (the key's init lambda
//                               type `Init` makes it unique), reached only through
//                               tls_address() (tls_addresses() in barrier mode); object()
//                               returns the calling thread's object.
//   RefTarget<T, mode>          what a LocalRef stores: a T* (barrier, leaky), plus the runtime's
//                               generation and the key's name in checked barrier builds, or a
//                               std::shared_ptr<T> (shared). Copyable, so the library can hand
//                               it to a blocking closure; users never see it.
//
// Invariant: the address of a slot is computed only inside tls_address[es]() and used at once, on
// the thread that computed it, with no suspension in between. Nothing here reads `this` of a
// key, so it does not matter where (or how often) the key object itself exists.

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "asyncl/detail/promise_base.hpp"
#include "asyncl/detail/runtime_core.hpp"
#include "asyncl/detail/thread_context.hpp"
#include "asyncl/detail/tls.hpp"

namespace asyncl::detail {

enum class ContextMode : unsigned char { barrier, leaky, shared };

/// T built in place from the init lambda's result, so T need not be copyable or movable.
/// constexpr: when init() is a constant expression (`[] { return 0; }`), a barrier-mode slot
/// is constant-initialized and its access needs no first-use guard.
template <class T, class Init>
struct InitializedObject {
  T value;
  constexpr InitializedObject() : value(Init{}()) {}
};

/// Records that a barrier-mode object of the calling thread is being destroyed (the thread is
/// ending; at exit, the main thread's objects go before static ones). thread_context.cpp.
void barrier_object_destroyed() noexcept;

/// A barrier-mode slot's object. When T has a destructor, it first records on its thread that
/// the thread's objects are going: a current-thread runtime destroyed after that (a static one,
/// at exit) refuses to destroy frames that may write into them (SchedulerBase::shutdown).
template <class T, class Init>
struct BarrierObject : InitializedObject<T, Init> {
  constexpr BarrierObject() = default;
  ~BarrierObject() requires(!std::is_trivially_destructible_v<T>) { barrier_object_destroyed(); }
  ~BarrierObject() = default;
};

template <class T, class Init, ContextMode Mode>
class ContextSlot;

/// Barrier mode: T lives inline in the thread-local, constructed on the thread's first use.
/// object_for_ref() is local_ref()'s whole thread-local work in one out-of-line call: it reads
/// the thread's context, and only where a barrier-mode reference is allowed
/// (ThreadContext::assign() says where) marks the thread and returns its object.
template <class T, class Init>
class ContextSlot<T, Init, ContextMode::barrier> {
 public:
  /// {the calling thread's object, or null where a reference is not allowed; its context}.
  static TlsPair<T, ThreadContext> object_for_ref() { return tls_addresses(Access{}); }

 private:
  static inline thread_local BarrierObject<T, Init> slot_;
  struct Access {
    TlsPair<T, ThreadContext> operator()() const {
      ThreadContext& thread = tls_thread_context;
      if (!thread.barrier_refs_allowed) [[unlikely]]
        return {nullptr, &thread};
      // Keeps a blocking thread from leaving the pool on keep-alive before shutdown.
      thread.barrier_refs_taken = true;
      return {&slot_.value, &thread};
    }
  };
};

/// Leaky mode: T allocated on the thread's first use and never freed. Every allocation is
/// also linked into a process-wide list that nothing reads: it keeps the objects of threads
/// that have exited reachable, so LeakSanitizer does not report what is leaked on purpose.
template <class T, class Init>
class ContextSlot<T, Init, ContextMode::leaky> {
 public:
  static T* object() {
    Node*& node = *tls_address(Access{});
    if (node == nullptr) [[unlikely]]
      node = make_node();
    return &node->value;
  }

 private:
  struct Node : InitializedObject<T, Init> {
    Node* next = nullptr;
  };

#if defined(ASYNCL_VERIFICATION)
  /// Mutant leaky_freed_at_thread_exit: the thread's object dies with the thread.
  struct FreedAtThreadExit {
    Node* node = nullptr;
    ~FreedAtThreadExit() { delete node; }
  };
#endif

  [[gnu::noinline]] static Node* make_node() {
    Node* node = new Node();
#if defined(ASYNCL_VERIFICATION)
    if (mutated(Mutation::leaky_freed_at_thread_exit)) {
      static thread_local FreedAtThreadExit freed_at_exit;
      freed_at_exit.node = node;
      return node;
    }
#endif
    node->next = leaked_.load(std::memory_order_relaxed);
    // Relaxed: the list only has to hold the pointer; no thread ever reads through it.
    while (!leaked_.compare_exchange_weak(node->next, node, std::memory_order_relaxed)) {
    }
    return node;
  }

  static inline thread_local Node* slot_ = nullptr;
  static inline std::atomic<Node*> leaked_{nullptr};
  struct Access {
    Node*& operator()() const noexcept { return slot_; }
  };
};

/// Shared mode: the thread-local holds one owner of T; every LocalRef holds another.
template <class T, class Init>
class ContextSlot<T, Init, ContextMode::shared> {
 public:
  static std::shared_ptr<T> object() {
    std::shared_ptr<T>& slot = *tls_address(Access{});
    if (!slot) [[unlikely]]
      slot = make_object();
    return slot;
  }

 private:
  [[gnu::noinline]] static std::shared_ptr<T> make_object() {
    auto holder = std::make_shared<InitializedObject<T, Init>>();
    return std::shared_ptr<T>(holder, &holder->value);
  }

  static inline thread_local std::shared_ptr<T> slot_;
  struct Access {
    std::shared_ptr<T>& operator()() const noexcept { return slot_; }
  };
};

/// Aborts: a checked build found a barrier-mode LocalRef used after its runtime shut down.
[[noreturn, gnu::cold, gnu::noinline]] inline void dead_local_ref(const char* name) noexcept {
  const std::string message = std::string("asyncl: a LocalRef to context '") + name +
                              "' (barrier mode) was dereferenced after its runtime shut down; "
                              "the thread-local object it denotes may already be destroyed";
  fatal(message.c_str());
}

#if defined(ASYNCL_CHECKED)
inline constexpr bool kCheckedBuild = true;
#else
inline constexpr bool kCheckedBuild = false;
#endif

/// What a checked build records in a barrier-mode reference.
struct BarrierRefRecord {
  const char* name = nullptr;
  std::uint64_t generation = 0;
};
struct NoRefRecord {};

/// Barrier and leaky modes: one pointer (plus the record of a checked barrier build).
template <class T, ContextMode Mode>
class RefTarget {
  static constexpr bool kRecorded = kCheckedBuild && Mode == ContextMode::barrier;

 public:
  /// `name` and `runtime` (the runtime of the thread that made the reference) are recorded
  /// in checked barrier-mode builds only.
  RefTarget(T* object, [[maybe_unused]] const char* name,
            [[maybe_unused]] const RuntimeCore* runtime) noexcept
      : object_(object) {
    if constexpr (kRecorded) record_ = {name, runtime->generation()};
  }

  /// One load (plus, in checked barrier builds, the liveness check).
  T& get() const noexcept {
    if constexpr (kRecorded) {
      if (!runtime_alive(record_.generation)) dead_local_ref(record_.name);
    }
    return *object_;
  }

 private:
  T* object_;
  [[no_unique_address]] std::conditional_t<kRecorded, BarrierRefRecord, NoRefRecord> record_;
};

template <class T>
class RefTarget<T, ContextMode::shared> {
 public:
  RefTarget(std::shared_ptr<T> object, const char*, const RuntimeCore*) noexcept
      : object_(std::move(object)) {}
  T& get() const noexcept { return *object_; }

 private:
  std::shared_ptr<T> object_;
};

}  // namespace asyncl::detail
