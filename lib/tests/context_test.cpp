// Tests of asyncl/context.hpp: keys in the three modes, LocalRef across migrations, shutdown,
// executors other than asyncl's, the scoped forms, and the misuse diagnostics.

#include "asyncl/context.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "migration_support.hpp"

namespace {

using asyncl::LocalRef;
using asyncl::Runtime;
using asyncl::Task;
namespace mode = asyncl::mode;

Runtime multi(std::size_t workers = 2) {
  return Runtime::Builder().worker_threads(workers).build();
}

// A reference stays in its task: no implicit copy, no assignment (the move constructor exists
// only to fail with a message, see compile_fail/context_*.cpp). In barrier and leaky modes it
// is one pointer (checked builds add the barrier key's name and runtime generation).
static_assert(!std::is_copy_constructible_v<LocalRef<int, mode::barrier>>);
static_assert(!std::is_copy_assignable_v<LocalRef<int, mode::leaky>>);
static_assert(!std::is_move_assignable_v<LocalRef<int, mode::shared>>);
static_assert(sizeof(LocalRef<int, mode::leaky>) == sizeof(int*));
#if !defined(ASYNCL_CHECKED)
static_assert(sizeof(LocalRef<int, mode::barrier>) == sizeof(int*));
#endif

/// The calling thread's id, read in a plain function that is never inlined and not pure: a
/// coroutine body must not read std::this_thread::get_id() itself (clang 14 reuses it after a
/// resume on another thread, see docs/hazards.md).
[[gnu::noinline]] std::thread::id current_thread_id() {
  asm volatile("" ::: "memory");
  return std::this_thread::get_id();
}

// ── The async-local README example ───────────────────────────────────────────────────────────

constexpr auto COUNTER = asyncl::context<std::atomic<std::size_t>>("COUNTER", [] { return 0; });

TEST(ContextReadme, ReferenceHeldAcrossYieldIncrementsTheCounter) {
  Runtime rt = multi(2);
  const std::size_t seen = rt.block_on([]() -> Task<std::size_t> {
    auto counter = COUNTER.local_ref();
    co_await asyncl::yield_now();
    co_return counter->fetch_add(1, std::memory_order_seq_cst) + 1;
  }());
  EXPECT_EQ(seen, 1u);  // a fresh runtime: its worker's counter started at 0
}

// ── Migration ─────────────────────────────────────────────────────────────────────────────────

/// Which thread built each object, and which worker that thread is, as reported by the thread
/// itself: the constructor runs on the owning thread, outside any coroutine body.
class ThreadRegistry {
 public:
  struct Entry {
    const void* object;
    std::optional<std::size_t> worker;
  };
  void record(std::thread::id thread, Entry entry) {
    std::lock_guard lock(mutex_);
    entries_[thread] = entry;
  }
  std::optional<Entry> lookup(std::thread::id thread) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(thread);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::mutex mutex_;
  std::map<std::thread::id, Entry> entries_;
};

/// Neither copyable nor movable: its address is its identity.
struct Located {
  explicit Located(ThreadRegistry& registry) : thread(std::this_thread::get_id()) {
    registry.record(thread, {this, asyncl::this_worker::index()});
  }
  Located(const Located&) = delete;
  Located& operator=(const Located&) = delete;
  const std::thread::id thread;
  std::atomic<long> uses{0};
};

ThreadRegistry& barrier_registry() {
  static ThreadRegistry registry;
  return registry;
}
ThreadRegistry& leaky_registry() {
  static ThreadRegistry registry;
  return registry;
}
ThreadRegistry& shared_registry() {
  static ThreadRegistry registry;
  return registry;
}

constexpr auto MIGRATION_BARRIER = asyncl::context<Located, mode::barrier>(
    "MIGRATION_BARRIER", [] { return Located(barrier_registry()); });
constexpr auto MIGRATION_LEAKY = asyncl::context<Located, mode::leaky>(
    "MIGRATION_LEAKY", [] { return Located(leaky_registry()); });
constexpr auto MIGRATION_SHARED = asyncl::context<Located, mode::shared>(
    "MIGRATION_SHARED", [] { return Located(shared_registry()); });

struct MigrationResult {
  bool creator_reported = false;  // the creating thread's own record matches the reference
  int resumes = 0;
  int moves = 0;           // move_to_another_worker() that did land on the other worker
  int elsewhere = 0;       // resumes on a thread other than the creator
  int wrong_object = 0;    // the reference did not denote the creator's object
  int wrong_fresh = 0;     // a reference made after the resume did not denote this thread's
  int unknown_thread = 0;  // resumed on a thread that is not a worker
  int wrong_index = 0;     // this_worker::index() named another worker than the one running
};

constexpr int kResumes = 1000;

template <class Key>
Task<MigrationResult> migrate(Key key, ThreadRegistry* registry) {
  MigrationResult result;
  // Both workers build their object first, so each has reported its address and its index.
  (void)*key.local_ref();
  co_await asyncl::testing::move_to_another_worker();
  (void)*key.local_ref();

  auto ref = key.local_ref();
  const std::thread::id creator = current_thread_id();
  const std::optional<ThreadRegistry::Entry> created = registry->lookup(creator);
  result.creator_reported =
      created.has_value() && created->object == &*ref && ref->thread == creator;
  const void* const creator_object = created ? created->object : nullptr;

  for (int i = 1; i <= kResumes; ++i) {
    const std::optional<std::size_t> before = asyncl::this_worker::index();
    if (i % 10 == 0) {
      co_await asyncl::testing::move_to_another_worker();
    } else {
      co_await asyncl::yield_now();
    }
    const std::thread::id here = current_thread_id();
    const std::optional<std::size_t> index = asyncl::this_worker::index();
    ++result.resumes;
    if (i % 10 == 0 && index != before) ++result.moves;
    if (here != creator) ++result.elsewhere;
    if (&*ref != creator_object || ref->thread != creator) ++result.wrong_object;
    ref->uses.fetch_add(1, std::memory_order_relaxed);
    const std::optional<ThreadRegistry::Entry> entry = registry->lookup(here);
    if (!entry) {
      ++result.unknown_thread;
      continue;
    }
    if (!index.has_value() || entry->worker != index) ++result.wrong_index;
    // Made in the same loop body each time: the key must not be resolved once for the loop.
    if (&*key.local_ref() != entry->object) ++result.wrong_fresh;
  }
  co_return result;
}

void expect_migration(const MigrationResult& r) {
  EXPECT_TRUE(r.creator_reported);
  EXPECT_EQ(r.resumes, kResumes);
  EXPECT_EQ(r.moves, kResumes / 10);
  EXPECT_GE(r.elsewhere, kResumes / 10);
  EXPECT_EQ(r.wrong_object, 0);
  EXPECT_EQ(r.wrong_fresh, 0);
  EXPECT_EQ(r.unknown_thread, 0);
  EXPECT_EQ(r.wrong_index, 0);
}

TEST(ContextMigration, BarrierReferenceDenotesTheCreatorAfterEveryResume) {
  Runtime rt = multi(2);
  expect_migration(rt.block_on(migrate(MIGRATION_BARRIER, &barrier_registry())));
}

TEST(ContextMigration, LeakyReferenceDenotesTheCreatorAfterEveryResume) {
  Runtime rt = multi(2);
  expect_migration(rt.block_on(migrate(MIGRATION_LEAKY, &leaky_registry())));
}

TEST(ContextMigration, SharedReferenceDenotesTheCreatorAfterEveryResume) {
  Runtime rt = multi(2);
  expect_migration(rt.block_on(migrate(MIGRATION_SHARED, &shared_registry())));
}

// ── Shutdown ──────────────────────────────────────────────────────────────────────────────────

// Owns heap memory and writes to it when destroyed: a use after destruction is a
// heap-use-after-free for ASan and an unordered access for TSan.
std::atomic<long> g_owners_destroyed{0};
std::atomic<long> g_touches_at_destruction{0};

struct HeapOwner {
  static constexpr int kUses = 0;
  static constexpr int kFrameTouches = 1;
  HeapOwner() : cells(new std::atomic<long>[2]()) {}
  HeapOwner(const HeapOwner&) = delete;
  HeapOwner& operator=(const HeapOwner&) = delete;
  ~HeapOwner() {
    g_touches_at_destruction.fetch_add(cells[kFrameTouches].load());
    cells[kUses].store(-1);
    g_owners_destroyed.fetch_add(1);
  }
  std::unique_ptr<std::atomic<long>[]> cells;
};

constexpr auto OWNED =
    asyncl::context<HeapOwner, mode::barrier>("OWNED", [] { return HeapOwner(); });
using OwnedRef = LocalRef<HeapOwner, mode::barrier>;

/// A frame local that writes through the reference when the frame is destroyed (shutdown
/// step 4 destroys it on a worker, which must still have its thread-locals).
class TouchOnDestroy {
 public:
  explicit TouchOnDestroy(const OwnedRef& ref) : ref_(ref) {}
  TouchOnDestroy(const TouchOnDestroy&) = delete;
  TouchOnDestroy& operator=(const TouchOnDestroy&) = delete;
  ~TouchOnDestroy() { ref_->cells[HeapOwner::kFrameTouches].fetch_add(1); }

