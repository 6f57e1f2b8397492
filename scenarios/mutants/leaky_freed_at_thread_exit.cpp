// Mutant leaky-freed-at-thread-exit: a leaky-mode Context object is freed when its thread exits,
// which is exactly what leaky mode promises never happens. shutdown-race's leaky multi-thread
// episode runs without the barrier and with a 1 ms blocking keep-alive, and waits until the
// blocking thread that made the holders' references has exited; at shutdown the holders' frames
// write through those references into the freed Payload: a heap-use-after-free under ASan and
// TSan, in the first leaky iteration (`--mode all` runs barrier first, which this does not
// touch). The workload's context.blocking_ref operation (leaky mode, 1 ms keep-alive) finds it
// too.

#include "shutdown_race.hpp"

namespace asyncl::scenarios {
namespace {

const Registrar kLeakyFreedAtThreadExit{[] {
  Entry entry;
  entry.name = "leaky-freed-at-thread-exit";
  entry.kind = EntryKind::mutant;
  entry.twin_of = "shutdown-race";
  entry.attacks = "leaky mode: a reference outlives its thread";
  entry.mutation = asyncl::detail::Mutation::leaky_freed_at_thread_exit;
  entry.detectors = {{"tsan", "tsan:heap-use-after-free"}, {"asan", "asan:heap-use-after-free"}};
  entry.description =
      "Leaky-mode objects are freed at thread exit; references from exited blocking threads "
      "dangle.";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    run_shutdown_race(request, outcome, kShutdownPlainAdversary);
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
