#include "asyncl_bench/registry.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>

namespace asyncl::bench {
namespace {

// A function-local static, so that registrations from other translation units' static
// initializers find it constructed whatever the initialization order.
std::vector<BenchmarkEntry>& mutable_registry() {
  static std::vector<BenchmarkEntry> registry;
  return registry;
}

[[noreturn]] void registration_error(std::string_view what, std::string_view name) {
  std::fprintf(stderr, "asyncl-bench: invalid benchmark registration '%.*s': %.*s\n",
               static_cast<int>(name.size()), name.data(), static_cast<int>(what.size()),
               what.data());
  std::abort();
}

bool is_known_variant(std::string_view variant) {
  return variant == kBaselineVariant ||
         std::find(kModes.begin(), kModes.end(), variant) != kModes.end();
}

bool matches(const BenchmarkEntry& entry, const std::optional<std::regex>& filter) {
  return !filter || std::regex_search(entry.name(), *filter);
}

}  // namespace

bool register_variants(std::string_view family, std::initializer_list<VariantFunction> variants,
                       ConfigureFunction configure) {
  if (family.empty() || family.front() == '/' || family.back() == '/') {
    registration_error("a family is a non-empty name that neither starts nor ends with '/'",
                       family);
  }
  auto& registry = mutable_registry();
  for (const VariantFunction& variant : variants) {
    BenchmarkEntry entry{std::string(family), std::string(variant.variant), variant.function,
                         configure};
    if (!is_known_variant(entry.variant)) {
      registration_error("the variant must be leaky, barrier, shared or raw", entry.name());
    }
    if (entry.function == nullptr) {
      registration_error("no benchmark function", entry.name());
    }
    const bool duplicate = std::any_of(registry.begin(), registry.end(), [&](const auto& other) {
      return other.family == entry.family && other.variant == entry.variant;
    });
    if (duplicate) {
      registration_error("registered twice", entry.name());
    }
    registry.push_back(std::move(entry));
  }
  return true;
}

const std::vector<BenchmarkEntry>& registered_benchmarks() { return mutable_registry(); }

std::vector<BenchmarkEntry> select_benchmarks(const std::vector<BenchmarkEntry>& entries,
                                              const std::vector<std::string>& modes,
                                              const std::optional<std::regex>& filter) {
  std::vector<BenchmarkEntry> selected;
  for (const BenchmarkEntry& entry : entries) {
    const bool wanted = entry.variant == kBaselineVariant ||
                        std::find(modes.begin(), modes.end(), entry.variant) != modes.end();
    if (wanted && matches(entry, filter)) {
      selected.push_back(entry);
    }
  }
  return selected;
}

std::vector<BenchmarkEntry> filter_benchmarks(const std::vector<BenchmarkEntry>& entries,
                                              const std::optional<std::regex>& filter) {
  std::vector<BenchmarkEntry> selected;
  std::copy_if(entries.begin(), entries.end(), std::back_inserter(selected),
               [&](const BenchmarkEntry& entry) { return matches(entry, filter); });
  return selected;
}

}  // namespace asyncl::bench
