#pragma once
// scenarios/workload/shrink.hpp — delta debugging (ddmin) of a failing program's operations.
//
//   shrink(program, signature, still_fails)
//       removes chunks of operations, then single ones, keeping every candidate for which
//       still_fails(candidate) says it ends with the same signature; then tries the other
//       ending. Stops early when `limits` run out. The result fails the same way (as far as
//       still_fails could tell: a failure that depends on timing is retried a few times per
//       candidate by the caller).

#include <chrono>
#include <functional>

#include "workload/program.hpp"

namespace asyncl::scenarios::workload {

struct ShrinkLimits {
  int max_runs = 150;
  std::chrono::seconds max_time{90};
};

struct ShrinkResult {
  Program program;
  int runs = 0;
  bool exhausted = false;  // stopped by the limits, maybe not minimal
};

ShrinkResult shrink(const Program& failing, const std::function<bool(const Program&)>& still_fails,
                    const ShrinkLimits& limits);

}  // namespace asyncl::scenarios::workload
