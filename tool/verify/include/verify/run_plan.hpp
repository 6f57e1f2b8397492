// verify/run_plan.hpp — which (flavor, scenario or mutant) runs to make, in which order, and
// which of them belong to a shard.
//
// Defines:
//   PlanItem          one run: its index in the full plan, flavor, entry, expected detection
//   build_plan(catalogs, selected_names, include_mutants)
//   Shard, parse_shard("I/N"), select_shard(plan, shard)
//
// Example:
//   auto plan = build_plan({{"tsan", tsan_entries}, {"asan", asan_entries}}, {}, true);
//   for (const PlanItem& item : select_shard(plan, parse_shard("2/4"))) ...
//
// Order: flavors in the order given, and within a flavor the binary's own list order. A scenario
// listed as explicit runs only when named. Naming a scenario selects its mutants too (unless
// mutants are off); naming a mutant selects it even when mutants are off. A mutant runs only in the
// flavors it declares a detector for. Shard I of N holds the items whose index k satisfies k mod N
// == I - 1, so the shards are disjoint, cover the plan, and their union ordered by index is the
// unsharded plan.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "verify/catalog.hpp"

namespace asyncl::verify {

struct PlanItem {
  int index = 0;
  std::string flavor;
  CatalogEntry entry;
  std::string expected_detection;  // mutants only

  bool operator==(const PlanItem&) const = default;
};

// Throws UsageError for a name no catalog lists, or when nothing is selected.
std::vector<PlanItem> build_plan(const std::vector<FlavorCatalog>& catalogs,
                                 const std::vector<std::string>& selected_names,
                                 bool include_mutants);

struct Shard {
  int index = 1;  // 1-based
  int count = 1;

  std::string to_string() const;
  bool operator==(const Shard&) const = default;
};

// Throws UsageError unless `text` is "I/N" with 1 <= I <= N.
Shard parse_shard(std::string_view text);

std::vector<PlanItem> select_shard(const std::vector<PlanItem>& plan, const Shard& shard);

}  // namespace asyncl::verify
