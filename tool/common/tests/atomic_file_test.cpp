// Tests tool_common/atomic_file.hpp: a complete file or none, and no temp file left behind. The
// failure cases use paths no user can write (a file as a directory, a directory as the target)
// so they hold when the tests run as root too.
#include "tool_common/atomic_file.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tool_common/errors.hpp"

namespace asyncl::tool {
namespace {

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "asyncl-tool-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  static std::string read(const std::filesystem::path& path) {
    std::ifstream input(path);
    std::stringstream text;
    text << input.rdbuf();
    return text.str();
  }

  std::filesystem::path directory_;
};

TEST_F(AtomicFile, WritesTheWholeContent) {
  const auto path = directory_ / "verify.json";
  write_file_atomically(path, "{\"a\":1}\n");
  EXPECT_EQ(read(path), "{\"a\":1}\n");
  write_file_atomically(path, "second");
  EXPECT_EQ(read(path), "second");
  EXPECT_EQ(entries(), std::vector<std::string>{"verify.json"});
}

TEST_F(AtomicFile, MissingDirectoryLeavesNothing) {
  const auto path = directory_ / "missing" / "verify.json";
  EXPECT_THROW(write_file_atomically(path, "x"), EnvironmentError);
  EXPECT_THROW(check_writable(path), EnvironmentError);
  EXPECT_TRUE(entries().empty());
}

TEST_F(AtomicFile, ParentThatIsAFileLeavesNothing) {
  std::ofstream(directory_ / "plain") << "keep";
  const auto path = directory_ / "plain" / "verify.json";
  EXPECT_THROW(write_file_atomically(path, "x"), EnvironmentError);
  EXPECT_EQ(entries(), std::vector<std::string>{"plain"});
  EXPECT_EQ(read(directory_ / "plain"), "keep");
}

// The temp file is written and the rename fails: the temp file must go.
TEST_F(AtomicFile, TargetThatIsADirectoryLeavesNoTemp) {
  std::filesystem::create_directories(directory_ / "verify.json" / "inside");
  EXPECT_THROW(check_writable(directory_ / "verify.json"), EnvironmentError);
  try {
    write_file_atomically(directory_ / "verify.json", "x");
    FAIL() << "wrote over a directory";
  } catch (const EnvironmentError& error) {
    EXPECT_NE(std::string(error.what()).find("cannot write"), std::string::npos);
  }
  EXPECT_EQ(entries(), std::vector<std::string>{"verify.json"});
  EXPECT_TRUE(std::filesystem::is_directory(directory_ / "verify.json"));
}

TEST_F(AtomicFile, ReadOnlyDirectoryLeavesNothing) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only directories";
  const auto locked = directory_ / "locked";
  std::filesystem::create_directory(locked);
  std::filesystem::permissions(
      locked, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  EXPECT_THROW(write_file_atomically(locked / "verify.json", "x"), EnvironmentError);
  EXPECT_THROW(check_writable(locked / "verify.json"), EnvironmentError);
  std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
  EXPECT_TRUE(std::filesystem::is_empty(locked));
}

TEST_F(AtomicFile, CheckWritableLeavesNothing) {
  check_writable(directory_ / "verify.json");
  EXPECT_TRUE(entries().empty());
}

}  // namespace
}  // namespace asyncl::tool
