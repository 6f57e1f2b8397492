// Mutant blocking-exception-lost: an exception thrown by a spawn_blocking closure is swallowed
// and its JoinHandle yields a default value. The workload's blocking.await operation awaits
// closures that return a value or throw (half of them); the oracle fails the program when a
// throwing closure's handle gave a value (a scenario assertion). A program holds at least one
// such operation with probability 1 - 2^-n for n operations; a run of 5 programs misses it with
// probability below 1e-6.

#include "workload/driver.hpp"

namespace asyncl::scenarios {
namespace {

const Registrar kBlockingExceptionLost{[] {
  Entry entry;
  entry.name = "blocking-exception-lost";
  entry.kind = EntryKind::mutant;
  entry.twin_of = "workload";
  entry.attacks = "spawn_blocking: a closure's exception reaches its JoinHandle";
  entry.mutation = asyncl::detail::Mutation::blocking_exception_lost;
  entry.detectors = {{"tsan", "scenario:assertion"}, {"asan", "scenario:assertion"}};
  entry.description = "A throwing blocking closure's handle yields a default-constructed value.";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    workload::run_workload(request, outcome,
                           workload::Catalogue::only_variants({"blocking.await"}));
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
