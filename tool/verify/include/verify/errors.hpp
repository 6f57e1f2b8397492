// verify/errors.hpp — asyncl-verify's exit codes and errors are the tools' shared ones
// (tool_common/errors.hpp): 0 all passed, 1 findings, 2 UsageError or EnvironmentError.
#pragma once

#include "tool_common/errors.hpp"

namespace asyncl::verify {

using tool::EnvironmentError;
using tool::kExitFindings;
using tool::kExitOk;
using tool::kExitUsageOrEnvironment;
using tool::UsageError;

}  // namespace asyncl::verify
