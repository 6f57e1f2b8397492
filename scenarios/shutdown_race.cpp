// scenarios/shutdown_race.cpp — shutdown-race: runtimes destroyed while tasks hold LocalRefs.
//
// Each iteration, for each requested mode, runs two episodes: a multi-thread runtime (2
// workers) and a current-thread runtime, each with a blocking pool. An episode spawns holder
// tasks. Every holder makes a LocalRef to the calling thread's Payload (a worker's, or the
// owner's inside block_on), yields and maybe makes a second one (the other worker's, if it
// moved), makes a third inside a spawn_blocking closure (a blocking thread's Payload), and
// puts a FrameGuard in its frame that writes through all of them when the frame is destroyed.
// Then it waits in one of four ways: on a Notify nobody notifies, in a yield_now loop that keeps
// using its references, in sleep_for(1h), or inside with_blocking, whose closure holds the
// worker's Payload until the runtime is being dropped. The owner waits until every holder is
// armed and then for a seeded number of yield-loop ticks, and drops the runtime.
//
// Payload owns heap memory (PayloadCells); its destructor writes to it and frees it. So a write
// through a LocalRef after the thread-local died is a heap-use-after-free for ASan and for
// TSan (TSan reports any access to freed memory, ordered or not), and a write before it that
// no happens-before edge orders is a TSan data race.
//
// What the scenario checks itself (exit 3): every FrameGuard was destroyed exactly once (a
// frame leaked at shutdown, step 4, is found here); every Payload of a pool thread was
// destroyed after every frame that referred to it had written (steps 4 to 6); every blocking
// closure finished (step 3).
//
// How each shutdown mutant is made deterministic (the mutants cite the steps of
// lib/src/scheduler.cpp):
//  - Blocking threads whose Payload is a write target are "clean": after the holders are armed
//    they run nothing, so from step 1 on they acquire only what the owner released in steps
//    1 and 3, never anything a worker released after a frame write. (The with_blocking holders
//    are spawned first and their closures occupy all but one blocking thread, so the other
//    holders' blocking references all point into that last, clean thread.) Without the barrier's
//    edges (relaxed_barrier, step 5) TSan therefore sees every frame write into a clean thread's
//    Payload race with its destructor, whatever the interleaving; ASan cannot see a missing
//    edge, so that mutant declares no ASan detection.
//  - Accesses to a worker's Payload take a mutex of its PayloadRecord, also in the destructor.
//    Frames, task bodies and closures reach workers' Payloads through many orderings (queue
//    locks, the idle set); with the mutex, each such access is either ordered before the
//    destructor or lands on freed memory, so the only reports a mutant can produce are
//    heap-use-after-free there, never a data race whose appearance depends on timing.
//  - The adversary (ShutdownAdversary) delays frame writes into blocking threads' Payloads and
//    a lingering closure's last use of a worker's Payload until that Payload died or a bound
//    passed. When a mutant lets a thread leave early (skip_barrier_wait: blocking threads
//    leave at step 5 without waiting; tls_before_tasks: workers return before step 4), the
//    delayed write then lands on freed memory in every iteration.
// The shutdown mutants only matter in barrier mode (leaky and shared objects do not die with
// their thread); `--mode all` runs barrier first. In leaky mode the multi-thread episode runs on
// a runtime built with barrier_protected(false) and a 1 ms blocking keep-alive, and the owner
// waits until the blocking thread that made the holders' references has exited: their frames
// then write through references into the objects of a thread that returned long ago, which
// leaky mode promises is sound (mutant leaky-freed-at-thread-exit breaks it).

#include "shutdown_race.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "asyncl/context.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task.hpp"
#include "support/iterations.hpp"
#include "support/threads.hpp"

namespace asyncl::scenarios {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// ── Payloads and their records ─────────────────────────────────────────────────────────────

/// What the scenario knows about one Payload, kept outside it: records are never freed, so a
/// frame or closure can ask whether a Payload died without touching the Payload.
struct PayloadRecord {
  /// Worker payloads only: orders every access with the destructor (see the file comment).
  std::mutex order;
  /// Relaxed everywhere: read only to time the adversary, never to order anything (an acquire
  /// here would add exactly the happens-before edge a mutant removes).
  std::atomic<bool> destroyed{false};
  std::atomic<long> frame_refs{0};           // FrameGuards holding a reference into the payload
  std::atomic<bool> destroyed_early{false};  // destroyed before every such guard had written
  // Written by the constructor on the owning thread, before any reference exists.
  bool on_worker = false;
  bool thread_bound = false;  // barrier mode: dies with its thread
  long os_thread = 0;
};

class PayloadRecords {
 public:
  PayloadRecord& create() {
    std::lock_guard lock(mutex_);
    return records_.emplace_back();
  }
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return records_.size();
  }
  template <class F>
  void for_each_since(std::size_t first, F&& fn) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = first; i < records_.size(); ++i) fn(records_[i]);
  }

 private:
  std::mutex mutex_;
  std::deque<PayloadRecord> records_;  // deque: records never move
};

