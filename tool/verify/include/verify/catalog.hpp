// verify/catalog.hpp — what a scenario binary says it can run.
//
// Defines:
//   kFlavors             the verification flavors in their canonical order: tsan, asan, relacy
//   EntryKind            scenario or mutant
//   CatalogEntry         one line of `asyncl-scenarios list`: name, kind and, for a mutant, its
//                        twin scenario, the step it attacks and the detection each flavor expects
//   parse_catalog(json)  reads the JSON array printed by `list`
//   FlavorCatalog        a flavor and the entries its binary lists
//   merge_catalogs(catalogs)   one entry per name, with the flavors that list it
//   detection_matches(expected, observed)
//
// Example:
//   auto entries = asyncl::verify::parse_catalog(nlohmann::json::parse(list_stdout));
//   for (const auto& entry : entries)
//     if (auto expected = entry.expected_detection("tsan")) std::cout << *expected;
//
// Thread safety: value types and pure functions.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace asyncl::verify {

inline constexpr std::array<std::string_view, 3> kFlavors{"tsan", "asan", "relacy"};

bool is_flavor(std::string_view name);

enum class EntryKind { scenario, mutant };

std::string_view to_string(EntryKind kind);

struct CatalogEntry {
  std::string name;
  EntryKind kind = EntryKind::scenario;
  std::string twin_of;  // mutants: the scenario this is a broken twin of
  std::string attacks;  // mutants: the protocol step it breaks, e.g. "shutdown step 4"
  std::string description;
  std::map<std::string, std::string> detectors;  // flavor -> expected detection "tool:kind"
  // Scenarios listed with "explicit": true run only when named (`run workload --budget 60`),
  // never in a run that names nothing; their mutants are selected as usual.
  bool explicit_only = false;

  // The detection a mutant must produce under `flavor`; nullopt for scenarios and for
  // mutants that declare nothing for that flavor (they are not run there).
  std::optional<std::string> expected_detection(std::string_view flavor) const;

  bool operator==(const CatalogEntry&) const = default;
};

// Throws std::invalid_argument naming the offending element when the JSON does not follow the
// scenario-binary contract (an array of objects with "name" and "kind").
std::vector<CatalogEntry> parse_catalog(const nlohmann::json& list_output);

nlohmann::json to_json(const CatalogEntry& entry);

struct FlavorCatalog {
  std::string flavor;
  std::vector<CatalogEntry> entries;
};

struct ListedEntry {
  CatalogEntry entry;                // detectors joined over all flavors
  std::vector<std::string> flavors;  // flavors whose binary lists it, in catalog order
};

// Entries in order of first appearance across the catalogs.
std::vector<ListedEntry> merge_catalogs(const std::vector<FlavorCatalog>& catalogs);

// A detection matches when it is the expected one, or the expected one followed by more words
// ("tsan:data race" matches "tsan:data race on vptr").
bool detection_matches(std::string_view expected, std::string_view observed);

}  // namespace asyncl::verify
