// Mutant skip-barrier-wait: shutdown step 5 skipped. Pool threads return from their thread
// functions, destroying their thread-locals, without waiting for each other: a blocking thread
// leaves as soon as its pool closes (step 1), while workers are still destroying frames that
// hold references into its objects (step 4).
//
// Caught: the twin's adversary makes every frame destroyed at shutdown wait (up to 10 s) for
// the blocking thread its reference points into to destroy its Payload, then write through
// the reference. With the barrier that wait always times out (the thread cannot leave before
// the frame is gone); without it the write lands on the Payload's freed cells in the first
// barrier-mode runtime: heap-use-after-free under ASan, and under TSan too (TSan reports any
// access to freed memory, ordered or not).

#include "shutdown_race.hpp"

namespace asyncl::scenarios {
namespace {

constexpr ShutdownAdversary kAdversary{
    .frame_waits_for_blocking_death = std::chrono::seconds(10),
    .closure_waits_for_worker_death = kShutdownPlainAdversary.closure_waits_for_worker_death,
};

const Registrar kSkipBarrierWait{[] {
  Entry entry;
  entry.name = "skip-barrier-wait";
  entry.kind = EntryKind::mutant;
  entry.twin_of = "shutdown-race";
  entry.attacks = asyncl::detail::cite(asyncl::detail::ShutdownStep::rendezvous);
  entry.mutation = asyncl::detail::Mutation::skip_barrier_wait;
  entry.detectors = {{"tsan", "tsan:heap-use-after-free"}, {"asan", "asan:heap-use-after-free"}};
  entry.description =
      "Pool threads skip the shutdown barrier: a blocking thread destroys its thread-locals while "
      "workers still destroy frames that write through references into them.";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    run_shutdown_race(request, outcome, kAdversary);
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
