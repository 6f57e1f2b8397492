// verify/classification.hpp — turns one finished scenario process into a verdict.
//
// Defines:
//   Verdict          pass, fail (scenarios); caught, missed, wrong-detection (mutants);
//                    timeout, error (both)
//   Observation      what one process showed: its detection (if any), its reports, its JSON line
//   observe(process, sanitizer_reports)       reads a finished process
//   classify_scenario(observation)            pass only on exit 0, a "pass" line and no report
//   classify_mutant(observation, expected)    caught only when the expected detection was seen
//   MutantRuns / aggregate(...)               K runs of one mutant -> one verdict and a rate
//
// Example:
//   auto observation = observe(result, parse_sanitizer_reports(result.stderr_text));
//   Verdict verdict = classify_mutant(observation, "tsan:data race");
//
// An observation's detection is, in order of precedence: the first sanitizer report
// ("tsan:data race"); "scenario:assertion" for exit 3 with a JSON line whose verdict is "fail"
// (or the line's own "detection" string, which Relacy models use); "signal:SIGSEGV" for a death
// by signal; "tsan:unparsed report" (asan/ubsan likewise) for a sanitizer exit code without a
// readable report; "exit:N" for any other non-zero exit. Exit 0 with a "pass" line and no report
// is no detection. Exit 2 (the binary's usage error), a missing JSON line, a process that could
// not start and TSan's "unexpected memory mapping" are errors of the environment, not findings.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tool_common/process.hpp"
#include "verify/sanitizer_report.hpp"

namespace asyncl::verify {

enum class Verdict { pass, fail, caught, missed, wrong_detection, timeout, error };

std::string_view to_string(Verdict verdict);
std::optional<Verdict> verdict_from_string(std::string_view text);

// Exit codes asyncl-verify asks the sanitizers for, and the scenario contract's own codes.
inline constexpr int kTsanExitCode = 66;
inline constexpr int kAsanExitCode = 67;
inline constexpr int kUbsanExitCode = 68;
inline constexpr int kScenarioAssertionExitCode = 3;
inline constexpr int kScenarioUsageExitCode = 2;

struct Observation {
  std::optional<std::string> detection;  // nullopt: the run showed nothing wrong
  bool environment_error = false;        // the run says nothing about the code under test
  bool timed_out = false;
  std::string reason;  // one line for humans when something was seen
  std::vector<SanitizerReport> reports;
  std::optional<nlohmann::json> scenario_output;  // the JSON line, when one was printed
};

Observation observe(const tool::ProcessResult& process, std::vector<SanitizerReport> reports);

Verdict classify_scenario(const Observation& observation);
Verdict classify_mutant(const Observation& observation, std::string_view expected_detection);

// One mutant run several times: the mutant passes only when every run caught it.
struct MutantRuns {
  Verdict verdict = Verdict::error;
  int runs = 0;
  int caught = 0;
  std::size_t representative = 0;  // the run the record shows: the first with `verdict`
  double detection_rate() const { return runs == 0 ? 0.0 : static_cast<double>(caught) / runs; }
};

// `verdicts` are classify_mutant results in run order. Precedence of a failing aggregate:
// wrong-detection, missed, timeout, error (the most telling finding first).
MutantRuns aggregate(const std::vector<Verdict>& verdicts);

}  // namespace asyncl::verify