PayloadRecords& payload_records() {
  static PayloadRecords* records = new PayloadRecords();  // never destroyed: used at thread exit
  return *records;
}

/// The payload's heap memory. The ballast gives it an allocator size class of its own, so a
/// freed block is not handed to another allocation while the adversary waits to write to it.
struct PayloadCells {
  std::atomic<long> uses{0};
  std::atomic<long> frame_writes{0};
  long destroyed_marker = 0;
  std::array<unsigned char, 6000> ballast{};
};

/// The per-thread object of the scenario's Context keys.
class Payload {
 public:
  explicit Payload(ModeName mode)
      : record_(&payload_records().create()), cells_(new PayloadCells()) {
    record_->on_worker = this_worker::index().has_value();
    record_->thread_bound = mode == ModeName::barrier;
    record_->os_thread = os_thread_id();
  }
  Payload(const Payload&) = delete;
  Payload& operator=(const Payload&) = delete;

  ~Payload() {
    {
      const std::unique_lock<std::mutex> lock = order_lock();
      cells_->destroyed_marker = -1;
      if (cells_->frame_writes.load(std::memory_order_relaxed) <
          record_->frame_refs.load(std::memory_order_relaxed)) {
        record_->destroyed_early.store(true, std::memory_order_relaxed);
      }
      delete cells_;
    }
    record_->destroyed.store(true, std::memory_order_relaxed);
  }

  /// A task body or a blocking closure uses the object.
  void use() const {
    const std::unique_lock<std::mutex> lock = order_lock();
    cells_->uses.fetch_add(1, std::memory_order_relaxed);
  }
  /// A frame being destroyed writes to the object (FrameGuard).
  void write_from_frame() const {
    const std::unique_lock<std::mutex> lock = order_lock();
    cells_->frame_writes.fetch_add(1, std::memory_order_relaxed);
  }

  PayloadRecord& record() const noexcept { return *record_; }

 private:
  std::unique_lock<std::mutex> order_lock() const {
    if (!record_->on_worker) return {};
    return std::unique_lock<std::mutex>(record_->order);
  }

  PayloadRecord* record_;
  PayloadCells* cells_;
};

/// One key per mode (each specialisation is its own Context type, so its own per-thread slot).
template <class Mode>
constexpr auto payload_key = asyncl::context<Payload, Mode>("SHUTDOWN_PAYLOAD", [] {
  return Payload(mode_name_of<Mode>());
});

// ── One episode: a runtime, its holders, its shutdown ──────────────────────────────────────

/// A closure lingers this long after the owner started dropping the runtime when nothing it
/// could wait for is in play (its object does not die with a worker).
constexpr auto kPlainLinger = 2ms;

/// The blocking keep-alive of a leaky episode without the barrier.
constexpr auto kLeakyKeepAlive = 1ms;

struct Episode {
  Episode(const ShutdownAdversary& adversary_in, ModeName mode_in)
      : adversary(adversary_in), mode(mode_in) {}

  const ShutdownAdversary& adversary;
  const ModeName mode;
  std::unique_ptr<Notify> never = std::make_unique<Notify>();
  std::atomic<int> armed{0};
  std::atomic<long> ticks{0};
  std::atomic<int> closures_running{0};
  std::atomic<int> closures_finished{0};
  std::atomic<long> guards_built{0};
  std::atomic<long> guards_destroyed{0};
  std::atomic<long> children_ran{0};
  std::atomic<bool> closing{false};
  std::atomic<Clock::rep> closing_at{0};

  Clock::time_point closing_time() const noexcept {
    // acquire: pairs with the owner's release store, made before `closing`.
    return Clock::time_point(Clock::duration(closing_at.load(std::memory_order_acquire)));
  }

  /// The adversary: returns when the object of `record` has been destroyed, or `bound` after
  /// the owner started dropping the runtime, whichever is first. Only objects that die with
  /// their thread are waited for.
  void wait_for_death(const PayloadRecord& record, Clock::duration bound) const {
    if (!record.thread_bound) return;
    const Clock::time_point deadline = closing_time() + bound;
    while (!record.destroyed.load(std::memory_order_relaxed) && Clock::now() < deadline) {
      std::this_thread::sleep_for(20us);
    }
  }
};

