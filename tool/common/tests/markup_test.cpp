#include "tool_common/markup.hpp"

#include <gtest/gtest.h>

namespace asyncl::tool {
namespace {

TEST(Markup, EscapesEveryCharacterThatEndsTextOrAnAttribute) {
  EXPECT_EQ(escape_markup("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}

TEST(Markup, DropsControlCharactersButKeepsWhitespace) {
  EXPECT_EQ(escape_markup(std::string_view("x\x01\x1f\t\n\r\0y", 9)), "x\t\n\ry");
}

TEST(Markup, LeavesOtherTextAloneIncludingUtf8) {
  EXPECT_EQ(escape_markup(""), "");
  EXPECT_EQ(escape_markup("ratio 0.5 \xe2\x80\x93 1.2"), "ratio 0.5 \xe2\x80\x93 1.2");
}

}  // namespace
}  // namespace asyncl::tool
