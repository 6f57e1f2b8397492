#include "verify/run_plan.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "tool_common/errors.hpp"

namespace asyncl::verify {
namespace {

std::string flavor_list(const std::vector<FlavorCatalog>& catalogs) {
  std::string names;
  for (const FlavorCatalog& catalog : catalogs) {
    if (!names.empty()) names += ", ";
    names += catalog.flavor;
  }
  return names;
}

bool parse_positive(std::string_view text, int& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() && value > 0;
}

}  // namespace

std::vector<PlanItem> build_plan(const std::vector<FlavorCatalog>& catalogs,
                                 const std::vector<std::string>& selected_names,
                                 bool include_mutants) {
  const std::set<std::string> selected(selected_names.begin(), selected_names.end());
  for (const std::string& name : selected) {
    const bool known = std::any_of(catalogs.begin(), catalogs.end(), [&](const FlavorCatalog& c) {
      return std::any_of(c.entries.begin(), c.entries.end(),
                         [&](const CatalogEntry& entry) { return entry.name == name; });
    });
    if (!known) {
      throw tool::UsageError("unknown scenario '" + name + "' (not listed by the " +
                             flavor_list(catalogs) + " build; see `asyncl-verify list`)");
    }
  }
  std::vector<PlanItem> plan;
  for (const FlavorCatalog& catalog : catalogs) {
    for (const CatalogEntry& entry : catalog.entries) {
      const bool named = selected.contains(entry.name);
      bool wanted = named || (selected.empty() && !entry.explicit_only);
      if (entry.kind == EntryKind::mutant) {
        wanted =
            named || (include_mutants && (selected.empty() || selected.contains(entry.twin_of)));
      }
      if (!wanted) continue;
      PlanItem item{static_cast<int>(plan.size()), catalog.flavor, entry, {}};
      if (entry.kind == EntryKind::mutant) {
        const auto expected = entry.expected_detection(catalog.flavor);
        if (!expected) continue;
        item.expected_detection = *expected;
      }
      plan.push_back(std::move(item));
    }
  }
  if (plan.empty())
    throw tool::UsageError("nothing to run for the " + flavor_list(catalogs) + " build");
  return plan;
}

std::string Shard::to_string() const { return std::to_string(index) + "/" + std::to_string(count); }

Shard parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  Shard shard;
  if (slash == std::string_view::npos || !parse_positive(text.substr(0, slash), shard.index) ||
      !parse_positive(text.substr(slash + 1), shard.count) || shard.index > shard.count) {
    throw tool::UsageError("--shard wants I/N with 1 <= I <= N, got '" + std::string(text) + "'");
  }
  return shard;
}

std::vector<PlanItem> select_shard(const std::vector<PlanItem>& plan, const Shard& shard) {
  std::vector<PlanItem> selected;
  for (const PlanItem& item : plan) {
    if (item.index % shard.count == shard.index - 1) selected.push_back(item);
  }
  return selected;
}

}  // namespace asyncl::verify
