// verify/atomic_file.hpp — reports are written with the tools' shared atomic writer
// (tool_common/atomic_file.hpp).
#pragma once

#include "tool_common/atomic_file.hpp"

namespace asyncl::verify {

using tool::check_writable;
using tool::write_file_atomically;

}  // namespace asyncl::verify
