// scenarios/isolation.cpp — isolation: many tasks with distinct task-local values interleaved on
// shared threads, in both runtime flavors.
//
// Each iteration, for each mode, a current-thread runtime (every task on one thread: the
// interleaving is certain) and then a two-worker runtime run 16 tasks that yield 12 times
// each. Tasks 0, 1, 2 (mod 4) run in a TaskLocal scope of their own value, task 3 (mod 4) in
// none. After every resume each task checks that it sees exactly its own value (or none), and
// records which Context object its thread gives it: every thread has one object of its own,
// distinct from every other thread's. On the way it opens a nested scope that shadows its value
// across a yield (and checks the outer value is back afterwards), leaves a nested scope by an
// exception (same check), and spawns two children: one with inherit_task_locals (it sees a copy
// of the value, and changing the copy changes nothing for the parent) and one without (it sees
// nothing).
//
// The scenario stops every task at its next step after the first wrong observation: under a
// mutant, a thread's view may go on pointing into scopes that have ended, and reading those would
// turn a clear scenario assertion into a use-after-free somewhere else.

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "asyncl/context.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task.hpp"
#include "asyncl/task_local.hpp"
#include "isolation.hpp"
#include "support/iterations.hpp"
#include "support/threads.hpp"

namespace asyncl::scenarios {
namespace {

static asyncl::TaskLocal<long> VALUE;

constexpr int kTasks = 16;
constexpr int kRounds = 12;

struct Marker {
  std::atomic<long> uses{0};
};

/// One key per mode (each specialisation is its own Context type, so its own per-thread slot).
template <class Mode>
constexpr auto marker_key = asyncl::context<Marker, Mode>("ISOLATION_MARKER",
                                                          [] { return Marker(); });

struct LeftScope : std::runtime_error {
  LeftScope() : std::runtime_error("leaving a nested scope by an exception") {}
};

/// One runtime's worth of tasks.
class IsolationRun {
 public:
  IsolationRun() = default;
  IsolationRun(const IsolationRun&) = delete;
  IsolationRun& operator=(const IsolationRun&) = delete;

  /// After the first failure every task stops at its next step.
  bool stopped() const noexcept { return stopped_.load(std::memory_order_relaxed); }

