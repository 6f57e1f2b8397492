// verify/text_table.hpp — terminal tables are the tools' shared TextTable
// (tool_common/text_table.hpp).
#pragma once

#include "tool_common/text_table.hpp"

namespace asyncl::verify {

using tool::TextTable;

}  // namespace asyncl::verify