/// Lives in a holder's frame; writes through the holder's references when the frame is
/// destroyed (step 4). The blocking thread's object first: see the file comment.
template <class Mode>
class FrameGuard {
 public:
  using Ref = LocalRef<Payload, Mode>;

  /// `blocking_record` is read on the blocking thread: nothing but the frame's write at
  /// destruction touches that thread's object from another thread (in leaky mode no edge orders
  /// such a read before the thread's exit).
  FrameGuard(Episode& episode, const Ref& first, const Ref* second, const Ref& blocking,
             PayloadRecord& blocking_record)
      : episode_(episode),
        first_(first),
        second_(second),
        blocking_(blocking),
        blocking_record_(blocking_record) {
    first_->record().frame_refs.fetch_add(1, std::memory_order_relaxed);
    if (second_ != nullptr) (*second_)->record().frame_refs.fetch_add(1, std::memory_order_relaxed);
    blocking_record_.frame_refs.fetch_add(1, std::memory_order_relaxed);
    episode_.guards_built.fetch_add(1, std::memory_order_relaxed);
  }
  FrameGuard(const FrameGuard&) = delete;
  FrameGuard& operator=(const FrameGuard&) = delete;

  ~FrameGuard() {
    episode_.wait_for_death(blocking_record_, episode_.adversary.frame_waits_for_blocking_death);
    blocking_->write_from_frame();
    first_->write_from_frame();
    if (second_ != nullptr) (*second_)->write_from_frame();
    episode_.guards_destroyed.fetch_add(1, std::memory_order_relaxed);
  }

 private:
  Episode& episode_;
  const Ref& first_;
  const Ref* second_;
  const Ref& blocking_;
  PayloadRecord& blocking_record_;
};

enum class HolderKind { notify, yield_loop, sleep, blocking_closure };

/// Runs on a blocking thread with a worker's (or the owner's) object, from with_blocking; keeps
/// it until the runtime is being dropped, then uses it once more.
void linger(Episode& episode, Payload& payload) {
  const PayloadRecord& record = payload.record();
  payload.use();
  // release: the owner's acquire sees this closure running before it drops the runtime.
  episode.closures_running.fetch_add(1, std::memory_order_release);
  const Clock::time_point give_up = Clock::now() + 60s;
  while (!episode.closing.load(std::memory_order_acquire) && Clock::now() < give_up) {
    std::this_thread::sleep_for(50us);
  }
  if (record.on_worker && record.thread_bound) {
    episode.wait_for_death(record, episode.adversary.closure_waits_for_worker_death);
  } else {
    const Clock::time_point until = episode.closing_time() + kPlainLinger;
    while (Clock::now() < until) std::this_thread::sleep_for(50us);
  }
  payload.use();
  episode.closures_finished.fetch_add(1, std::memory_order_relaxed);
}

Task<void> child(Episode* episode) {
  episode->children_ran.fetch_add(1, std::memory_order_relaxed);
  co_return;
}

template <class Mode>
Task<void> holder(Episode* episode, HolderKind kind, bool second_reference) {
  using Ref = LocalRef<Payload, Mode>;
  Ref first = payload_key<Mode>.local_ref();
  first->use();
  co_await yield_now();  // on a multi-thread runtime, maybe resumed by the other worker
  std::unique_ptr<Ref> second;
  if (second_reference) second.reset(new Ref(payload_key<Mode>.local_ref()));
  // A reference into a blocking thread's object, made on that thread. The closure may refer
  // to the frame: the task is pinned until it returns.
  std::unique_ptr<Ref> blocking;
  PayloadRecord* blocking_record = nullptr;
  co_await spawn_blocking([&blocking, &blocking_record] {
    blocking.reset(new Ref(payload_key<Mode>.local_ref()));
    (*blocking)->use();
    blocking_record = &(*blocking)->record();
  });
  const FrameGuard<Mode> guard(*episode, first, second.get(), *blocking, *blocking_record);
  // release: the owner's acquire of the count sees this holder's set-up done.
  episode->armed.fetch_add(1, std::memory_order_release);

  if (kind == HolderKind::notify) {
    co_await episode->never->wait();
  } else if (kind == HolderKind::sleep) {
    co_await sleep_for(std::chrono::hours(1));
  } else if (kind == HolderKind::blocking_closure) {
    co_await first.with_blocking([episode](Payload& payload) { linger(*episode, payload); });
    co_await episode->never->wait();
  } else {
    for (;;) {
      first->use();
      if (second) (*second)->use();
      const long tick = episode->ticks.fetch_add(1, std::memory_order_relaxed) + 1;
      // A spawn from a running task; during shutdown it is rejected (step 1).
      if (tick % 16 == 0) (void)spawn(child(episode));
      co_await yield_now();
    }
  }
}

