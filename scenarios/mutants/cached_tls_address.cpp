// Mutant cached-tls-address: a thread-local address cached across co_await. The twin of
// migration hands out "the calling thread's object" the way a broken Context would that
// computed the thread-local's address once and kept it across a suspension (what clang 14 does
// to a raw `&tl` held across co_await, and clang 16 to one in a loop, docs/hazards.md): the address
// is taken before each co_await and used after it. The break is in the twin's own code, on
// purpose, so it is the same on every compiler.
//
// Caught by the scenario itself: after the first forced move the object it gets belongs to the
// thread the task left (its recorded kernel thread id is not the running thread's).

#include "migration.hpp"

namespace asyncl::scenarios {
namespace {

const Registrar kCachedTlsAddress{[] {
  Entry entry;
  entry.name = "cached-tls-address";
  entry.kind = EntryKind::mutant;
  entry.twin_of = "migration";
  entry.attacks =
      "rule: compute a thread-local's address afresh after every resume (detail/tls.hpp)";
  entry.detectors = {{"tsan", "scenario:assertion"}, {"asan", "scenario:assertion"}};
  entry.description =
      "The calling thread's object is an address computed before a migrating co_await and used "
      "after it: "
      "it denotes the thread the task left.";
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    run_migration(request, outcome, MigrationVariant{.cache_tls_address_across_await = true});
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios
