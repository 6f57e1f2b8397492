#pragma once
// File helpers shared by asyncl-bench's tests: the stored fixtures, the schema, scratch folders.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "asyncl_bench/comparison.hpp"

namespace asyncl::bench::testing {

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

inline Json read_json_file(const std::filesystem::path& path) {
  return Json::parse(read_text_file(path));
}

// A stored Google Benchmark report, read the way asyncl-bench reads Google Benchmark's output.
inline Json read_fixture(const std::string& name) {
  return parse_google_benchmark_json(
      read_text_file(std::filesystem::path(ASYNCL_BENCH_FIXTURE_DIR) / name));
}

inline Json read_schema() { return read_json_file(ASYNCL_BENCH_SCHEMA_FILE); }

// A fresh empty folder for one test, removed with everything in it when the test ends.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    static int created = 0;
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("asyncl-bench-test-" + std::to_string(::getpid()) + "-" + test->name() + "-" +
             std::to_string(++created));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace asyncl::bench::testing
