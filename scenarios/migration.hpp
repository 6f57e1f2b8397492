#pragma once
// scenarios/migration.hpp — the migration scenario, for its mutant to run with a broken accessor.

#include "support/registry.hpp"

namespace asyncl::scenarios {

struct MigrationVariant {
  /// The mutant: "the calling thread's object" is an address computed before a migrating
  /// co_await and used after it, the way a Context that caches a thread-local address would
  /// hand it out (what clang 14 does to a raw `&tl` held across co_await, docs/hazards.md).
  bool cache_tls_address_across_await = false;
};

void run_migration(const RunRequest& request, Outcome& outcome, const MigrationVariant& variant);

}  // namespace asyncl::scenarios
