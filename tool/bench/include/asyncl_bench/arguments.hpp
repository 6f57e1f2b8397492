#pragma once
// Validation of asyncl-bench's arguments, kept apart from the command-line parser so that it can
// be tested without one.
//
// Defines:
//   asyncl::bench::UsageError       the tools' UsageError (tool_common/errors.hpp): the CLI prints
//                                   its message as one line and exits 2
//   asyncl::bench::parse_modes()    the MODE... operands of `compare`
//   asyncl::bench::compile_filter() the --filter regular expression

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tool_common/errors.hpp"

namespace asyncl::bench {

using tool::UsageError;

// The modes `compare` runs when none are named.
std::vector<std::string> default_modes();

// Checks that every name is a mode from kModes and that none is named twice; returns the modes in
// the order given, or default_modes() when `names` is empty. Throws UsageError.
std::vector<std::string> parse_modes(const std::vector<std::string>& names);

// Compiles `pattern` as an ECMAScript regular expression; no pattern selects everything.
// Throws UsageError for an invalid pattern. (The one place that constructs a std::regex; see the
// note on arguments.cpp in CMakeLists.txt.)
std::optional<std::regex> compile_filter(const std::optional<std::string>& pattern);

}  // namespace asyncl::bench
