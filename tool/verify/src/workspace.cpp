#include "verify/workspace.hpp"

#include <system_error>

namespace asyncl::verify {

std::optional<std::filesystem::path> find_repository_root(const std::filesystem::path& start) {
  std::error_code error;
  std::filesystem::path directory = std::filesystem::weakly_canonical(start, error);
  if (error) return std::nullopt;
  while (true) {
    if (std::filesystem::is_regular_file(directory / "tool" / "verify" / "CMakeLists.txt", error)) {
      return directory;
    }
    if (!directory.has_parent_path() || directory.parent_path() == directory) return std::nullopt;
    directory = directory.parent_path();
  }
}

Workspace locate_workspace(const std::filesystem::path& build_dir) {
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  std::optional<std::filesystem::path> root;
  if (!error) root = find_repository_root(executable.parent_path());
  if (!root) root = find_repository_root(std::filesystem::current_path());
  Workspace workspace;
  workspace.repository_root = root;
  const std::filesystem::path base = root.value_or(std::filesystem::current_path());
  workspace.build_root = (build_dir.empty() ? base / "build" : std::filesystem::absolute(build_dir))
                             .lexically_normal();
  workspace.results_dir = base / "results";
  return workspace;
}

std::filesystem::path shown_path(const std::filesystem::path& path) {
  std::error_code error;
  const std::filesystem::path relative =
      std::filesystem::relative(path, std::filesystem::current_path(), error);
  if (error || relative.empty() || *relative.begin() == "..") return path;
  return relative;
}

}  // namespace asyncl::verify
