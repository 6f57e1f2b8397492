#include "asyncl_bench/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "asyncl_bench/arguments.hpp"
#include "test_files.hpp"

namespace asyncl::bench {
namespace {

using testing::read_text_file;
using testing::ScratchDirectory;

std::size_t entries_in(const std::filesystem::path& directory) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(directory),
                                                std::filesystem::directory_iterator()));
}

TEST(WriteFileAtomically, WritesTheContentAndLeavesNoTemporaryFile) {
  ScratchDirectory scratch;
  const auto target = scratch.path() / "bench.json";
  write_file_atomically(target, "{\"a\": 1}\n");
  EXPECT_EQ(read_text_file(target), "{\"a\": 1}\n");
  EXPECT_EQ(entries_in(scratch.path()), 1u);
  struct stat status {};
  ASSERT_EQ(::stat(target.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0644u);
}

TEST(WriteFileAtomically, ReplacesAnExistingFile) {
  ScratchDirectory scratch;
  const auto target = scratch.path() / "bench.html";
  write_file_atomically(target, "old content that is longer than the new one");
  write_file_atomically(target, "new");
  EXPECT_EQ(read_text_file(target), "new");
  EXPECT_EQ(entries_in(scratch.path()), 1u);
}

TEST(WriteFileAtomically, FailsWithoutCreatingAnythingWhenTheDirectoryIsMissing) {
  ScratchDirectory scratch;
  const auto target = scratch.path() / "missing" / "bench.json";
  EXPECT_THROW(write_file_atomically(target, "x"), std::runtime_error);
  EXPECT_EQ(entries_in(scratch.path()), 0u);
}

TEST(EnsureWritable, CreatesMissingParentDirectoriesAndLeavesThemEmpty) {
  ScratchDirectory scratch;
  const auto target = scratch.path() / "results" / "nested" / "bench.json";
  ensure_writable(target);
  EXPECT_TRUE(std::filesystem::is_directory(target.parent_path()));
  EXPECT_EQ(entries_in(target.parent_path()), 0u);
}

TEST(EnsureWritable, RejectsADirectoryAndAPathBelowAFile) {
  ScratchDirectory scratch;
  EXPECT_THROW(ensure_writable(scratch.path()), UsageError);
  const auto file = scratch.path() / "plain-file";
  std::ofstream(file) << "x";
  EXPECT_THROW(ensure_writable(file / "bench.json"), UsageError);
  EXPECT_THROW(ensure_writable(""), UsageError);
}

}  // namespace
}  // namespace asyncl::bench