struct EpisodePlan {
  bool multi_thread = true;
  int blocking_closures = 0;
  int notify = 0;
  int yield_loops = 1;
  int sleepers = 0;
  int extra_ticks = 0;
  std::uint64_t second_reference_bits = 0;
  /// False: Builder::barrier_protected(false) and a 1 ms blocking keep-alive (leaky mode only).
  bool barrier_protected = true;

  int holders() const noexcept { return blocking_closures + notify + yield_loops + sleepers; }
  bool second_reference(int i) const noexcept {
    return ((second_reference_bits >> (i % 64)) & 1) != 0;
  }
  std::string_view flavor() const noexcept {
    return multi_thread ? "multi_thread" : "current_thread";
  }
};

EpisodePlan make_plan(SeededRandom& random, bool multi_thread, ModeName mode) {
  EpisodePlan plan;
  plan.multi_thread = multi_thread;
  // What leaky mode exists for: references that outlive their thread with no rendezvous. The
  // multi-thread episode of a leaky iteration skips the barrier, and its blocking threads exit
  // on keep-alive before the frames that refer into them are destroyed.
  plan.barrier_protected = !(mode == ModeName::leaky && multi_thread);
  plan.blocking_closures = random.between(1, 2);
  plan.notify = random.between(2, 5);
  plan.yield_loops = random.between(1, 2);
  plan.sleepers = random.between(1, 2);
  plan.extra_ticks = random.between(0, 48);
  plan.second_reference_bits = random.next();
  return plan;
}

/// The owner's task: spawns the holders (the with_blocking ones first, so that their closures
/// occupy all blocking threads but one before any other holder needs one), waits until every
/// holder is armed, then for `extra_ticks` more yield-loop iterations.
template <class Mode>
Task<void> arm(Episode* episode, EpisodePlan plan, std::vector<HolderKind> others) {
  int index = 0;
  for (int i = 0; i < plan.blocking_closures; ++i) {
    (void)spawn(
        holder<Mode>(episode, HolderKind::blocking_closure, plan.second_reference(index++)));
  }
  while (episode->closures_running.load(std::memory_order_acquire) < plan.blocking_closures) {
    co_await yield_now();
  }
  for (const HolderKind kind : others)
    (void)spawn(holder<Mode>(episode, kind, plan.second_reference(index++)));
  while (episode->armed.load(std::memory_order_acquire) < plan.holders()) co_await yield_now();
  const long target = episode->ticks.load(std::memory_order_relaxed) + plan.extra_ticks;
  while (episode->ticks.load(std::memory_order_relaxed) < target) co_await yield_now();
  if (!plan.barrier_protected) {
    // Long past the keep-alive: the blocking thread that made the holders' references has
    // exited, so their frames are destroyed after it returned (mutant
    // leaky-freed-at-thread-exit: through freed memory).
    const Clock::time_point until = Clock::now() + 20 * kLeakyKeepAlive;
    while (Clock::now() < until) {
      co_await yield_now();
      std::this_thread::sleep_for(50us);
    }
  }
}

struct EpisodeResult {
  std::vector<std::string> failures;
  long frames = 0;
  long ticks = 0;
  long children = 0;
  int closures = 0;
  int payloads_destroyed = 0;
};

Runtime build_runtime(const EpisodePlan& plan) {
  Runtime::Builder builder;
  builder.max_blocking_threads(static_cast<std::size_t>(plan.blocking_closures) + 1);
  builder.barrier_protected(plan.barrier_protected);
  if (!plan.barrier_protected) builder.blocking_keep_alive(kLeakyKeepAlive);
  if (plan.multi_thread) {
    builder.multi_thread().worker_threads(2);
  } else {
    builder.current_thread();
  }
  return builder.build();
}

