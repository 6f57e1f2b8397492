// Mutant relaxed-barrier: shutdown step 5 with relaxed orderings. Threads still wait for each
// other, so nothing is destroyed early, but nothing a thread did before arriving (destroying
// frames, writing through LocalRefs) happens-before what another does after leaving
// (destroying its thread-locals).
//
// Caught by TSan: frames destroyed on a worker write into the Payload of a "clean" blocking
// thread (shutdown_race.cpp), which from step 1 on acquires nothing a worker released; with
// the barrier's edges gone its Payload destructor races with those writes in every barrier-mode
// runtime, whatever the interleaving: a data race. ASan checks addresses, not orderings, and the
// interleaving is the correct one: it cannot see this mutant, which is therefore not run there.

#include "shutdown_race.hpp"

namespace asyncl::scenarios {
namespace {

const Registrar kRelaxedBarrier{[] {
  Entry entry;
  entry.name = "relaxed-barrier";
  entry.kind = EntryKind::mutant;
  entry.twin_of = "shutdown-race";
  entry.attacks = asyncl::detail::cite(asyncl::detail::ShutdownStep::rendezvous);
  entry.mutation = asyncl::detail::Mutation::relaxed_barrier;
  entry.detectors = {{"tsan", "tsan:data race"}};
  entry.not_detected = {
      {"asan",
       "a missing happens-before edge with the right interleaving: ASan sees no bad access"}};
  entry.description =
      "The shutdown barrier's atomics are relaxed: frame writes through references are not ordered "
      "before "
      "the destruction of the thread-locals they point into.";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    run_shutdown_race(request, outcome, kShutdownPlainAdversary);
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
