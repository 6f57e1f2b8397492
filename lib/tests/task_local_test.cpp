// Tests of asyncl/task_local.hpp: scopes that follow a task across awaits, workers and foreign
// threads; isolation of tasks sharing a thread; nesting, exceptions, spawn inheritance; and the
// value's visibility while a task's frame is destroyed.

#include "asyncl/task_local.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "migration_support.hpp"

#include "flavors.hpp"

namespace {

using asyncl::JoinHandle;
using asyncl::Runtime;
using asyncl::Task;
using asyncl::TaskLocal;

constinit TaskLocal<int> g_number;
constinit TaskLocal<std::string> g_name;
constinit TaskLocal<std::unique_ptr<int>> g_owned;  // not copyable: never inherited
constinit TaskLocal<std::shared_ptr<int>> g_shared;

template <class K>
concept HasGet = requires(const K& key) {
  key.get();
  key.try_get();
};
static_assert(HasGet<TaskLocal<int>>);
static_assert(!HasGet<TaskLocal<std::unique_ptr<int>>>, "get() copies, so only copyable T has it");
static_assert(!std::is_copy_constructible_v<TaskLocal<int>> &&
                  !std::is_move_constructible_v<TaskLocal<int>>,
              "the key's address is its identity");

using asyncl::testing::multi;
using asyncl::testing::single;

class TaskLocalFlavors : public asyncl::testing::FlavorTest {};
ASYNCL_TEST_BOTH_FLAVORS(TaskLocal, TaskLocalFlavors);

// What a piece of code sees of g_number, as a value that compares in one EXPECT.
std::optional<int> seen() { return g_number.try_get(); }
using Views = std::vector<std::optional<int>>;

// ── The three classic exercises ───────────────────────────────────────────────────────────────

Task<int> read_after_child() {
  co_await asyncl::yield_now();
  co_return g_number.get();
}

TEST_P(TaskLocalFlavors, ValueSurvivesCoAwait) {
  Runtime rt = make();
  const Views views = rt.block_on(g_number.scope(42, []() -> Task<Views> {
    Views views;
    views.push_back(seen());
    co_await asyncl::yield_now();
    views.push_back(seen());
    co_await asyncl::sleep_for(std::chrono::milliseconds(1));
    views.push_back(seen());
    views.push_back(co_await read_after_child());  // an awaited task sees its awaiter's values
    views.push_back(seen());
    co_await asyncl::spawn_blocking([] {});
    views.push_back(seen());
    co_return views;
  }()));
  EXPECT_EQ(views, Views(6, 42));
  EXPECT_EQ(seen(), std::nullopt);  // nothing is left on the owner thread
}

Task<int> count_wrong_values(int expected, int yields) {
  int wrong = 0;
  for (int i = 0; i < yields; ++i) {
    co_await asyncl::yield_now();
    wrong += seen() != std::optional<int>(expected);
  }
  co_return wrong;
}

Task<int> count_leaked_values(int yields) {
  int leaked = 0;
  for (int i = 0; i < yields; ++i) {
    co_await asyncl::yield_now();
    leaked += seen().has_value();
  }
  co_return leaked;
}

TEST_P(TaskLocalFlavors, TenTasksSeeTheirOwnValuesAfterYielding) {
  Runtime rt = make();
  const int wrong = rt.block_on([]() -> Task<int> {
    std::vector<JoinHandle<int>> handles;
    for (int i = 0; i < 10; ++i) {
      handles.push_back(asyncl::spawn(g_number.scope(i, count_wrong_values(i, 50))));
      handles.push_back(asyncl::spawn(count_leaked_values(50)));  // unscoped neighbours see nothing
    }
    int wrong = 0;
    for (auto& h : handles) wrong += co_await std::move(h);
    co_return wrong;
  }());
  EXPECT_EQ(wrong, 0);
}

TEST_P(TaskLocalFlavors, SpawnedChildDoesNotInherit) {
  Runtime rt = make();
  struct ChildViews {
    bool child_with_void = true;
    std::optional<int> child_with_value = 0;
    std::optional<int> child_get = 0;
    bool child_with_threw = false;
    std::optional<int> parent_after = 0;
  };
  const ChildViews v = rt.block_on(g_number.scope(7, []() -> Task<ChildViews> {
    ChildViews v;
    v.child_with_void =
        co_await asyncl::spawn([]() -> Task<bool> { co_return g_number.try_with([](int&) {}); }());
    v.child_with_value = co_await asyncl::spawn([]() -> Task<std::optional<int>> {
      co_return g_number.try_with([](int& x) { return x; });
    }());
    v.child_get = co_await asyncl::spawn([]() -> Task<std::optional<int>> { co_return seen(); }());
    v.child_with_threw = co_await asyncl::spawn([]() -> Task<bool> {
      try {
        (void)g_number.with([](int& x) { return x; });
      } catch (const asyncl::TaskLocalAccessError&) {
        co_return true;
      }
      co_return false;
    }());
    v.parent_after = seen();
    co_return v;
  }()));
  EXPECT_FALSE(v.child_with_void);
  EXPECT_EQ(v.child_with_value, std::nullopt);
  EXPECT_EQ(v.child_get, std::nullopt);
  EXPECT_TRUE(v.child_with_threw);
  EXPECT_EQ(v.parent_after, 7);
}

// ── Nesting and exceptions ────────────────────────────────────────────────────────────────────

TEST_P(TaskLocalFlavors, NestedScopesShadowAndRestore) {
  Runtime rt = make();
  const Views views = rt.block_on(g_number.scope(1, []() -> Task<Views> {
    Views views{seen()};
    Views inner = co_await g_number.scope(2, []() -> Task<Views> {
      Views views{seen()};
      co_await asyncl::yield_now();
      views.push_back(seen());
      // Another key is independent of this one, and both are visible together.
      const std::string name = co_await g_name.scope("inner", []() -> Task<std::string> {
        co_await asyncl::yield_now();
        co_return g_name.get() + ":" + std::to_string(g_number.get());
      }());
      EXPECT_EQ(name, "inner:2");
      EXPECT_FALSE(g_name.try_get().has_value());
      views.push_back(seen());
      co_return views;
    }());
    views.insert(views.end(), inner.begin(), inner.end());
    views.push_back(seen());
    co_await asyncl::yield_now();
    views.push_back(seen());
    co_return views;
  }()));
  EXPECT_EQ(views, (Views{1, 2, 2, 2, 1, 1}));
}

TEST_P(TaskLocalFlavors, ExceptionLeavingTheInnerScopeRestoresTheOuterValue) {
  Runtime rt = make();
  const Views views = rt.block_on(g_number.scope(1, []() -> Task<Views> {
    Views views;
    for (const bool suspend_first : {true, false}) {
      try {
        co_await g_number.scope(2, [](bool suspend_first) -> Task<void> {
          if (suspend_first) co_await asyncl::yield_now();
          throw std::runtime_error("inner");
        }(suspend_first));
      } catch (const std::runtime_error&) {
        views.push_back(seen());
      }
      co_await asyncl::yield_now();
      views.push_back(seen());
    }
    co_return views;
  }()));
  EXPECT_EQ(views, (Views{1, 1, 1, 1}));
  // Out of the outermost scope too: block_on rethrows and the owner thread sees nothing.
  EXPECT_THROW(rt.block_on(g_number.scope(3,
                                          []() -> Task<void> {
                                            co_await asyncl::yield_now();
                                            throw std::runtime_error("outer");
                                          }())),
               std::runtime_error);
  EXPECT_EQ(seen(), std::nullopt);
}

// ── Inheritance ───────────────────────────────────────────────────────────────────────────────

struct InheritedViews {
  std::optional<int> number = -1;
  std::optional<std::string> name;
  bool owned_visible = true;
  std::optional<int> after_own_change = -1;
};

struct InheritSignals {
  asyncl::Notify child_changed;
  asyncl::Notify parent_scopes_ended;
};

// Changes its copy of g_number, then reads everything once the spawner's scopes have ended.
Task<InheritedViews> inheriting_child(InheritSignals* signals) {
  InheritedViews v;
  v.number = seen();
  (void)g_number.try_with([](int& x) { x = 100; });
  signals->child_changed.notify_one();
  co_await signals->parent_scopes_ended.wait();
  v.name = g_name.try_get();
  v.owned_visible = g_owned.try_with([](std::unique_ptr<int>&) {});
  co_await asyncl::yield_now();
  v.after_own_change = seen();
  co_return v;
}

TEST_P(TaskLocalFlavors, InheritTaskLocalsCopiesEveryVisibleValue) {
  Runtime rt = make();
  struct Outcome {
    InheritedViews child;
    std::optional<int> parent_after_child_changed = -1;
    InheritedViews unscoped_child;
  };
  const Outcome out = rt.block_on([]() -> Task<Outcome> {
    Outcome out;
    InheritSignals signals;
    // Spawned inside four scopes (one shadowed, one of a non-copyable type); joined outside.
    auto spawner = [](Outcome* out, InheritSignals* signals) -> Task<JoinHandle<InheritedViews>> {
      JoinHandle<InheritedViews> h =
          asyncl::spawn(inheriting_child(signals), asyncl::inherit_task_locals);
      co_await signals->child_changed.wait();
      out->parent_after_child_changed = seen();
      co_return h;
    };
    JoinHandle<InheritedViews> h = co_await g_name.scope(
        "outer", g_owned.scope(std::make_unique<int>(5),
                               g_number.scope(1, g_number.scope(2, spawner(&out, &signals)))));
    signals.parent_scopes_ended.notify_one();
    out.child = co_await std::move(h);
    InheritSignals unscoped;
    JoinHandle<InheritedViews> u =
        asyncl::spawn(inheriting_child(&unscoped), asyncl::inherit_task_locals);
    co_await unscoped.child_changed.wait();
    unscoped.parent_scopes_ended.notify_one();
    out.unscoped_child = co_await std::move(u);
    co_return out;
  }());
  EXPECT_EQ(out.parent_after_child_changed, 2);  // the child's change stayed in the child
  EXPECT_EQ(out.child.number, 2);                // the innermost value: what the spawner saw
  EXPECT_EQ(out.child.name, "outer");
  EXPECT_FALSE(out.child.owned_visible);
  EXPECT_EQ(out.child.after_own_change, 100);
  EXPECT_EQ(out.unscoped_child.number, std::nullopt);
  EXPECT_EQ(out.unscoped_child.after_own_change, std::nullopt);
}

// Copyable, but its copy constructor throws: inheriting it fails the spawn, and leaks nothing.
struct ThrowsWhenCopied {
  explicit ThrowsWhenCopied(int v) noexcept : value(v) {}
  ThrowsWhenCopied(const ThrowsWhenCopied&) { throw std::runtime_error("copy"); }
  ThrowsWhenCopied(ThrowsWhenCopied&&) noexcept = default;
  int value;
};
constinit TaskLocal<ThrowsWhenCopied> g_throws_when_copied;

TEST_P(TaskLocalFlavors, InheritingAValueWhoseCopyThrowsFailsTheSpawn) {
  Runtime rt = make();
  auto spawner = []() -> Task<bool> {
    try {
      (void)asyncl::spawn([]() -> Task<void> { co_return; }(), asyncl::inherit_task_locals);
    } catch (const std::runtime_error&) {
      co_return seen() == std::optional<int>(2);
    }
    co_return false;
  };
  const bool threw =
      rt.block_on(g_throws_when_copied.scope(ThrowsWhenCopied(1), g_number.scope(2, spawner())));
  EXPECT_TRUE(threw);
}

TEST_P(TaskLocalFlavors, InheritTaskLocalsFromASyncScopeOnTheOwnerThread) {
  Runtime rt = make();
  JoinHandle<std::optional<int>> h = g_number.sync_scope(9, [&] {
    return rt.spawn(
        []() -> Task<std::optional<int>> {
          co_await asyncl::yield_now();
          co_return seen();
        }(),
        asyncl::inherit_task_locals);
  });
  EXPECT_EQ(seen(), std::nullopt);
  EXPECT_EQ(rt.block_on([](JoinHandle<std::optional<int>> h) -> Task<std::optional<int>> {
    co_return co_await std::move(h);
  }(std::move(h))),
            9);
}

// ── Visibility while a frame is destroyed ─────────────────────────────────────────────────────

// Records what its destructor sees of g_number.
class RecordsOnDestruction {
 public:
  explicit RecordsOnDestruction(std::optional<int>* out) noexcept : out_(out) {}
  RecordsOnDestruction(RecordsOnDestruction&& other) noexcept
      : out_(std::exchange(other.out_, nullptr)) {}
  RecordsOnDestruction& operator=(RecordsOnDestruction&&) = delete;
  ~RecordsOnDestruction() {
    if (out_ != nullptr) *out_ = seen();
  }

