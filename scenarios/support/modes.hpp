#pragma once
// scenarios/support/modes.hpp — the Context modes a run exercises (`--mode`).
//
//   ModeName, parse_modes  (support/mode_name.hpp)
//   mode_name_of<Mode>()   the ModeName of asyncl::mode::Mode
//   with_mode(name, fn)    calls fn(asyncl::mode::X{}) for the compile-time mode named

#include <type_traits>
#include <utility>

#include "asyncl/context.hpp"
#include "support/mode_name.hpp"

namespace asyncl::scenarios {

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
