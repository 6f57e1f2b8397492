#include "tool_common/git_revision.hpp"

#include "git_revision_value.hpp"  // generated: defines ASYNCL_TOOL_GIT_REVISION

namespace asyncl::tool {

std::string_view build_git_revision() noexcept { return ASYNCL_TOOL_GIT_REVISION; }

}  // namespace asyncl::tool
