// Tests tool_common/text_table.hpp.
#include "tool_common/text_table.hpp"

#include <gtest/gtest.h>

namespace asyncl::tool {
namespace {

TEST(TextTable, PadsColumnsToTheWidestCell) {
  TextTable table({"FLAVOR", "NAME", "VERDICT"});
  table.add_row({"tsan", "shutdown-race", "pass"});
  table.add_row({"asan", "m", ""});
  EXPECT_EQ(table.render(),
            "FLAVOR  NAME           VERDICT\n"
            "tsan    shutdown-race  pass\n"
            "asan    m\n");
}

}  // namespace
}  // namespace asyncl::tool
