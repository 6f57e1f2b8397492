#pragma once
// scenarios/support/mode_name.hpp — the run-time names of the Context modes, without the
// library's context.hpp (which cannot share a translation unit with asyncl/timeout.hpp: both
// define asyncl::detail::IsTask).
//
//   ModeName               barrier, leaky, shared: the run-time name of asyncl::mode::*
//   parse_modes(text)      "barrier" | "leaky" | "shared" | "all" (all three, barrier first)

#include <optional>
#include <string_view>
#include <vector>

namespace asyncl::scenarios {

enum class ModeName { barrier, leaky, shared };

constexpr std::string_view to_string(ModeName mode) noexcept {
  switch (mode) {
    case ModeName::barrier:
      return "barrier";
    case ModeName::leaky:
      return "leaky";
    case ModeName::shared:
      return "shared";
  }
  return "?";
}

/// Barrier first: the shutdown mutants break only what barrier mode relies on, so a mutant run
/// with `--mode all` is caught in its first runtime.
inline std::optional<std::vector<ModeName>> parse_modes(std::string_view text) {
  if (text == "all")
    return std::vector<ModeName>{ModeName::barrier, ModeName::leaky, ModeName::shared};
  for (const ModeName mode : {ModeName::barrier, ModeName::leaky, ModeName::shared}) {
    if (text == to_string(mode)) return std::vector<ModeName>{mode};
  }
  return std::nullopt;
}

}  // namespace asyncl::scenarios
