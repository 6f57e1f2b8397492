// Tests verify/workspace.hpp: finding the repository and naming paths for people.
#include "verify/workspace.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

namespace asyncl::verify {
namespace {

TEST(Workspace, FindsTheRepositoryFromBelow) {
  const auto root = std::filesystem::temp_directory_path() /
                    ("asyncl-verify-workspace-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "tool" / "verify");
  std::filesystem::create_directories(root / "build" / "release" / "tool" / "verify");
  std::ofstream(root / "tool" / "verify" / "CMakeLists.txt") << "\n";
  EXPECT_EQ(find_repository_root(root / "build" / "release" / "tool" / "verify"),
            std::filesystem::canonical(root));
  EXPECT_EQ(find_repository_root(root), std::filesystem::canonical(root));
  std::filesystem::remove_all(root);
}

TEST(Workspace, NoRepositoryAboveTheRoot) { EXPECT_EQ(find_repository_root("/"), std::nullopt); }

TEST(Workspace, ExplicitBuildDirWins) {
  const Workspace workspace = locate_workspace("some/builds");
  EXPECT_EQ(workspace.build_root, std::filesystem::current_path() / "some/builds");
}

TEST(Workspace, ShownPathIsRelativeInsideTheWorkingDirectory) {
  EXPECT_EQ(shown_path(std::filesystem::current_path() / "build" / "tsan"),
            std::filesystem::path("build/tsan"));
  EXPECT_EQ(shown_path("/"), std::filesystem::path("/"));
}

}  // namespace
}  // namespace asyncl::verify
