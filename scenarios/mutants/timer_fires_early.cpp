// Mutant timer-fires-early: the timer thread wakes every sleeper at once instead of at its
// deadline. The workload's sleep.short operation measures sleep_for(1..4 ms) and its oracle
// fails the program when it returned early (a scenario assertion), in the first program.

#include "workload/driver.hpp"

namespace asyncl::scenarios {
namespace {

const Registrar kTimerFiresEarly{[] {
  Entry entry;
  entry.name = "timer-fires-early";
  entry.kind = EntryKind::mutant;
  entry.twin_of = "workload";
  entry.attacks = "timer: a sleep ends at its deadline, not before";
  entry.mutation = asyncl::detail::Mutation::timer_fires_early;
  entry.detectors = {{"tsan", "scenario:assertion"}, {"asan", "scenario:assertion"}};
  entry.description = "The timer fires every pending sleep_for at once.";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    workload::run_workload(request, outcome, workload::Catalogue::only_variants({"sleep.short"}));
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
