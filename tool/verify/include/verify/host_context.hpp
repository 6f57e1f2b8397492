// verify/host_context.hpp — the facts about this machine and checkout that a report records.
//
// Defines:
//   iso8601_utc_now()          "2025-01-31T12:00:00Z"
//   host_name()                gethostname, or "unknown"
//   git_revision(directory)    `git rev-parse HEAD` in `directory`, or "unknown"
//
// Thread safety: safe from any thread; git_revision spawns a process (see verify/process.hpp).
#pragma once

#include <filesystem>
#include <string>

namespace asyncl::verify {

std::string iso8601_utc_now();
std::string host_name();
std::string git_revision(const std::filesystem::path& directory);

}  // namespace asyncl::verify
