// Mutant frame-not-destroyed: shutdown step 4 retires cancelled tasks without destroying their
// frames. The scenario counts FrameGuard destructions and finds frames missing once the runtime
// is gone (a scenario assertion). Under ASan, LeakSanitizer then reports the leaked frames at
// exit (asyncl-verify runs with detect_leaks=1), and its report is the first one on stderr; the
// scenario leaks the Notify those frames still wait on as well, because destroying a Notify
// with waiters aborts.

#include "shutdown_race.hpp"

namespace asyncl::scenarios {
namespace {

const Registrar kFrameNotDestroyed{[] {
  Entry entry;
  entry.name = "frame-not-destroyed";
  entry.kind = EntryKind::mutant;
  entry.twin_of = "shutdown-race";
  entry.attacks = asyncl::detail::cite(asyncl::detail::ShutdownStep::destroy_frames);
  entry.mutation = asyncl::detail::Mutation::frame_not_destroyed;
  entry.detectors = {{"tsan", "scenario:assertion"}, {"asan", "lsan:detected memory leaks"}};
  entry.description =
      "Shutdown forgets cancelled task frames: their locals are never destroyed and their memory "
      "leaks.";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    run_shutdown_race(request, outcome, kShutdownPlainAdversary);
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
