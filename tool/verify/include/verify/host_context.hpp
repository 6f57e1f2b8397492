// verify/host_context.hpp — the facts about this machine and checkout that a report records.
//
// Defines:
//   iso8601_utc_now()          "2025-01-31T12:00:00Z"
//   host_name()                gethostname, or "unknown"
//
// The git revision comes from the build (tool_common/git_revision.hpp).
//
// Thread safety: safe from any thread.
#pragma once

#include <string>

namespace asyncl::verify {

std::string iso8601_utc_now();
std::string host_name();

}  // namespace asyncl::verify
