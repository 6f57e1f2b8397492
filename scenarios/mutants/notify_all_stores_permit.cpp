// Mutant notify-all-stores-permit: Notify::notify_all also stores the permit, so the next wait()
// passes without a notification. The workload's notify.all operation wakes its waiters with
// notify_all and then checks that one more waiter blocks (no permit may be left): the oracle
// fails the program (a scenario assertion), in the first program of every run.

#include "workload/driver.hpp"

namespace asyncl::scenarios {
namespace {

const Registrar kNotifyAllStoresPermit{[] {
  Entry entry;
  entry.name = "notify-all-stores-permit";
  entry.kind = EntryKind::mutant;
  entry.twin_of = "workload";
  entry.attacks = "Notify: notify_all stores no permit";
  entry.mutation = asyncl::detail::Mutation::notify_all_stores_permit;
  entry.detectors = {{"tsan", "scenario:assertion"}, {"asan", "scenario:assertion"}};
  entry.description =
      "notify_all leaves a permit behind: a later wait() passes with no notification.";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    workload::run_workload(request, outcome, workload::Catalogue::only_variants({"notify.all"}));
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