 private:
  std::optional<int>* out_;
};

struct DestructionViews {
  std::optional<int> outer_local = -1;
  std::optional<int> inner_local = -1;
  std::optional<int> inner_parameter = -1;
  std::atomic<bool> suspended{false};
};

asyncl::Notify g_never_notified;

Task<void> wait_forever(RecordsOnDestruction /*dies with the frame*/, DestructionViews* v) {
  RecordsOnDestruction local(&v->inner_local);
  v->suspended = true;
  co_await g_never_notified.wait();
}

// Scope 1 around a frame that awaits scope 2 around a frame that waits forever: each frame's
// destructors must see their own scope's value.
Task<void> nested_waiters(DestructionViews* v) {
  co_await g_number.scope(1, [](DestructionViews* v) -> Task<void> {
    RecordsOnDestruction local(&v->outer_local);
    co_await g_number.scope(2, wait_forever(RecordsOnDestruction(&v->inner_parameter), v));
  }(v));
}

TEST_P(TaskLocalFlavors, ValueVisibleWhileSuspendedFrameIsDestroyedAtShutdown) {
  DestructionViews v;  // tokio issue 4604
  {
    Runtime rt = make();
    rt.block_on([](DestructionViews* v) -> Task<void> {
      (void)asyncl::spawn(nested_waiters(v));
      while (!v->suspended.load()) co_await asyncl::yield_now();
    }(&v));
  }
  EXPECT_EQ(v.inner_local, 2);
  EXPECT_EQ(v.inner_parameter, 2);
  EXPECT_EQ(v.outer_local, 1);
  EXPECT_EQ(seen(), std::nullopt);
}

TEST_P(TaskLocalFlavors, ValueVisibleWhileAbortedFrameIsDestroyed) {
  DestructionViews v;
  Runtime rt = make();
  rt.block_on([](DestructionViews* v) -> Task<void> {
    JoinHandle<void> h = asyncl::spawn(nested_waiters(v));
    while (!v->suspended.load()) co_await asyncl::yield_now();
    h.abort();
    try {
      co_await std::move(h);
    } catch (const asyncl::TaskCancelled&) {
    }
  }(&v));
  EXPECT_EQ(v.inner_local, 2);
  EXPECT_EQ(v.inner_parameter, 2);
  EXPECT_EQ(v.outer_local, 1);
}

TEST_P(TaskLocalFlavors, ParametersOfAFinishedTaskSeeTheValueWhenTheyDie) {
  std::optional<int> finished = -1;
  std::optional<int> threw = -1;
  Runtime rt = make();
  rt.block_on(
      g_number.scope(1, [](std::optional<int>* finished, std::optional<int>* threw) -> Task<void> {
        co_await g_number.scope(2, [](RecordsOnDestruction) -> Task<void> {
          co_await asyncl::yield_now();
        }(RecordsOnDestruction(finished)));
        try {
          co_await g_number.scope(3, [](RecordsOnDestruction) -> Task<void> {
            co_await asyncl::yield_now();
            throw std::runtime_error("inner");
          }(RecordsOnDestruction(threw)));
        } catch (const std::runtime_error&) {
        }
      }(&finished, &threw)));
  EXPECT_EQ(finished, 2);
  EXPECT_EQ(threw, 3);
}

TEST_P(TaskLocalFlavors, InheritedValuesVisibleWhileFramesAreDestroyed) {
  // The inherited copies belong to the root frame; the task's frame dies before them, whether
  // it finished (its parameters die last) or was destroyed suspended at shutdown.
  DestructionViews v;
  std::optional<int> finished_parameter = -1;
  {
    Runtime rt = make();
    auto spawner = [](DestructionViews* v, std::optional<int>* finished_parameter) -> Task<void> {
      co_await asyncl::spawn(
          [](RecordsOnDestruction) -> Task<void> {
            co_await asyncl::yield_now();
          }(RecordsOnDestruction(finished_parameter)),
          asyncl::inherit_task_locals);
      (void)asyncl::spawn(wait_forever(RecordsOnDestruction(&v->inner_parameter), v),
                          asyncl::inherit_task_locals);
      while (!v->suspended.load()) co_await asyncl::yield_now();
    };
    rt.block_on(g_number.scope(4, spawner(&v, &finished_parameter)));
  }
  EXPECT_EQ(finished_parameter, 4);
  EXPECT_EQ(v.inner_local, 4);
  EXPECT_EQ(v.inner_parameter, 4);
}

TEST(TaskLocal, ScopeTaskDestroyedBeforeItStartedReleasesItsValue) {
  auto value = std::make_shared<int>(1);
  {
    Task<void> never_started = g_shared.scope(value, []() -> Task<void> { co_return; }());
    EXPECT_EQ(value.use_count(), 2);
  }
  EXPECT_EQ(value.use_count(), 1);
  EXPECT_THROW((void)g_number.scope(1, Task<void>()), std::invalid_argument);
}

// ── Threads ───────────────────────────────────────────────────────────────────────────────────

// The calling thread's id, computed afresh after a resume on another thread (docs/hazards.md: clang
// 14 may reuse get_id() read before a suspension).
[[gnu::noinline]] std::thread::id current_thread_id() {
  asm volatile("" : : : "memory");
  return std::this_thread::get_id();
}

TEST(TaskLocalMultiThread, ValueFollowsTheTaskAcrossMigrations) {
  Runtime rt = multi(2);
  struct Outcome {
    int moves = 0;
    int wrong = 0;
  };
  const Outcome out = rt.block_on(g_number.scope(5, g_name.scope("migrant", []() -> Task<Outcome> {
    Outcome out;
    for (int i = 0; i < 20; ++i) {
      const std::size_t before = asyncl::this_worker::index().value();
      co_await asyncl::testing::move_to_another_worker();
      out.moves += asyncl::this_worker::index().value() != before;
      out.wrong += seen() != std::optional<int>(5);
      out.wrong += g_name.try_get() != std::optional<std::string>("migrant");
    }
    co_return out;
  }())));
  EXPECT_EQ(out.moves, 20);
  EXPECT_EQ(out.wrong, 0);
}

TEST_P(TaskLocalFlavors, ThousandTasksInterleavedOnSharedThreads) {
  // On the current-thread flavor all of them share the owner thread.
  Runtime rt = make();
  const int wrong = rt.block_on([]() -> Task<int> {
    std::vector<JoinHandle<int>> handles;
    handles.reserve(1100);
    for (int i = 0; i < 1000; ++i) {
      handles.push_back(asyncl::spawn(g_number.scope(i, count_wrong_values(i, 20))));
    }
    for (int i = 0; i < 100; ++i) handles.push_back(asyncl::spawn(count_leaked_values(20)));
    int wrong = 0;
    for (auto& h : handles) wrong += co_await std::move(h);
    co_return wrong;
  }());
  EXPECT_EQ(wrong, 0);
}

// A foreign executor: each await hands the task to a new std::thread that resumes it. After
// resume() returns there (the task suspended again or finished), the thread records its own view.
class ForeignThreads {
 public:
  class ResumeOnNewThread {
   public:
    explicit ResumeOnNewThread(ForeignThreads& threads) noexcept : threads_(threads) {}
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) { threads_.start(h); }
    void await_resume() const noexcept {}

