// verify/workspace.hpp — where the repository, its builds and its reports are.
//
// Defines:
//   find_repository_root(start)   the nearest directory at or above `start` that holds
//                                 tool/verify/CMakeLists.txt
//   Workspace                     repository root (if found), build root, report directory
//   locate_workspace(build_dir)   from --build-dir, else the repository found from this
//                                 executable's location, else from the working directory
//   shown_path(path)              `path` relative to the working directory when it is inside it
//
// Example:
//   Workspace workspace = locate_workspace(options.build_dir);
//   auto binary = ScenarioBinary::locate(workspace.build_root, "tsan",
//   shown_path(workspace.build_root));
//
// Thread safety: reads the file system and the working directory; no shared state.
#pragma once

#include <filesystem>
#include <optional>

namespace asyncl::verify {

std::optional<std::filesystem::path> find_repository_root(const std::filesystem::path& start);

struct Workspace {
  std::optional<std::filesystem::path> repository_root;
  std::filesystem::path build_root;   // <repository>/build unless --build-dir says otherwise
  std::filesystem::path results_dir;  // <repository>/results, or ./results outside a repository
};

// `build_dir` empty: the default build root.
Workspace locate_workspace(const std::filesystem::path& build_dir);

std::filesystem::path shown_path(const std::filesystem::path& path);

}  // namespace asyncl::verify