template <class Mode>
EpisodeResult run_episode(const EpisodePlan& plan, SeededRandom& random,
                          const ShutdownAdversary& adversary, long owner_thread) {
  std::vector<HolderKind> others;
  for (int i = 0; i < plan.notify; ++i) others.push_back(HolderKind::notify);
  for (int i = 0; i < plan.yield_loops; ++i) others.push_back(HolderKind::yield_loop);
  for (int i = 0; i < plan.sleepers; ++i) others.push_back(HolderKind::sleep);
  for (std::size_t i = others.size(); i > 1; --i) {
    std::swap(others[i - 1], others[static_cast<std::size_t>(random.next() % i)]);
  }

  EpisodeResult result;
  Episode episode(adversary, mode_name_of<Mode>());
  const std::size_t first_record = payload_records().count();
  {
    Runtime runtime = build_runtime(plan);
    runtime.block_on(arm<Mode>(&episode, plan, std::move(others)));
    // release: a closure that sees `closing` (acquire) sees the time too.
    episode.closing_at.store(Clock::now().time_since_epoch().count(), std::memory_order_release);
    episode.closing.store(true, std::memory_order_release);
  }  // Shutdown, with holders suspended, yielding, sleeping and inside blocking closures.

  const long built = episode.guards_built.load();
  const long destroyed = episode.guards_destroyed.load();
  result.frames = destroyed;
  result.ticks = episode.ticks.load();
  result.children = episode.children_ran.load();
  result.closures = episode.closures_finished.load();
  if (destroyed != built) {
    result.failures.push_back(
        std::to_string(built - destroyed) + " of " + std::to_string(built) +
        " holder frames were not destroyed when the runtime shut down (step 4)");
    // Tasks of those frames still wait on the Notify; destroying it would abort. Leak it.
    (void)episode.never.release();
  }
  if (episode.closures_finished.load() != episode.closures_running.load()) {
    result.failures.push_back(
        std::to_string(episode.closures_running.load() - episode.closures_finished.load()) +
        " blocking closures did not finish before the runtime was gone (step 3)");
  }
  payload_records().for_each_since(first_record, [&](PayloadRecord& record) {
    if (record.os_thread == owner_thread) return;  // the owner's object lives until exit
    const char* thread = record.on_worker ? "a worker" : "a blocking thread";
    if (record.destroyed_early.load()) {
      result.failures.push_back(
          std::string("the object of ") + thread +
          " was destroyed before every frame referring to it had been destroyed "
          "(steps 4-6)");
    }
    if (record.destroyed.load()) {
      ++result.payloads_destroyed;
    } else if (record.thread_bound) {
      result.failures.push_back(std::string("the barrier-mode object of ") + thread +
                                " outlived the runtime: its thread was not joined (step 6)");
    }
  });
  return result;
}

struct ModeStats {
  int episodes = 0;
  long frames = 0;
  long ticks = 0;
  long children = 0;
  long closures = 0;
  long payloads_destroyed = 0;

  void add_to(JsonObject& object) const {
    object.set("episodes", episodes);
    object.set("frames_destroyed", frames);
    object.set("yield_ticks", ticks);
    object.set("children_ran", children);
    object.set("blocking_closures", closures);
    object.set("payloads_destroyed", payloads_destroyed);
  }
};

}  // namespace

void run_shutdown_race(const RunRequest& request, Outcome& outcome,
                       const ShutdownAdversary& adversary) {
  const long owner_thread = os_thread_id();
  run_iterations<ModeStats>(
      request, outcome, [&](ModeName mode, std::uint64_t iteration, ModeStats& stats) {
        SeededRandom random(request.seed, iteration * 4 + static_cast<std::uint64_t>(mode));
        for (const bool multi_thread : {true, false}) {
          const EpisodePlan plan = make_plan(random, multi_thread, mode);
          const EpisodeResult result = with_mode(mode, [&](auto tag) {
            return run_episode<decltype(tag)>(plan, random, adversary, owner_thread);
          });
          ++stats.episodes;
          stats.frames += result.frames;
          stats.ticks += result.ticks;
          stats.children += result.children;
          stats.closures += result.closures;
          stats.payloads_destroyed += result.payloads_destroyed;
          for (const std::string& failure : result.failures)
            outcome.fail(where(iteration, mode, plan.flavor()) + failure);
          if (outcome.failed()) break;
        }
      });
}

namespace {

const Registrar kShutdownRace{[] {
  Entry entry;
  entry.name = "shutdown-race";
  entry.description =
      "Runtimes (multi-thread and current-thread) destroyed at seeded moments while tasks hold "
      "LocalRefs "
      "into worker, owner and blocking-thread objects: suspended on a Notify, in a yield_now loop, "
      "in "
      "sleep_for, inside with_blocking. The objects own heap memory their destructors write; "
      "frames write "
      "through their references when destroyed (step 4).";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    run_shutdown_race(request, outcome, kShutdownPlainAdversary);
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