   private:
    ForeignThreads& threads_;
  };

  ResumeOnNewThread resume_on_new_thread() noexcept { return ResumeOnNewThread(*this); }

  /// Joins every thread; returns what each saw after its resume() returned.
  Views join() {
    for (;;) {
      std::thread next;
      {
        std::lock_guard lock(mutex_);
        if (joined_ == threads_.size()) return views_after_resume_;
        next = std::move(threads_[joined_++]);
      }
      next.join();
    }
  }

 private:
  void start(std::coroutine_handle<> h) {
    std::lock_guard lock(mutex_);
    const std::size_t i = views_after_resume_.size();
    views_after_resume_.emplace_back(-1);
    threads_.emplace_back([this, h, i] {
      h.resume();
      const std::optional<int> view = seen();
      std::lock_guard lock(mutex_);
      views_after_resume_[i] = view;
    });
  }

  std::mutex mutex_;
  std::vector<std::thread> threads_;
  Views views_after_resume_;
  std::size_t joined_ = 0;
};

struct HopRecord {
  Views views;
  std::vector<std::thread::id> threads;
};

Task<void> hop_between_threads(ForeignThreads* foreign, HopRecord* record) {
  for (int i = 0; i < 3; ++i) {
    record->views.push_back(seen());
    record->threads.push_back(current_thread_id());
    co_await foreign->resume_on_new_thread();
  }
  record->views.push_back(seen());
  record->threads.push_back(current_thread_id());
}