  void fail(std::string message) {
    stopped_.store(true, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    if (failures_.size() < 8) failures_.push_back(std::move(message));
  }
  std::vector<std::string> failures() {
    std::lock_guard lock(mutex_);
    return failures_;
  }

  /// The task `who` expects `expected` (nullopt: no scope) and sees what VALUE says.
  void check_value(const std::string& who, std::optional<long> expected) {
    if (stopped()) return;
    const std::optional<long> seen = VALUE.try_get();
    checks_.fetch_add(1, std::memory_order_relaxed);
    if (seen != expected) {
      fail(who + " sees task-local value " +
           (seen ? std::to_string(*seen) : std::string("(none)")) + " where its own is " +
           (expected ? std::to_string(*expected) : std::string("(none)")));
    }
  }

  /// The calling thread and the Context object it gives the calling task.
  void record_object(const void* object) {
    const long thread = os_thread_id();
    std::lock_guard lock(mutex_);
    const auto [it, inserted] = objects_.emplace(thread, object);
    if (!inserted && it->second != object) {
      if (failures_.size() < 8)
        failures_.push_back("thread " + std::to_string(thread) + " gave two different objects");
      stopped_.store(true, std::memory_order_relaxed);
    }
  }

  /// Every thread's object is its own.
  void check_objects_distinct() {
    std::lock_guard lock(mutex_);
    std::set<const void*> distinct;
    for (const auto& [thread, object] : objects_) distinct.insert(object);
    if (distinct.size() != objects_.size()) {
      failures_.push_back(std::to_string(objects_.size()) + " threads shared " +
                          std::to_string(distinct.size()) + " Context objects");
    }
  }

  std::size_t threads_seen() {
    std::lock_guard lock(mutex_);
    return objects_.size();
  }
  long checks() const noexcept { return checks_.load(); }
  void count_child() noexcept { children_.fetch_add(1, std::memory_order_relaxed); }
  long children() const noexcept { return children_.load(); }

 private:
  std::atomic<bool> stopped_{false};
  std::atomic<long> checks_{0};
  std::atomic<long> children_{0};
  std::mutex mutex_;
  std::vector<std::string> failures_;
  std::map<long, const void*> objects_;
};

Task<void> shadowing(IsolationRun* run, std::string who, long inner) {
  run->check_value(who + " in a nested scope", inner);
  co_await yield_now();
  run->check_value(who + " in a nested scope after a yield", inner);
}

Task<void> throwing(IsolationRun* run, std::string who, long inner) {
  co_await yield_now();
  run->check_value(who + " in a scope left by an exception", inner);
  throw LeftScope();
}

Task<void> inheriting_child(IsolationRun* run, std::string who, std::optional<long> expected) {
  run->check_value(who + "'s inheriting child", expected);
  if (!run->stopped() && expected) VALUE.with([](long& value) { value = -value; });
  co_await yield_now();
  run->check_value(who + "'s inheriting child after changing its copy",
                   expected ? std::optional<long>(-*expected) : std::nullopt);
  run->count_child();
}

Task<void> plain_child(IsolationRun* run, std::string who) {
  run->check_value(who + "'s child without inheritance", std::nullopt);
  co_await yield_now();
  run->check_value(who + "'s child without inheritance after a yield", std::nullopt);
  run->count_child();
}

template <class Mode>
Task<void> interleaved(IsolationRun* run, int index, std::optional<long> value) {
  const std::string who = "task " + std::to_string(index);
  for (int round = 0; round < kRounds && !run->stopped(); ++round) {
    run->record_object(&*marker_key<Mode>.local_ref());
    run->check_value(who, value);
    co_await yield_now();
    if (run->stopped()) break;
    run->check_value(who + " after a yield", value);
    if (round == 3 && value) {
      const long inner = *value * 100 + round;
      co_await VALUE.scope(inner, shadowing(run, who, inner));
      run->check_value(who + " after a nested scope ended", value);
    } else if (round == 5 && value) {
      try {
        co_await VALUE.scope(*value * 100 + round, throwing(run, who, *value * 100 + round));
        run->fail(who + ": the exception did not leave the nested scope");
      } catch (const LeftScope&) {
      }
      run->check_value(who + " after an exception left a nested scope", value);
    } else if (round == 7 && !run->stopped()) {
      JoinHandle<void> inheriting = spawn(inheriting_child(run, who, value), inherit_task_locals);
      JoinHandle<void> plain = spawn(plain_child(run, who));
      co_await std::move(inheriting);
      co_await std::move(plain);
      run->check_value(who + " after its children changed their copies", value);
    }
  }
}

template <class Mode>
Task<void> spawn_all(IsolationRun* run, long base) {
  std::vector<JoinHandle<void>> handles;
  for (int i = 0; i < kTasks; ++i) {
    if (i % 4 == 3) {
      handles.push_back(spawn(interleaved<Mode>(run, i, std::nullopt)));
    } else {
      const long value = base + i;
      handles.push_back(spawn(VALUE.scope(value, interleaved<Mode>(run, i, value))));
    }
  }
  for (JoinHandle<void>& handle : handles) co_await std::move(handle);
}

struct ModeStats {
  long checks = 0;
  long children = 0;
  std::size_t max_threads = 0;

  void add_to(JsonObject& object) const {
    object.set("values_checked", checks);
    object.set("children", children);
    object.set("threads_with_objects", static_cast<std::uint64_t>(max_threads));
  }
};

}  // namespace

void run_isolation(const RunRequest& request, Outcome& outcome) {
  run_iterations<ModeStats>(
      request, outcome, [&](ModeName mode, std::uint64_t iteration, ModeStats& stats) {
        const long base = static_cast<long>((request.seed * 7919 + iteration) % 100000) * 100 + 1;
        // Current-thread first: there the interleaving of scoped and unscoped tasks is certain.
        for (const bool multi_thread : {false, true}) {
          IsolationRun run;
          {
            Runtime::Builder builder;
            if (multi_thread) {
              builder.multi_thread().worker_threads(2);
            } else {
              builder.current_thread();
            }
            Runtime runtime = builder.build();
            with_mode(mode,
                      [&](auto tag) { runtime.block_on(spawn_all<decltype(tag)>(&run, base)); });
          }
          run.check_objects_distinct();
          stats.checks += run.checks();
          stats.children += run.children();
          stats.max_threads = std::max(stats.max_threads, run.threads_seen());
          const char* flavor = multi_thread ? "multi_thread" : "current_thread";
          for (const std::string& failure : run.failures())
            outcome.fail(where(iteration, mode, flavor) + failure);
          if (outcome.failed()) break;
        }
      });
}

namespace {

const Registrar kIsolation{[] {
  Entry entry;
  entry.name = "isolation";
  entry.description =
      "Sixteen tasks with distinct task-local values (and some with none) interleaved on one "
      "thread and on "
      "two workers: nested scopes, a scope left by an exception, children with and without "
      "inherit_task_locals; every thread's Context object is its own.";
  entry.run = run_isolation;
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
