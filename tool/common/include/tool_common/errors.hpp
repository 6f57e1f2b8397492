// tool_common/errors.hpp — the exit codes of asyncl's tools and the two kinds of error that end
// a command with exit code 2.
//
// Defines:
//   kExitOk, kExitFindings, kExitUsageOrEnvironment   0, 1, 2
//   UsageError        the command line asked for something invalid (bad value, unknown name)
//   EnvironmentError  the machine is not ready (missing build, unwritable report path)
//
// Both carry one line of text, already phrased as advice, that the CLI prints after
// "<tool>: ". Findings (a failing scenario, a missed mutant, a benchmark error) are never
// exceptions: they are results, and exit code 1.
//
// Thread safety: value types.
#pragma once

#include <stdexcept>
#include <string>

namespace asyncl::tool {

inline constexpr int kExitOk = 0;        // everything ran and passed
inline constexpr int kExitFindings = 1;  // something ran and failed
inline constexpr int kExitUsageOrEnvironment =
    2;  // nothing useful ran: fix the call or the machine

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

class EnvironmentError : public std::runtime_error {
 public:
  explicit EnvironmentError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace asyncl::tool
