// scenarios/toolchain_probe.cpp — toolchain-probe: what this compiler does to a thread-local's
// address across a co_await that resumes on another thread, beside what asyncl's accessor does.
//
// Inside a task on a two-worker runtime:
//   raw, held    `int* p = &t_raw;` taken before a forced move (support/migration.hpp) must
//                still point at the creating thread's t_raw after it (clang 14 at -O1+
//                recomputes it: p then points at the new thread's, docs/hazards.md);
//   raw, fresh   `&t_raw` evaluated after each of several forced moves in a loop must be the
//                running thread's (clang 16 at -O1+ hoists it out of the loop);
//   library      the same two checks with a LocalRef made before the move, and a fresh
//                local_ref() after each move, for each requested mode.
// Each answer is compared with what the thread recorded about itself in plain code (a Context
// initializer that runs on the thread, keyed by the kernel's thread id).
//
// The line carries "raw_tls_survives" and "library_accessor_survives". A raw address that does
// not survive is a finding about the toolchain, not a failure; the verdict fails only when the
// library's accessor is wrong (or the task could not be moved, which leaves the probe without
// an answer).
//
// The file depends only on support/ and the library (no mutation switch), so a doctor can build
// it on its own with any compiler and level:
//   c++ -std=c++20 -O2 -pthread -Ilib/include -Iscenarios scenarios/main.cpp
//       scenarios/toolchain_probe.cpp scenarios/support/*.cpp lib/src/*.cpp
//   ./a.out run toolchain-probe --iterations 3 --seed 1

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "asyncl/context.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task.hpp"
#include "support/migration.hpp"
#include "support/registry.hpp"
#include "support/threads.hpp"

namespace asyncl::scenarios {
namespace {

/// The raw thread-local under test.
thread_local constinit int t_raw = 0;

/// Addresses by kernel thread id, recorded by each thread itself.
class AddressBook {
 public:
  void record(long os_thread, const void* address) {
    std::lock_guard lock(mutex_);
    addresses_[os_thread] = address;
  }
  const void* lookup(long os_thread) {
    std::lock_guard lock(mutex_);
    const auto found = addresses_.find(os_thread);
    return found == addresses_.end() ? nullptr : found->second;
  }

