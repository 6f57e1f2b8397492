// tool_common/markup.hpp — text made safe inside HTML and XML (asyncl-bench's pages,
// asyncl-verify's JUnit report).
//
//   escape_markup(text)  &, <, >, " and ' as entities (' as &#39;, which HTML and XML both
//                        read), and the control characters XML 1.0 does not allow dropped (all
//                        below U+0020 but tab, line feed and carriage return)
#pragma once

#include <string>
#include <string_view>

namespace asyncl::tool {

std::string escape_markup(std::string_view text);

}  // namespace asyncl::tool
