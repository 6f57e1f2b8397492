// verify/errors.hpp — the two kinds of error that end asyncl-verify with exit code 2, and the
// tool's exit codes.
//
// Defines:
//   kExitOk, kExitFindings, kExitUsageOrEnvironment   0, 1, 2
//   UsageError        the command line asked for something invalid (bad value, unknown scenario)
//   EnvironmentError  the machine is not ready (missing preset build, unwritable report path)
//
// Both carry one line of text, already phrased as advice, that the CLI prints after
// "asyncl-verify: ". A failing scenario or an uncaught mutant is never an exception: it is a
// verdict in the report and exit code 1.
#pragma once

#include <stdexcept>
#include <string>

namespace asyncl::verify {

inline constexpr int kExitOk = 0;            // every scenario passed, every mutant was caught
inline constexpr int kExitFindings = 1;      // a scenario failed or a mutant was not caught
inline constexpr int kExitUsageOrEnvironment = 2;

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

class EnvironmentError : public std::runtime_error {
 public:
  explicit EnvironmentError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace asyncl::verify
