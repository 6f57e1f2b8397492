// verify/runner.hpp — runs one plan item and turns it into a report record.
//
// Defines:
//   RunSettings          iterations, seed, mode, timeout, mutant runs, source root
//   execute(item, binary, settings)   one process for a scenario (with a budget: as many as fit),
//                                     `mutant_runs` processes for a mutant (run k uses seed + k);
//                                     returns the record
//   relative_to_source(reports, root) makes frame paths under the source tree relative
//   stderr_excerpt(text)              the part of stderr a failing record keeps
//
// Example:
//   RunRecord record = execute(item, binary, RunSettings{.iterations = 20});
//
// Thread safety: execute spawns processes one at a time (see tool_common/process.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/report.hpp"
#include "verify/run_plan.hpp"
#include "verify/scenario_binary.hpp"

namespace asyncl::verify {

struct RunSettings {
  int iterations = 20;
  std::uint64_t seed = 1;
  std::string mode = "all";
  std::chrono::duration<double> timeout{300};
  int mutant_runs = 3;
  std::filesystem::path source_root;  // empty: leave frame paths as printed
  // Scenarios only: run processes back to back (seed, seed + iterations, ...) until this much
  // time is spent or one fails; the record sums their programs, operations and coverage.
  std::optional<std::chrono::duration<double>> budget;
  // Called after each budgeted process with a one-line progress report.
  std::function<void(const std::string&)> progress;
};

// The first characters of stderr that a failing record keeps.
inline constexpr std::size_t kStderrExcerptBytes = 8192;

RunRecord execute(const PlanItem& item, const ScenarioBinary& binary, const RunSettings& settings);

void relative_to_source(std::vector<SanitizerReport>& reports, const std::filesystem::path& root);

// From the first sanitizer line (or the start) at most kStderrExcerptBytes bytes.
std::string stderr_excerpt(std::string_view text);

}  // namespace asyncl::verify
