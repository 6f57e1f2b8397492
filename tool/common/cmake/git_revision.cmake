# Writes OUTPUT, a header defining ASYNCL_TOOL_GIT_REVISION (`git describe --always --dirty` of
# SOURCE_DIR, or "unknown"), and rewrites it only when the revision changed, so that an unchanged
# revision rebuilds nothing. Run at configure time and on every build by tool/common.
# Usage: cmake -DGIT_EXECUTABLE=... -DSOURCE_DIR=... -DOUTPUT=... -P git_revision.cmake
set(revision "unknown")
if(GIT_EXECUTABLE)
  execute_process(
    COMMAND "${GIT_EXECUTABLE}" describe --always --dirty --abbrev=12
    WORKING_DIRECTORY "${SOURCE_DIR}"
    OUTPUT_VARIABLE described
    RESULT_VARIABLE result
    OUTPUT_STRIP_TRAILING_WHITESPACE
    ERROR_QUIET)
  if(result EQUAL 0 AND NOT described STREQUAL "")
    set(revision "${described}")
  endif()
endif()
set(content "#pragma once\n// Generated at build time by tool/common/cmake/git_revision.cmake; do not edit.\n#define ASYNCL_TOOL_GIT_REVISION \"${revision}\"\n")
set(previous "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
endif()
if(NOT previous STREQUAL content)
  file(WRITE "${OUTPUT}" "${content}")
endif()
