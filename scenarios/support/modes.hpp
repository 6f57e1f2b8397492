#pragma once
// scenarios/support/modes.hpp — the Context modes a run exercises (`--mode`).
//
//   ModeName               barrier, leaky, shared: the run-time name of asyncl::mode::*
//   parse_modes(text)      "barrier" | "leaky" | "shared" | "all" (all three, barrier first)
//   with_mode(name, fn)    calls fn(asyncl::mode::X{}) for the compile-time mode named

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "asyncl/context.hpp"

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

template <class Mode>
constexpr ModeName mode_name_of() noexcept {
  if constexpr (std::is_same_v<Mode, asyncl::mode::barrier>) {
    return ModeName::barrier;
  } else if constexpr (std::is_same_v<Mode, asyncl::mode::leaky>) {
    return ModeName::leaky;
  } else {
    return ModeName::shared;
  }
}

template <class F>
decltype(auto) with_mode(ModeName mode, F&& fn) {
  switch (mode) {
    case ModeName::leaky:
      return std::forward<F>(fn)(asyncl::mode::leaky{});
    case ModeName::shared:
      return std::forward<F>(fn)(asyncl::mode::shared{});
    case ModeName::barrier:
      break;
  }
  return std::forward<F>(fn)(asyncl::mode::barrier{});
}

}  // namespace asyncl::scenarios
