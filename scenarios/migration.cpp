// scenarios/migration.cpp — migration: a LocalRef made on one worker, used after the task has
// provably moved to another; task-local values follow; this_worker::index() is right after
// every resume.
//
// Each iteration, for each mode, a two-worker runtime runs one migrator and two companions,
// each in a TaskLocal scope of its own value. The migrator makes a LocalRef, then resumes 30
// times: every third resume is a forced move (support/migration.hpp: it must land on the other
// worker), the others are yield_now (which may or may not move it). After every resume it
// checks, against what each thread recorded about itself in plain code (ThreadCard, built on
// the thread by a Context initializer, keyed by the kernel's thread id):
//   - this_worker::index() names the worker whose thread is running;
//   - a forced move did change the worker;
//   - the LocalRef made before still denotes the creating thread's object;
//   - the accessor for "the calling thread's object" (a fresh local_ref()) denotes the object
//     of the thread that runs now, not of the one the task ran on before the co_await;
//   - the task-local value is the task's own, also inside a nested scope that migrates, and
//     again after that scope ended.
// The companions yield 40 times and check the same, without forcing moves.

#include "migration.hpp"

#include <atomic>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "asyncl/context.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task.hpp"
#include "asyncl/task_local.hpp"
#include "support/iterations.hpp"
#include "support/migration.hpp"
#include "support/threads.hpp"

namespace asyncl::scenarios {
namespace {

/// What a thread says about itself, in plain (non-coroutine) code on that thread.
struct ThreadCard {
  long os_thread = 0;
  std::optional<std::size_t> worker;
};

/// Thread records by kernel thread id. A new thread that gets a dead thread's id replaces its
/// record when it first records itself, which it does before anything looks it up.
template <class Record>
class ThreadRecords {
 public:
  void record(long os_thread, Record record) {
    std::lock_guard lock(mutex_);
    records_[os_thread] = record;
  }
  std::optional<Record> lookup(long os_thread) {
    std::lock_guard lock(mutex_);
    const auto found = records_.find(os_thread);
    if (found == records_.end()) return std::nullopt;
    return found->second;
  }

 private:
  std::mutex mutex_;
  std::map<long, Record> records_;
};

ThreadRecords<ThreadCard>& thread_cards() {
  static auto* cards = new ThreadRecords<ThreadCard>();
  return *cards;
}

/// Built on each thread's first use of THREAD_CARD, by that thread: records the thread's own
/// kernel id and the worker index the runtime gave it.
struct CardMaker {
  CardMaker() {
    ThreadCard card{os_thread_id(), this_worker::index()};
    thread_cards().record(card.os_thread, card);
  }
  CardMaker(const CardMaker&) = delete;
  CardMaker& operator=(const CardMaker&) = delete;
};

// Leaky: a thread keeps its card (and has recorded itself) as long as the process lives.
constexpr auto THREAD_CARD = asyncl::context<CardMaker, asyncl::mode::leaky>(
    "MIGRATION_THREAD_CARD", [] { return CardMaker(); });

/// Records the calling thread (once per thread); never inlined, never in a coroutine body.
[[gnu::noinline]] void record_this_thread() { (void)THREAD_CARD.local_ref(); }

/// The per-thread object whose references migrate.
struct Located {
  explicit Located(ModeName mode);
  Located(const Located&) = delete;
  Located& operator=(const Located&) = delete;
  const long os_thread;
  std::atomic<long> uses{0};
};

ThreadRecords<const Located*>& located_objects(ModeName mode) {
  static auto* records = new ThreadRecords<const Located*>[3];
  return records[static_cast<int>(mode)];
}

Located::Located(ModeName mode) : os_thread(os_thread_id()) {
  located_objects(mode).record(os_thread, this);
}

/// One key per mode (each specialisation is its own Context type, so its own per-thread slot).
template <class Mode>
constexpr auto located_key = asyncl::context<Located, Mode>("MIGRATION_LOCATED", [] {
  return Located(mode_name_of<Mode>());
});

static asyncl::TaskLocal<long> TASK_VALUE;

constexpr int kMigratorResumes = 30;
constexpr int kCompanionResumes = 40;

/// What one runtime's tasks found. Each task writes only its own counters.
struct MigrationRun {
  explicit MigrationRun(const MigrationVariant& variant_in, ModeName mode_in)
      : variant(variant_in), mode(mode_in) {}

