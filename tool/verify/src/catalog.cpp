#include "verify/catalog.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace asyncl::verify {

bool is_flavor(std::string_view name) {
  return std::find(kFlavors.begin(), kFlavors.end(), name) != kFlavors.end();
}

std::string_view to_string(EntryKind kind) {
  return kind == EntryKind::scenario ? "scenario" : "mutant";
}

std::optional<std::string> CatalogEntry::expected_detection(std::string_view flavor) const {
  if (kind != EntryKind::mutant) return std::nullopt;
  const auto found = detectors.find(std::string(flavor));
  if (found == detectors.end()) return std::nullopt;
  return found->second;
}

namespace {

std::string optional_string(const nlohmann::json& object, const char* key, std::size_t index) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return {};
  if (!found->is_string()) {
    throw std::invalid_argument("entry " + std::to_string(index) + ": \"" + key +
                                "\" is not a string");
  }
  return found->get<std::string>();
}

}  // namespace

std::vector<CatalogEntry> parse_catalog(const nlohmann::json& list_output) {
  if (!list_output.is_array()) throw std::invalid_argument("`list` did not print a JSON array");
  std::vector<CatalogEntry> entries;
  for (std::size_t index = 0; index < list_output.size(); ++index) {
    const nlohmann::json& item = list_output[index];
    if (!item.is_object()) {
      throw std::invalid_argument("entry " + std::to_string(index) + " is not an object");
    }
    CatalogEntry entry;
    entry.name = optional_string(item, "name", index);
    if (entry.name.empty()) {
      throw std::invalid_argument("entry " + std::to_string(index) + " has no \"name\"");
    }
    const std::string kind = optional_string(item, "kind", index);
    if (kind == "scenario") {
      entry.kind = EntryKind::scenario;
    } else if (kind == "mutant") {
      entry.kind = EntryKind::mutant;
    } else {
      throw std::invalid_argument("entry \"" + entry.name + "\" has kind \"" + kind +
                                  "\" (expected scenario or mutant)");
    }
    entry.twin_of = optional_string(item, "twin_of", index);
    entry.attacks = optional_string(item, "attacks", index);
    entry.description = optional_string(item, "description", index);
    if (const auto explicit_only = item.find("explicit"); explicit_only != item.end()) {
      if (!explicit_only->is_boolean()) {
        throw std::invalid_argument("entry \"" + entry.name + "\": \"explicit\" is not a boolean");
      }
      entry.explicit_only = explicit_only->get<bool>();
    }
    if (const auto detectors = item.find("detectors"); detectors != item.end()) {
      if (!detectors->is_object()) {
        throw std::invalid_argument("entry \"" + entry.name + "\": \"detectors\" is not an object");
      }
      for (const auto& [flavor, detection] : detectors->items()) {
        if (!detection.is_string()) {
          throw std::invalid_argument("entry \"" + entry.name + "\": detector for " + flavor +
                                      " is not a string");
        }
        entry.detectors.emplace(flavor, detection.get<std::string>());
      }
    }
    if (entry.kind == EntryKind::mutant && entry.detectors.empty()) {
      throw std::invalid_argument("mutant \"" + entry.name + "\" declares no detectors");
    }
    const bool duplicate = std::any_of(entries.begin(), entries.end(),
                                       [&](const CatalogEntry& e) { return e.name == entry.name; });
    if (duplicate) throw std::invalid_argument("entry \"" + entry.name + "\" is listed twice");
    entries.push_back(std::move(entry));
  }
  return entries;
}

nlohmann::json to_json(const CatalogEntry& entry) {
  nlohmann::json json{{"name", entry.name}, {"kind", to_string(entry.kind)}};
  if (entry.kind == EntryKind::mutant) {
    json["twin_of"] = entry.twin_of;
    json["attacks"] = entry.attacks;
    json["detectors"] = entry.detectors;
  }
  if (!entry.description.empty()) json["description"] = entry.description;
  if (entry.explicit_only) json["explicit"] = true;
  return json;
}

std::vector<ListedEntry> merge_catalogs(const std::vector<FlavorCatalog>& catalogs) {
  std::vector<ListedEntry> listing;
  for (const FlavorCatalog& catalog : catalogs) {
    for (const CatalogEntry& entry : catalog.entries) {
      auto found = std::find_if(listing.begin(), listing.end(), [&](const ListedEntry& listed) {
        return listed.entry.name == entry.name;
      });
      if (found == listing.end()) {
        listing.push_back(ListedEntry{entry, {}});
        found = std::prev(listing.end());
      }
      found->entry.detectors.insert(entry.detectors.begin(), entry.detectors.end());
      found->flavors.push_back(catalog.flavor);
    }
  }
  return listing;
}

bool detection_matches(std::string_view expected, std::string_view observed) {
  if (expected.empty()) return false;
  if (observed == expected) return true;
  return observed.size() > expected.size() && observed.starts_with(expected) &&
         observed[expected.size()] == ' ';
}

}  // namespace asyncl::verify
