// verify/process.hpp — child processes are run with the tools' shared process runner
// (tool_common/process.hpp).
#pragma once

#include "tool_common/process.hpp"

namespace asyncl::verify {

using tool::current_environment;
using tool::install_interrupt_forwarding;
using tool::kMaxCapturedBytes;
using tool::ProcessRequest;
using tool::ProcessResult;
using tool::run_process;
using tool::signal_name;
using tool::with_appended_option;

}  // namespace asyncl::verify
