#include "asyncl_bench/arguments.hpp"

#include <algorithm>

#include "asyncl_bench/registry.hpp"

namespace asyncl::bench {

std::vector<std::string> default_modes() { return {"leaky", "barrier"}; }

std::vector<std::string> parse_modes(const std::vector<std::string>& names) {
  if (names.empty()) {
    return default_modes();
  }
  std::vector<std::string> modes;
  for (const std::string& name : names) {
    if (name == kBaselineVariant) {
      throw UsageError(
          "'raw' is not a mode: the raw baselines always run; name leaky, barrier "
          "or shared");
    }
    if (std::find(kModes.begin(), kModes.end(), name) == kModes.end()) {
      throw UsageError("unknown mode '" + name + "'; the modes are leaky, barrier and shared");
    }
    if (std::find(modes.begin(), modes.end(), name) != modes.end()) {
      throw UsageError("mode '" + name + "' is named twice");
    }
    modes.push_back(name);
  }
  return modes;
}

std::optional<std::regex> compile_filter(const std::optional<std::string>& pattern) {
  if (!pattern) {
    return std::nullopt;
  }
  try {
    return std::regex(*pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    throw UsageError("--filter '" + *pattern + "' is not a valid regular expression (" +
                     error.what() + ")");
  }
}

}  // namespace asyncl::bench