  const MigrationVariant& variant;
  const ModeName mode;
  std::atomic<long> resumes{0};
  std::atomic<long> forced_moves{0};
  std::atomic<long> resumed_elsewhere{0};
  std::atomic<long> nested_scopes{0};

  void fail(std::string message) {
    std::lock_guard lock(mutex_);
    if (failures_.size() < 8) failures_.push_back(std::move(message));
  }
  std::vector<std::string> failures() {
    std::lock_guard lock(mutex_);
    return failures_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> failures_;
};

std::string describe_worker(const std::optional<std::size_t>& index) {
  return index ? "worker " + std::to_string(*index) : std::string("no worker");
}

/// The checks after a resume that do not depend on the task's history. `before_object` is the
/// calling thread's object as computed before the co_await (see MigrationVariant).
template <class Mode>
void check_resume(MigrationRun& run, const char* who, const Located* before_object,
                  long expected_value) {
  const long here = os_thread_id();
  const std::optional<std::size_t> index = this_worker::index();
  record_this_thread();
  const std::optional<ThreadCard> card = thread_cards().lookup(here);
  if (!card) {
    run.fail(std::string(who) + " resumed on thread " + std::to_string(here) +
             ", which never recorded itself");
  } else if (!card->worker) {
    run.fail(std::string(who) + " resumed on thread " + std::to_string(here) +
             ", which is not a worker");
  } else if (index != card->worker) {
    run.fail(std::string(who) + ": this_worker::index() says " + describe_worker(index) +
             " on a thread that recorded itself as " + describe_worker(card->worker));
  }
  const Located* current =
      run.variant.cache_tls_address_across_await ? before_object : &*located_key<Mode>.local_ref();
  if (current->os_thread != here) {
    run.fail(std::string(who) + ": the calling thread's object is thread " +
             std::to_string(current->os_thread) + "'s, but thread " + std::to_string(here) +
             " is running (a thread-local address was kept "
             "across co_await)");
  }
  const std::optional<long> value = TASK_VALUE.try_get();
  if (value != expected_value) {
    run.fail(std::string(who) + ": task-local value " +
             (value ? std::to_string(*value) : std::string("(none)")) +
             " where the task's own is " + std::to_string(expected_value));
  }
  run.resumes.fetch_add(1, std::memory_order_relaxed);
}

/// A nested scope that moves to the other worker inside it.
template <class Mode>
Task<void> nested(MigrationRun* run, long value) {
  const Located* const before_object = &*located_key<Mode>.local_ref();
  const bool moved = co_await move_to_another_worker();
  if (!moved) run->fail("a nested scope could not move to the other worker");
  check_resume<Mode>(*run, "a nested scope", before_object, value);
  run->nested_scopes.fetch_add(1, std::memory_order_relaxed);
}

template <class Mode>
Task<void> migrator(MigrationRun* run, long value) {
  constexpr auto key = located_key<Mode>;
  // Both workers record themselves and build their objects first.
  record_this_thread();
  (void)*key.local_ref();
  if (!co_await move_to_another_worker())
    run->fail("the migrator could not move to the other worker");
  record_this_thread();
  (void)*key.local_ref();

  LocalRef<Located, Mode> ref = key.local_ref();
  const long creator = os_thread_id();
  const std::optional<const Located*> recorded = located_objects(run->mode).lookup(creator);
  if (!recorded || *recorded != &*ref || ref->os_thread != creator) {
    run->fail("a fresh reference does not denote the object its thread recorded");
  }
  const Located* const creator_object = &*ref;

  for (int i = 1; i <= kMigratorResumes; ++i) {
    const std::optional<std::size_t> before = this_worker::index();
    const Located* const before_object = &*key.local_ref();
    const bool forced = i % 3 == 0;
    bool moved = false;
    if (forced) {
      moved = co_await move_to_another_worker();
    } else {
      co_await yield_now();
    }
    check_resume<Mode>(*run, "the migrator", before_object, value);
    const long here = os_thread_id();
    if (forced) {
      if (!moved || this_worker::index() == before) {
        run->fail("a forced move left the migrator on " + describe_worker(this_worker::index()));
      } else {
        run->forced_moves.fetch_add(1, std::memory_order_relaxed);
      }
    }
    if (here != creator) run->resumed_elsewhere.fetch_add(1, std::memory_order_relaxed);
    if (&*ref != creator_object || ref->os_thread != creator) {
      run->fail("the reference made on thread " + std::to_string(creator) + " denotes thread " +
                std::to_string(ref->os_thread) + "'s object after a resume on thread " +
                std::to_string(here));
    }
    ref->uses.fetch_add(1, std::memory_order_relaxed);
    if (i % 8 == 4) {
      const long inner = value * 1000 + i;
      co_await TASK_VALUE.scope(inner, nested<Mode>(run, inner));
      check_resume<Mode>(*run, "the migrator after a nested scope", &*key.local_ref(), value);
    }
  }
}

template <class Mode>
Task<void> companion(MigrationRun* run, long value) {
  for (int i = 0; i < kCompanionResumes; ++i) {
    const Located* const before_object = &*located_key<Mode>.local_ref();
    co_await yield_now();
    check_resume<Mode>(*run, "a companion", before_object, value);
  }
}

template <class Mode>
Task<void> run_tasks(MigrationRun* run, long base) {
  JoinHandle<void> first = spawn(TASK_VALUE.scope(base + 1, migrator<Mode>(run, base + 1)));
  JoinHandle<void> second = spawn(TASK_VALUE.scope(base + 2, companion<Mode>(run, base + 2)));
  JoinHandle<void> third = spawn(TASK_VALUE.scope(base + 3, companion<Mode>(run, base + 3)));
  co_await std::move(first);
  co_await std::move(second);
  co_await std::move(third);
}

struct ModeStats {
  long resumes = 0;
  long forced_moves = 0;
  long resumed_elsewhere = 0;
  long nested_scopes = 0;