 private:
  const OwnedRef& ref_;
};

struct ShutdownState {
  asyncl::Notify never;
  std::atomic<int> started{0};
  std::atomic<int> blocking_running{0};
  std::atomic<int> blocking_finished{0};
  std::atomic<bool> closing{false};
};

constexpr int kHolders = 10'000;
constexpr int kBlockingEvery = 1'000;
constexpr std::size_t kBlockingThreads = 4;

// Runs on a blocking thread with a worker's object, and makes a reference into its own
// thread's object; keeps writing through both while the runtime shuts down.
void use_during_shutdown(ShutdownState* state, HeapOwner& worker_object) {
  auto own = OWNED.local_ref();
  state->blocking_running.fetch_add(1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!state->closing.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  for (int i = 0; i < 2'000; ++i) {
    worker_object.cells[HeapOwner::kUses].fetch_add(1);
    own->cells[HeapOwner::kUses].fetch_add(1);
    if (i % 100 == 0) std::this_thread::yield();
  }
  state->blocking_finished.fetch_add(1);
}

Task<void> hold_owned(ShutdownState* state, int i) {
  auto ref = OWNED.local_ref();
  TouchOnDestroy touch(ref);
  ref->cells[HeapOwner::kUses].fetch_add(1);
  state->started.fetch_add(1);
  if (i % kBlockingEvery == 0) {
    co_await ref.with_blocking([state](HeapOwner& object) { use_during_shutdown(state, object); });
  }
  co_await state->never.wait();
}

// Returns once every holder has started (a task that never started has no locals) and the
// blocking closures that can run are running.
Task<void> spawn_owned_holders(ShutdownState* state) {
  for (int i = 0; i < kHolders; ++i) (void)asyncl::spawn(hold_owned(state, i));
  while (state->started.load() < kHolders) co_await asyncl::yield_now();
  while (state->blocking_running.load() < static_cast<int>(kBlockingThreads)) {
    co_await asyncl::yield_now();
  }
}

TEST(ContextShutdown, TenThousandSuspendedReferencesIntoWorkerAndBlockingThreadObjects) {
  g_owners_destroyed = 0;
  g_touches_at_destruction = 0;
  ShutdownState state;
  {
    Runtime rt =
        Runtime::Builder().worker_threads(2).max_blocking_threads(kBlockingThreads).build();
    rt.block_on(spawn_owned_holders(&state));
    state.closing.store(true);
  }  // destroyed while 10,000 tasks hold references and 4 closures write through them
  EXPECT_EQ(state.started.load(), kHolders);
  EXPECT_EQ(state.blocking_running.load(), static_cast<int>(kBlockingThreads));
  EXPECT_EQ(state.blocking_finished.load(), state.blocking_running.load());
  // Every frame wrote through its reference when destroyed, and every object it wrote to was
  // destroyed only after that: the objects' own counts add up to every frame.
  EXPECT_EQ(g_touches_at_destruction.load(), kHolders);
  // At least one worker and each blocking thread that ran a closure had an object.
  EXPECT_GE(g_owners_destroyed.load(), 1 + static_cast<long>(kBlockingThreads));
}

// ── Executors other than asyncl's ─────────────────────────────────────────────────────────────

// Which hop's thread this is (0: not a hop thread). Thread ids are no use here: an exited and
// joined thread's id is given to the next thread.
thread_local int t_hop = 0;

[[gnu::noinline]] int current_hop() {
  return *asyncl::detail::tls_address([]() noexcept -> int& { return t_hop; });
}

// Neither copyable nor movable; records which thread built it.
struct Tracked {
  static constexpr long kAlive = 0x5afe;
  Tracked() : thread(std::this_thread::get_id()), hop(current_hop()), marker(new long(kAlive)) {}
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;
  ~Tracked() {
    *marker = -1;
    destroyed().fetch_add(1);
  }
  static std::atomic<int>& destroyed() {
    static std::atomic<int> count{0};
    return count;
  }
  const std::thread::id thread;
  const int hop;
  std::unique_ptr<long> marker;
  std::atomic<long> uses{0};
};

constexpr auto TRACKED_LEAKY =
    asyncl::context<Tracked, mode::leaky>("TRACKED_LEAKY", [] { return Tracked(); });
constexpr auto TRACKED_SHARED =
    asyncl::context<Tracked, mode::shared>("TRACKED_SHARED", [] { return Tracked(); });

/// A coroutine type for a hand-made executor: starts suspended, parks its handle at every
/// `co_await Hop{...}` for whoever resumes it next.
struct Hopper {
  struct promise_type {
    Hopper get_return_object() {
      return Hopper(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
  explicit Hopper(std::coroutine_handle<promise_type> h) : handle(h) {}
  Hopper(Hopper&& other) noexcept : handle(std::exchange(other.handle, nullptr)) {}
  Hopper& operator=(Hopper&&) = delete;
  ~Hopper() {
    if (handle) handle.destroy();
  }
  std::coroutine_handle<promise_type> handle;
};

class Hop {
 public:
  explicit Hop(std::coroutine_handle<>* next) : next_(next) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const noexcept { *next_ = h; }
  void await_resume() const noexcept {}

 private:
  std::coroutine_handle<>* next_;
};

struct HopResult {
  int hops = 0;
  int new_thread = 0;    // resumed on a thread other than the creator
  int wrong_object = 0;  // the first reference changed or its object is gone
  int fresh_same = 0;    // a reference made on the new thread denoted the creator's object
};

constexpr int kHops = 50;

Hopper hop_across_threads(std::coroutine_handle<>* next, HopResult* result) {
  auto first = TRACKED_LEAKY.local_ref();
  const Tracked* const first_object = &*first;
  const int creator = current_hop();
  for (int i = 0; i < kHops; ++i) {
    co_await Hop(next);
    ++result->hops;
    const int here_hop = current_hop();
    if (here_hop != creator) ++result->new_thread;
    if (&*first != first_object || first->hop != creator || *first->marker != Tracked::kAlive) {
      ++result->wrong_object;
    }
    first->uses.fetch_add(1);
    auto here = TRACKED_LEAKY.local_ref();
    if (&*here == first_object || here->hop != here_hop) ++result->fresh_same;
  }
}

TEST(ContextLeaky, CoroutineHoppedAcrossExitingStdThreadsKeepsAValidReference) {
  std::coroutine_handle<> next;
  HopResult result;
  Hopper hopper = hop_across_threads(&next, &result);
  next = hopper.handle;
  // Each hop runs on a new std::thread that exits (destroying its thread-locals) before the
  // next one resumes the coroutine: no asyncl runtime is involved.
  for (int hop = 1; !hopper.handle.done(); ++hop) {
    const std::coroutine_handle<> h = std::exchange(next, nullptr);
    ASSERT_TRUE(h);
    std::thread([h, hop] {
      t_hop = hop;
      h.resume();
    }).join();
  }
  EXPECT_EQ(result.hops, kHops);
  EXPECT_EQ(result.new_thread, kHops);
  EXPECT_EQ(result.wrong_object, 0);
  EXPECT_EQ(result.fresh_same, 0);
}

TEST(ContextShared, ReferenceOutlivesTheThreadThatMadeIt) {
  const int destroyed_before = Tracked::destroyed().load();
  std::unique_ptr<LocalRef<Tracked, mode::shared>> kept;
  std::thread::id maker;
  std::thread([&] {
    kept.reset(new LocalRef<Tracked, mode::shared>(TRACKED_SHARED.local_ref()));
    maker = std::this_thread::get_id();
  }).join();
  // The thread has exited and released its own share; the reference keeps the object alive.
  EXPECT_EQ(Tracked::destroyed().load(), destroyed_before);
  EXPECT_EQ((*kept)->thread, maker);
  EXPECT_EQ(*(*kept)->marker, Tracked::kAlive);
  (*kept)->uses.fetch_add(1);
  kept.reset();
  EXPECT_EQ(Tracked::destroyed().load(), destroyed_before + 1);
}

TEST(ContextShared, ReferenceMadeInATaskOutlivesTheRuntime) {
  const int destroyed_before = Tracked::destroyed().load();
  std::unique_ptr<LocalRef<Tracked, mode::shared>> kept;
  {
    Runtime rt = multi(1);
    rt.block_on([](std::unique_ptr<LocalRef<Tracked, mode::shared>>* out) -> Task<void> {
      auto ref = TRACKED_SHARED.local_ref();
      co_await asyncl::yield_now();
      out->reset(new LocalRef<Tracked, mode::shared>(ref.clone()));
    }(&kept));
  }
  EXPECT_EQ(*(*kept)->marker, Tracked::kAlive);
  kept.reset();
  EXPECT_EQ(Tracked::destroyed().load(), destroyed_before + 1);
}

// ── Scoped forms, clone, types that cannot move ───────────────────────────────────────────────

struct Pinned {
  explicit Pinned(int v) : value(v) {}
  Pinned(const Pinned&) = delete;
  Pinned(Pinned&&) = delete;
  Pinned& operator=(const Pinned&) = delete;
  Pinned& operator=(Pinned&&) = delete;
  std::atomic<int> value;
};

constexpr auto PINNED_BARRIER =
    asyncl::context<Pinned, mode::barrier>("PINNED_BARRIER", [] { return Pinned(7); });
constexpr auto PINNED_LEAKY =
    asyncl::context<Pinned, mode::leaky>("PINNED_LEAKY", [] { return Pinned(7); });
constexpr auto PINNED_SHARED =
    asyncl::context<Pinned, mode::shared>("PINNED_SHARED", [] { return Pinned(7); });

struct ScopedResult {
  bool clone_same = false;
  bool async_same = false;
  int async_value = 0;
  bool blocking_same = false;
  bool blocking_off_worker = false;
  bool ref_blocking_same = false;
  bool ref_blocking_off_worker = false;
};

template <class Key>
Task<ScopedResult> use_scoped_forms(Key key) {
  ScopedResult result;
  auto ref = key.local_ref();
  auto copy = ref.clone();
  result.clone_same = &*copy == &*ref && copy->value.load() == 7;
  const Pinned* const object = &*ref;

  // with_async starts on this thread, so its reference denotes the same object.
  result.async_value = co_await key.with_async([&result, object](auto& scoped) -> Task<int> {
    result.async_same = &*scoped == object;
    co_await asyncl::yield_now();
    co_return scoped->value.fetch_add(1) + 1;
  });

  // with_async's task yielded, so this may be another worker now: KEY.with_blocking gets the
  // object of the thread it is called on.
  const Pinned* const current = &*key.local_ref();
  const std::pair<bool, bool> by_key = co_await key.with_blocking([current](Pinned& p) {
    return std::pair(&p == current, !asyncl::this_worker::index().has_value());
  });
  result.blocking_same = by_key.first;
  result.blocking_off_worker = by_key.second;

  co_await asyncl::testing::move_to_another_worker();
  const std::pair<bool, bool> by_ref = co_await ref.with_blocking([object](Pinned& p) {
    p.value.fetch_add(1);
    return std::pair(&p == object, !asyncl::this_worker::index().has_value());
  });
  result.ref_blocking_same = by_ref.first;
  result.ref_blocking_off_worker = by_ref.second;
  co_return result;
}

void expect_scoped(const ScopedResult& r) {
  EXPECT_TRUE(r.clone_same);
  EXPECT_TRUE(r.async_same);
  EXPECT_EQ(r.async_value, 8);
  EXPECT_TRUE(r.blocking_same);
  EXPECT_TRUE(r.blocking_off_worker);
  EXPECT_TRUE(r.ref_blocking_same);
  EXPECT_TRUE(r.ref_blocking_off_worker);
}

TEST(ContextScoped, BarrierScopedFormsWithAnImmovableType) {
  Runtime rt = multi(2);
  expect_scoped(rt.block_on(use_scoped_forms(PINNED_BARRIER)));
}

TEST(ContextScoped, LeakyScopedFormsWithAnImmovableType) {
  Runtime rt = multi(2);
  expect_scoped(rt.block_on(use_scoped_forms(PINNED_LEAKY)));
}

TEST(ContextScoped, SharedScopedFormsWithAnImmovableType) {
  Runtime rt = multi(2);
  expect_scoped(rt.block_on(use_scoped_forms(PINNED_SHARED)));
}

TEST(ContextScoped, WithAsyncOfVoidTask) {
  Runtime rt = multi(2);
  const int value = rt.block_on([]() -> Task<int> {
    auto ref = PINNED_BARRIER.local_ref();
    co_await PINNED_BARRIER.with_async(
        [object = &*ref](LocalRef<Pinned, mode::barrier>& scoped) -> Task<void> {
          co_await asyncl::yield_now();
          if (&*scoped == object) scoped->value.store(42);
        });
    co_return ref->value.load();
  }());
  EXPECT_EQ(value, 42);
}

// ── Where barrier-mode references may be made ────────────────────────────────────────────────

constexpr auto BARRIER_INT =
    asyncl::context<std::atomic<int>, mode::barrier>("BARRIER_INT", [] { return 0; });
constexpr auto LEAKY_INT =
    asyncl::context<std::atomic<int>, mode::leaky>("LEAKY_INT", [] { return 0; });
constexpr auto SHARED_INT =
    asyncl::context<std::atomic<int>, mode::shared>("SHARED_INT", [] { return 0; });

TEST(ContextMisuse, BarrierReferenceOutsideARuntimeThrowsNamingTheKey) {
  try {
    (void)BARRIER_INT.local_ref();
    ADD_FAILURE() << "local_ref() outside a runtime did not throw";
  } catch (const asyncl::ContextMisuse& e) {
    EXPECT_NE(std::string(e.what()).find("'BARRIER_INT'"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)BARRIER_INT.with_blocking([](std::atomic<int>&) {}), asyncl::ContextMisuse);
  bool thrown_on_thread = false;
  std::thread([&] {
    try {
      (void)BARRIER_INT.local_ref();
    } catch (const asyncl::ContextMisuse&) {
      thrown_on_thread = true;
    }
  }).join();
  EXPECT_TRUE(thrown_on_thread);
}

TEST(ContextMisuse, MultiThreadOwnerOutsideATaskIsNotAPoolThread) {
  Runtime rt = multi(1);
  EXPECT_THROW((void)BARRIER_INT.local_ref(), asyncl::ContextMisuse);
}

// Its pool threads may exit before its tasks are destroyed, so neither a worker nor a blocking
// thread of it may make a barrier-mode reference.
TEST(ContextMisuse, RuntimeWithoutTheBarrierRefusesBarrierReferences) {
  Runtime rt = Runtime::Builder().worker_threads(1).barrier_protected(false).build();
  const std::string on_worker = rt.block_on([]() -> Task<std::string> {
    co_return co_await asyncl::spawn([]() -> Task<std::string> {
      try {
        (void)BARRIER_INT.local_ref();
      } catch (const asyncl::ContextMisuse& e) {
        co_return e.what();
      }
      co_return "";
    }());
  }());
  EXPECT_NE(on_worker.find("barrier_protected(false)"), std::string::npos) << on_worker;
  const bool on_blocking = rt.block_on([]() -> Task<bool> {
    co_return co_await asyncl::spawn_blocking([] {
      try {
        (void)BARRIER_INT.local_ref();
      } catch (const asyncl::ContextMisuse&) {
        return true;
      }
      return false;
    });
  }());
  EXPECT_TRUE(on_blocking);
}

TEST(ContextMisuse, CurrentThreadOwnerMayReferOnlyInsideBlockOn) {
  Runtime rt = Runtime::Builder().current_thread().build();
  const int value = rt.block_on([]() -> Task<int> {
    auto ref = BARRIER_INT.local_ref();
    co_await asyncl::yield_now();
    co_return ref->fetch_add(1) + 1;
  }());
  EXPECT_GE(value, 1);
  EXPECT_THROW((void)BARRIER_INT.local_ref(), asyncl::ContextMisuse);
}

TEST(ContextMisuse, LeakyAndSharedReferencesNeedNoRuntime) {
  auto leaky = LEAKY_INT.local_ref();
  auto shared = SHARED_INT.local_ref();
  leaky->fetch_add(1);
  shared->fetch_add(1);
  EXPECT_EQ(&*leaky, &*LEAKY_INT.local_ref());
  EXPECT_EQ(&*shared, &*SHARED_INT.local_ref());
}

TEST(ContextMisuse, BlockingThreadThatMadeAReferenceStaysInThePool) {
  Runtime rt = Runtime::Builder()
                   .worker_threads(1)
                   .max_blocking_threads(1)
                   .blocking_keep_alive(std::chrono::milliseconds(20))
                   .build();
  const int seen = rt.block_on([]() -> Task<int> {
    co_await asyncl::spawn_blocking([] { BARRIER_INT.local_ref()->store(99); });
    co_await asyncl::sleep_for(std::chrono::milliseconds(200));  // 10x the keep-alive
    // The same thread, so the same thread-local object, runs the next closure.
    co_return co_await asyncl::spawn_blocking([] { return BARRIER_INT.local_ref()->load(); });
  }());
  EXPECT_EQ(seen, 99);
}

// ── Checked builds: a reference used after its runtime shut down ──────────────────────────────

constexpr auto ESCAPING =
    asyncl::context<std::atomic<int>, mode::barrier>("ESCAPING", [] { return 0; });
using EscapingRef = LocalRef<std::atomic<int>, mode::barrier>;

Task<void> leak_a_reference(EscapingRef** out) {
  *out = new EscapingRef(ESCAPING.local_ref());
  co_return;
}

// A reference smuggled out of its task by pointer (C++ cannot stop that), used once the
// runtime, and so the worker whose object it denotes, is gone.
void dereference_after_shutdown() {
  EscapingRef* escaped = nullptr;
  {
    Runtime rt = multi(1);
    rt.block_on(leak_a_reference(&escaped));
  }
  (*escaped)->fetch_add(1);
}

TEST(ContextDeathTest, DereferenceAfterShutdownAbortsNamingTheKey) {
#if defined(ASYNCL_CHECKED)
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(dereference_after_shutdown(),
               "LocalRef to context 'ESCAPING'.*dereferenced after its runtime shut down");
#else
  (void)&dereference_after_shutdown;
  GTEST_SKIP() << "the generation check exists in checked builds (ASYNCL_CHECKED) only";
#endif
}

// A current-thread runtime that outlives main (a static): the owner thread's thread_local
// objects are destroyed before static objects at exit, so shutdown would destroy frames that
// write through barrier-mode references into destroyed objects. Before the fix that was a
// heap-use-after-free at exit (ASan) or silent corruption; now shutdown refuses, naming the
// reason (and, in checked builds, the key).
struct LongText {
  std::string text = std::string(64, 'x');  // on the heap: a write after destruction is caught
};
constexpr auto OWNER_TEXT = asyncl::context<LongText>("OWNER_TEXT", [] { return LongText(); });

[[noreturn]] void static_runtime_with_owner_references_at_exit() {
  static asyncl::Notify never;  // first: destroyed after the runtime
  static asyncl::Runtime rt = asyncl::Runtime::Builder().current_thread().build();
  rt.block_on([]() -> Task<void> {
    (void)asyncl::spawn([]() -> Task<void> {
      struct WritesOnDestruction {
        asyncl::LocalRef<LongText> ref;
        ~WritesOnDestruction() { ref->text.append("written while the frame is destroyed"); }
      } holder{OWNER_TEXT.local_ref()};
      co_await never.wait();
    }());
    co_await asyncl::yield_now();  // the child takes its reference and suspends
  }());
  std::exit(0);
}

TEST(ContextDeathTest, StaticCurrentThreadRuntimeWithOwnerReferencesIsRefusedAtExit) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
#if defined(ASYNCL_CHECKED)
  EXPECT_DEATH(static_runtime_with_owner_references_at_exit(),
               "destroyed after the thread_local objects of its owner thread.*'OWNER_TEXT'");
#else
  EXPECT_DEATH(static_runtime_with_owner_references_at_exit(),
               "destroyed after the thread_local objects of its owner thread");
#endif
}

// Without live tasks there is nothing to destroy: a static runtime may end at exit.
TEST(ContextExit, StaticCurrentThreadRuntimeWithoutTasksEndsCleanlyAtExit) {
  EXPECT_EXIT(
      {
        static asyncl::Runtime rt = asyncl::Runtime::Builder().current_thread().build();
        rt.block_on([]() -> Task<void> {
          auto ref = OWNER_TEXT.local_ref();
          ref->text.append("!");
          co_return;
        }());
        std::exit(3);
      },
      ::testing::ExitedWithCode(3), "");
}

}  // namespace
