// Mutant frame-destroyed-twice: shutdown step 4 destroys each cancelled frame twice. The second
// destroy reads the coroutine frame's resume/destroy pointers from freed memory: a
// heap-use-after-free under ASan and TSan at the first frame destroyed at shutdown.

#include "shutdown_race.hpp"

namespace asyncl::scenarios {
namespace {

const Registrar kFrameDestroyedTwice{[] {
  Entry entry;
  entry.name = "frame-destroyed-twice";
  entry.kind = EntryKind::mutant;
  entry.twin_of = "shutdown-race";
  entry.attacks = asyncl::detail::cite(asyncl::detail::ShutdownStep::destroy_frames);
  entry.mutation = asyncl::detail::Mutation::frame_destroyed_twice;
  entry.detectors = {{"tsan", "tsan:heap-use-after-free"}, {"asan", "asan:heap-use-after-free"}};
  entry.description = "Shutdown destroys every cancelled task frame twice.";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    run_shutdown_race(request, outcome, kShutdownPlainAdversary);
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
