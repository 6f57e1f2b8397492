// tool_common/atomic_file.hpp — writes a report so that readers see the old file or the whole
// new one, never a part.
//
// Defines:
//   write_file_atomically(path, content)   temp file in the same directory, fsync, rename,
//                                          fsync of the directory; on any error the temp file
//                                          is removed and the destination is left untouched
//   check_writable(path)                   fails early, before a long run, if `path` could not
//                                          be written later
//
// One semantics: refuse what is unsafe. A directory that does not exist is an error (the caller
// creates the directories it owns, e.g. results/), so is a destination that is a directory.
//
// Example:
//   check_writable("results/verify.json");   // before the run
//   write_file_atomically("results/verify.json", to_json(report).dump(2) + "\n");
//
// Both throw EnvironmentError (tool_common/errors.hpp) with one line naming the path and the
// reason.
//
// Thread safety: safe to call concurrently for different paths.
#pragma once

#include <filesystem>
#include <string_view>

namespace asyncl::tool {

void write_file_atomically(const std::filesystem::path& path, std::string_view content);

void check_writable(const std::filesystem::path& path);

}  // namespace asyncl::tool
