#pragma once
// What asyncl-bench was built from and how; recorded in every report's context so that two
// reports can be told apart.
//
// Defines:
//   asyncl::bench::BuildInfo, build_info()
//   asyncl::bench::version_line()   what --version prints

#include <string>
#include <string_view>

namespace asyncl::bench {

struct BuildInfo {
  std::string_view version;       // the asyncl project version
  std::string_view git_revision;  // `git describe --always --dirty` at build time, or "unknown"
  std::string_view compiler;      // CMake's compiler id and version, e.g. "GNU 12.2.0"
  std::string_view build_type;    // CMAKE_BUILD_TYPE
  std::string_view cxx_flags;     // CMAKE_CXX_FLAGS and the build type's flags
  std::string_view default_mode;  // the library's ASYNCL_DEFAULT_MODE, or "unknown"
  bool checked;                   // built with ASYNCL_CHECKED: checks that distort timings
};

const BuildInfo& build_info();

// "asyncl-bench 0.1.0 (git 1a2b3c4d5e6f)"
std::string version_line();

}  // namespace asyncl::bench
