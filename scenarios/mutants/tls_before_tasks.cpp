// Mutant tls-before-tasks: shutdown step 6 before step 4. Workers return from their thread
// functions (destroying their thread-locals) as soon as they find no task to run; the owner
// destroys the frames left afterwards.
//
// Caught: a with_blocking closure holds a worker's Payload while the runtime is dropped (its
// task is pinned, so its frame outlives the workers' return). The twin's adversary makes that
// closure wait (up to 10 s) for the worker to destroy the Payload, then use it once more: a
// heap-use-after-free under ASan and TSan in the first multi-thread barrier-mode runtime.
// (With the correct order the worker cannot return before the closure finished, and the wait
// times out.) Frames the owner destroys later write into freed Payloads the same way.

#include "shutdown_race.hpp"

namespace asyncl::scenarios {
namespace {

constexpr ShutdownAdversary kAdversary{
    .frame_waits_for_blocking_death = kShutdownPlainAdversary.frame_waits_for_blocking_death,
    .closure_waits_for_worker_death = std::chrono::seconds(10),
};

const Registrar kTlsBeforeTasks{[] {
  Entry entry;
  entry.name = "tls-before-tasks";
  entry.kind = EntryKind::mutant;
  entry.twin_of = "shutdown-race";
  entry.attacks = asyncl::detail::cite_reordered(asyncl::detail::ShutdownStep::thread_return,
                                                 asyncl::detail::ShutdownStep::destroy_frames);
  entry.mutation = asyncl::detail::Mutation::tls_before_tasks;
  entry.detectors = {{"tsan", "tsan:heap-use-after-free"}, {"asan", "asan:heap-use-after-free"}};
  entry.description =
      "Workers return and destroy their thread-locals before the task frames and blocking closures "
      "that "
      "refer to them are gone.";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    run_shutdown_race(request, outcome, kAdversary);
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
