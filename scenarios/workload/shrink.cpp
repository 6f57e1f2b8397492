#include "workload/shrink.hpp"

#include <algorithm>

namespace asyncl::scenarios::workload {

ShrinkResult shrink(const Program& failing, const std::function<bool(const Program&)>& still_fails,
                    const ShrinkLimits& limits) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + limits.max_time;
  ShrinkResult result{failing, 0, false};
  const auto try_candidate = [&](const Program& candidate) {
    if (result.runs >= limits.max_runs || Clock::now() >= deadline) {
      result.exhausted = true;
      return false;
    }
    ++result.runs;
    return still_fails(candidate);
  };

  std::size_t chunks = 2;
  while (!result.program.ops.empty() && !result.exhausted) {
    const std::size_t size = result.program.ops.size();
    chunks = std::min(chunks, size);
    const std::size_t chunk = (size + chunks - 1) / chunks;
    bool reduced = false;
    for (std::size_t start = 0; start < size && !result.exhausted; start += chunk) {
      Program candidate = result.program;
      candidate.ops.erase(
          candidate.ops.begin() + static_cast<std::ptrdiff_t>(start),
          candidate.ops.begin() + static_cast<std::ptrdiff_t>(std::min(size, start + chunk)));
      if (try_candidate(candidate)) {
        result.program = std::move(candidate);
        chunks = std::max<std::size_t>(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (chunks >= size) break;  // every single operation is needed
    chunks = std::min(size, chunks * 2);
  }
  if (!result.exhausted) {
    Program candidate = result.program;
    candidate.ending = candidate.ending == Ending::settle ? Ending::drop_now : Ending::settle;
    if (candidate.ending == Ending::drop_now && try_candidate(candidate))
      result.program = std::move(candidate);
  }
  return result;
}

}  // namespace asyncl::scenarios::workload