 private:
  std::mutex mutex_;
  std::map<long, const void*> addresses_;
};

AddressBook& raw_addresses() {
  static auto* book = new AddressBook();
  return *book;
}

AddressBook& library_objects(ModeName mode) {
  static auto* books = new AddressBook[3];
  return books[static_cast<int>(mode)];
}

/// Built on each thread's first use of RAW_RECORDER, on that thread, outside any coroutine:
/// there `&t_raw` is the thread's own.
struct RawRecorder {
  RawRecorder() { raw_addresses().record(os_thread_id(), &t_raw); }
  RawRecorder(const RawRecorder&) = delete;
  RawRecorder& operator=(const RawRecorder&) = delete;
};

constexpr auto RAW_RECORDER = asyncl::context<RawRecorder, asyncl::mode::leaky>(
    "PROBE_RAW_RECORDER", [] { return RawRecorder(); });

[[gnu::noinline]] void record_raw_address() { (void)RAW_RECORDER.local_ref(); }

struct ProbeObject {
  explicit ProbeObject(ModeName mode) : os_thread(os_thread_id()) {
    library_objects(mode).record(os_thread, this);
  }
  ProbeObject(const ProbeObject&) = delete;
  ProbeObject& operator=(const ProbeObject&) = delete;
  const long os_thread;
};

constexpr auto PROBE_BARRIER = asyncl::context<ProbeObject, asyncl::mode::barrier>(
    "PROBE_BARRIER", [] { return ProbeObject(ModeName::barrier); });
constexpr auto PROBE_LEAKY = asyncl::context<ProbeObject, asyncl::mode::leaky>(
    "PROBE_LEAKY", [] { return ProbeObject(ModeName::leaky); });
constexpr auto PROBE_SHARED = asyncl::context<ProbeObject, asyncl::mode::shared>(
    "PROBE_SHARED", [] { return ProbeObject(ModeName::shared); });

template <class Mode>
constexpr auto probe_key() noexcept {
  if constexpr (std::is_same_v<Mode, asyncl::mode::barrier>) {
    return PROBE_BARRIER;
  } else if constexpr (std::is_same_v<Mode, asyncl::mode::leaky>) {
    return PROBE_LEAKY;
  } else {
    return PROBE_SHARED;
  }
}

constexpr int kLoopMoves = 6;

struct Tally {
  int passed = 0;
  int total = 0;
  void add(bool ok) noexcept {
    passed += ok ? 1 : 0;
    ++total;
  }
  bool all() const noexcept { return passed == total; }
  JsonObject json() const {
    JsonObject object;
    object.set("passed", passed);
    object.set("total", total);
    return object;
  }
};

struct ProbeCounts {
  Tally raw_held;
  Tally raw_fresh;
  Tally library_held;
  Tally library_fresh;
  int failed_moves = 0;
};

template <class Mode>
Task<void> probe(ProbeCounts* counts, ModeName mode) {
  constexpr auto key = probe_key<Mode>();
  // Both workers record themselves first.
  record_raw_address();
  (void)*key.local_ref();
  if (!co_await move_to_another_worker()) ++counts->failed_moves;
  record_raw_address();
  (void)*key.local_ref();

  // Held across one migrating co_await.
  int* const held = &t_raw;
  LocalRef<ProbeObject, Mode> ref = key.local_ref();
  const long creator = os_thread_id();
  if (!co_await move_to_another_worker()) ++counts->failed_moves;
  counts->raw_held.add(held == raw_addresses().lookup(creator));
  counts->library_held.add(&*ref == library_objects(mode).lookup(creator) &&
                           ref->os_thread == creator);

  // Evaluated afresh after each migrating co_await of a loop.
  for (int i = 0; i < kLoopMoves; ++i) {
    if (!co_await move_to_another_worker()) ++counts->failed_moves;
    const long here = os_thread_id();
    int* const fresh = &t_raw;
    counts->raw_fresh.add(fresh == raw_addresses().lookup(here));
    const ProbeObject* const object = &*key.local_ref();
    counts->library_fresh.add(object == library_objects(mode).lookup(here) &&
                              object->os_thread == here);
  }
}

void run_toolchain_probe(const RunRequest& request, Outcome& outcome) {
  ProbeCounts raw_counts;  // over every mode
  bool library_survives = true;
  JsonObject modes;
  for (const ModeName mode : request.modes) {
    ProbeCounts counts;
    for (std::uint64_t iteration = 1; iteration <= request.iterations; ++iteration) {
      Runtime runtime = Runtime::Builder().worker_threads(2).build();
      with_mode(mode, [&](auto tag) { runtime.block_on(probe<decltype(tag)>(&counts, mode)); });
    }
    if (!counts.library_held.all() || !counts.library_fresh.all()) {
      library_survives = false;
      outcome.fail(std::string(to_string(mode)) +
                   " mode: the library's accessor denoted another thread's object (held " +
                   std::to_string(counts.library_held.passed) + "/" +
                   std::to_string(counts.library_held.total) + ", fresh " +
                   std::to_string(counts.library_fresh.passed) + "/" +
                   std::to_string(counts.library_fresh.total) + ")");
    }
    if (counts.failed_moves != 0) {
      outcome.fail(std::string(to_string(mode)) + " mode: " + std::to_string(counts.failed_moves) +
                   " forced moves did not reach the other worker; the probe has no answer");
    }
    JsonObject detail;
    detail.set("library_held", counts.library_held.json());
    detail.set("library_fresh", counts.library_fresh.json());
    detail.set("raw_held", counts.raw_held.json());
    detail.set("raw_fresh", counts.raw_fresh.json());
    modes.set(to_string(mode), detail);
    raw_counts.raw_held.passed += counts.raw_held.passed;
    raw_counts.raw_held.total += counts.raw_held.total;
    raw_counts.raw_fresh.passed += counts.raw_fresh.passed;
    raw_counts.raw_fresh.total += counts.raw_fresh.total;
  }
  const bool raw_survives = raw_counts.raw_held.all() && raw_counts.raw_fresh.all();
  outcome.extra().set("raw_tls_survives", raw_survives);
  outcome.extra().set("library_accessor_survives", library_survives);
  outcome.detail().set("modes", modes);
  outcome.detail().set("raw_held", raw_counts.raw_held.json());
  outcome.detail().set("raw_fresh", raw_counts.raw_fresh.json());
  if (!raw_survives) {
    outcome.detail().set(
        "finding",
        "a raw thread_local address did not survive a migrating co_await with this compiler "
        "and flags (a toolchain finding, not a failure of the suite)");
  }
}

const Registrar kToolchainProbe{[] {
  Entry entry;
  entry.name = "toolchain-probe";
  entry.description =
      "A raw thread_local address held across (and evaluated in a loop around) a co_await that "
      "resumes on "
      "another worker, beside the library's LocalRef and local_ref(); reports raw_tls_survives (a "
      "toolchain "
      "finding) and library_accessor_survives (the verdict).";
  entry.run = run_toolchain_probe;
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
