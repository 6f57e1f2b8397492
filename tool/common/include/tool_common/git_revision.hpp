// tool_common/git_revision.hpp — the revision of the checkout the tools were built from.
//
//   build_git_revision()  `git describe --always --dirty --abbrev=12` of the source directory at
//                         build time (tool/common/cmake/git_revision.cmake), or "unknown" when
//                         git or the repository was missing. Every report of both tools records
//                         it, so a report names the code that produced it.
#pragma once

#include <string_view>

namespace asyncl::tool {

std::string_view build_git_revision() noexcept;

}  // namespace asyncl::tool
