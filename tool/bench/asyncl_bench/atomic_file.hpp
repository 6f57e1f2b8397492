#pragma once
// Writing report files so that a reader never sees a partial one.
//
// Defines:
//   asyncl::bench::ensure_writable()        checks, before any work, that a file can be written
//   asyncl::bench::write_file_atomically()  writes a temporary file beside the target, then
//                                           renames it over the target

#include <filesystem>
#include <string_view>

namespace asyncl::bench {

// Creates the parent directories of `path` if needed and checks that a file can be created in the
// directory and that `path` is not a directory. Throws UsageError naming the path and the reason.
void ensure_writable(const std::filesystem::path& path);

// Writes `content` to a new temporary file in the directory of `path`, flushes it, and renames it
// to `path`, which therefore holds either its old content or all of `content`. On failure the
// temporary file is removed and std::runtime_error names the path and the reason.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace asyncl::bench