// Starts a task without any runtime and counts `done` down when it finished.
struct Detached {
  struct promise_type {
    Detached get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

Detached drive(Task<void> task, std::latch* done) {
  co_await std::move(task);
  done->count_down();
}

TEST(TaskLocal, ForeignExecutorResumptionOnStdThreads) {
  ForeignThreads foreign;
  HopRecord record;
  std::latch done(1);
  drive(g_number.scope(31, hop_between_threads(&foreign, &record)), &done);
  const std::optional<int> starter_view = seen();  // the task suspended and left this thread
  done.wait();
  const Views foreign_views = foreign.join();
  EXPECT_EQ(starter_view, std::nullopt);
  EXPECT_EQ(record.views, Views(4, 31));
  ASSERT_EQ(record.threads.size(), 4u);
  for (std::size_t i = 1; i < record.threads.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) EXPECT_NE(record.threads[i], record.threads[j]);
  }
  EXPECT_EQ(foreign_views, Views(3, std::nullopt));
}

// ── Access outside a scope, sync_scope, value types ───────────────────────────────────────────

TEST(TaskLocal, AccessOutsideEveryScope) {
  EXPECT_THROW((void)g_number.with([](int& x) { return x; }), asyncl::TaskLocalAccessError);
  EXPECT_THROW((void)g_number.get(), asyncl::TaskLocalAccessError);
  EXPECT_THROW((void)g_number.get(), std::logic_error);
  EXPECT_FALSE(g_number.try_with([](int&) {}));
  EXPECT_EQ(g_number.try_with([](int& x) { return x; }), std::nullopt);
  EXPECT_EQ(g_number.try_get(), std::nullopt);
  // Inside a task without a scope, and on a plain thread, the same.
  Runtime rt = single();
  EXPECT_TRUE(rt.block_on([]() -> Task<bool> {
    try {
      (void)g_number.get();
    } catch (const asyncl::TaskLocalAccessError&) {
      co_return !g_number.try_get().has_value();
    }
    co_return false;
  }()));
  std::thread([] { EXPECT_THROW((void)g_number.get(), asyncl::TaskLocalAccessError); }).join();
}

TEST(TaskLocal, SyncScope) {
  EXPECT_EQ(g_number.sync_scope(1, [] { return g_number.get(); }), 1);
  const Views views = g_number.sync_scope(1, [] {
    Views views{seen()};
    g_number.sync_scope(2, [&] {
      views.push_back(seen());
      g_number.with([](int& x) { ++x; });
      views.push_back(seen());
    });
    views.push_back(seen());
    try {
      g_number.sync_scope(3, [] { throw std::runtime_error("inner"); });
    } catch (const std::runtime_error&) {
      views.push_back(seen());
    }
    return views;
  });
  EXPECT_EQ(views, (Views{1, 2, 3, 1, 1}));
  EXPECT_EQ(seen(), std::nullopt);
  // A reference result is passed through.
  int outside = 0;
  int& ref = g_number.sync_scope(5, [&]() -> int& { return outside; });
  EXPECT_EQ(&ref, &outside);
}

TEST_P(TaskLocalFlavors, SyncScopeInsideATask) {
  Runtime rt = make();
  const Views views = rt.block_on(g_number.scope(1, []() -> Task<Views> {
    Views views;
    views.push_back(g_number.sync_scope(2, [] { return seen(); }));
    views.push_back(seen());
    co_await asyncl::yield_now();
    views.push_back(seen());
    views.push_back(g_name.sync_scope("x", [] { return seen(); }));  // other keys stay visible
    co_return views;
  }()));
  EXPECT_EQ(views, (Views{2, 1, 1, 1}));
}

TEST_P(TaskLocalFlavors, MoveOnlyValueAndChangesThatLastAcrossAwaits) {
  Runtime rt = make();
  const int v = rt.block_on(g_owned.scope(std::make_unique<int>(10), []() -> Task<int> {
    g_owned.with([](std::unique_ptr<int>& p) { *p += 1; });
    co_await asyncl::yield_now();
    const std::optional<int> read = g_owned.try_with([](std::unique_ptr<int>& p) { return *p; });
    co_return read.value_or(-1);
  }()));
  EXPECT_EQ(v, 11);
}

TEST_P(TaskLocalFlavors, BlockingClosuresSeeNoTaskLocals) {
  Runtime rt = make();
  const std::optional<int> in_closure =
      rt.block_on(g_number.scope(8, []() -> Task<std::optional<int>> {
        co_return co_await asyncl::spawn_blocking([] { return seen(); });
      }()));
  EXPECT_EQ(in_closure, std::nullopt);
}

}  // namespace

namespace {

// Found by the workload scenario (awaiter.throw_suspend): the scope was left before a user
// awaiter's await_suspend threw, and nothing restored it, so the task read "no value" inside
// its own scope.
struct ThrowsInSuspend {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const { throw std::runtime_error("refused"); }
  void await_resume() const noexcept {}
};

TEST_P(TaskLocalFlavors, ValueSurvivesAnAwaiterThatThrowsFromAwaitSuspend) {
  Runtime rt = make();
  const auto views = rt.block_on(
      g_number.scope(3, []() -> Task<std::pair<std::optional<int>, std::optional<int>>> {
        try {
          co_await ThrowsInSuspend{};
        } catch (const std::runtime_error&) {
        }
        const std::optional<int> after_throw = seen();
        co_await asyncl::yield_now();
        co_return std::pair{after_throw, seen()};
      }()));
  EXPECT_EQ(views.first, std::optional<int>(3));
  EXPECT_EQ(views.second, std::optional<int>(3));
}

}  // namespace
