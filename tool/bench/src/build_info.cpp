#include "asyncl_bench/build_info.hpp"

#include "asyncl_bench/build_config.hpp"
#include "tool_common/git_revision.hpp"

namespace asyncl::bench {

const BuildInfo& build_info() {
  static const BuildInfo info {
    ASYNCL_BENCH_VERSION, tool::build_git_revision(), ASYNCL_BENCH_COMPILER,
        ASYNCL_BENCH_BUILD_TYPE, ASYNCL_BENCH_CXX_FLAGS,
#if defined(ASYNCL_DEFAULT_MODE_BARRIER)
        "barrier",
#elif defined(ASYNCL_DEFAULT_MODE_LEAKY)
        "leaky",
#elif defined(ASYNCL_DEFAULT_MODE_SHARED)
        "shared",
#else
        "unknown",
#endif
#if defined(ASYNCL_CHECKED) && ASYNCL_CHECKED
        true,
#else
        false,
#endif
  };
  return info;
}

std::string version_line() {
  return "asyncl-bench " + std::string(build_info().version) + " (git " +
         std::string(build_info().git_revision) + ")";
}

}  // namespace asyncl::bench