  void add_to(JsonObject& object) const {
    object.set("resumes_checked", resumes);
    object.set("forced_moves", forced_moves);
    object.set("migrator_resumes_off_creator", resumed_elsewhere);
    object.set("nested_scopes", nested_scopes);
  }
};

}  // namespace

void run_migration(const RunRequest& request, Outcome& outcome, const MigrationVariant& variant) {
  run_iterations<ModeStats>(
      request, outcome, [&](ModeName mode, std::uint64_t iteration, ModeStats& stats) {
        MigrationRun run(variant, mode);
        const long base = static_cast<long>((request.seed + iteration) % 1000) * 10;
        {
          Runtime runtime = Runtime::Builder().worker_threads(2).build();
          with_mode(mode,
                    [&](auto tag) { runtime.block_on(run_tasks<decltype(tag)>(&run, base)); });
        }
        stats.resumes += run.resumes.load();
        stats.forced_moves += run.forced_moves.load();
        stats.resumed_elsewhere += run.resumed_elsewhere.load();
        stats.nested_scopes += run.nested_scopes.load();
        for (const std::string& failure : run.failures())
          outcome.fail(where(iteration, mode, "multi_thread") + failure);
      });
}

namespace {

const Registrar kMigration{[] {
  Entry entry;
  entry.name = "migration";
  entry.description =
      "A LocalRef made on one worker is used after the task provably moved to the other; "
      "task-local values "
      "follow the task through moves and nested scopes; this_worker::index() and a fresh "
      "local_ref() name "
      "the thread that runs after every resume.";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    run_migration(request, outcome, {});
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
