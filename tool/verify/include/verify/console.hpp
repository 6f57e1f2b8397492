// verify/console.hpp — what `run` prints while it works and when it is done.
//
// Defines:
//   progress_prefix(position, total, item)  "[3/24] tsan shutdown-race ... "
//   progress_result(record)                 "pass (1.2s)", "caught 3/3 (2.1s)",
//                                           "wrong-detection: expected …, observed … (0.4s)"
//   summary_table(report)                   one row per run, then the totals line
//
// Example:
//   std::cerr << progress_prefix(3, 24, item) << std::flush;
//   std::cerr << progress_result(execute(item, binary, settings)) << "\n";
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>

#include "verify/report.hpp"
#include "verify/run_plan.hpp"

namespace asyncl::verify {

std::string progress_prefix(std::size_t position, std::size_t total, const PlanItem& item);
std::string progress_result(const RunRecord& record);
std::string summary_table(const VerifyReport& report);

}  // namespace asyncl::verify
