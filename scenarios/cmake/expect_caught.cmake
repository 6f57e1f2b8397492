# Runs one mutant of asyncl-scenarios and passes when it is caught with the detection it declares
# for this flavor (ctest: scenarios.mutant.<name>).
#
#   cmake -DSCENARIOS=<asyncl-scenarios> -DMUTANT=<name> -DFLAVOR=tsan|asan [-DITERATIONS=5]
#         [-DSEED=1] -P expect_caught.cmake
#
# The declaration comes from `asyncl-scenarios list` ("detectors": {"tsan": "tool:kind", ...}).
# A mutant that declares nothing for FLAVOR prints "SKIPPED:" (the test's SKIP_REGULAR_EXPRESSION).
# Detections are read the way asyncl-verify reads them: the first sanitizer report on stderr
# ("WARNING: ThreadSanitizer: data race" is tsan:data race), else exit 3 with a "fail" line is
# scenario:assertion. The sanitizer options (exit codes, halt_on_error, detect_leaks) come from
# the test's environment.

cmake_minimum_required(VERSION 3.21)

foreach(required IN ITEMS SCENARIOS MUTANT FLAVOR)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "expect_caught.cmake: -D${required}=... is required")
  endif()
endforeach()
if(NOT DEFINED ITERATIONS)
  set(ITERATIONS 5)
endif()
if(NOT DEFINED SEED)
  set(SEED 1)
endif()

execute_process(COMMAND "${SCENARIOS}" list
  RESULT_VARIABLE list_result OUTPUT_VARIABLE catalog ERROR_VARIABLE list_error)
if(NOT list_result EQUAL 0)
  message(FATAL_ERROR "`asyncl-scenarios list` failed (${list_result}): ${list_error}")
endif()

string(JSON entries LENGTH "${catalog}")
set(expected "")
set(found FALSE)
math(EXPR last "${entries} - 1")
foreach(index RANGE ${last})
  string(JSON name GET "${catalog}" ${index} name)
  if(name STREQUAL MUTANT)
    set(found TRUE)
    string(JSON expected ERROR_VARIABLE no_detector GET "${catalog}" ${index} detectors ${FLAVOR})
    if(no_detector)
      set(expected "")
    endif()
  endif()
endforeach()
if(NOT found)
  message(FATAL_ERROR "asyncl-scenarios lists no mutant named '${MUTANT}'")
endif()
if(expected STREQUAL "")
  message("SKIPPED: ${MUTANT} declares no detection for ${FLAVOR}")
  return()
endif()

execute_process(COMMAND "${SCENARIOS}" run "${MUTANT}" --iterations ${ITERATIONS} --seed ${SEED} --mode all
  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE errors TIMEOUT 240)

set(observed "")
string(REGEX MATCH "(WARNING|ERROR): (ThreadSanitizer|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer): [^\n(]*"
  headline "${errors}")
if(headline)
  string(REGEX REPLACE "^[A-Z]+: ([A-Za-z]+)Sanitizer: (.*)$" "\\1;\\2" parts "${headline}")
  list(GET parts 0 tool)
  list(GET parts 1 kind)
  string(REGEX REPLACE " on address.*$" "" kind "${kind}")
  string(STRIP "${kind}" kind)
  set(tools_Thread tsan)
  set(tools_Address asan)
  set(tools_Leak lsan)
  set(tools_UndefinedBehavior ubsan)
  set(observed "${tools_${tool}}:${kind}")
elseif(result EQUAL 3 AND output MATCHES "\"verdict\":\"fail\"")
  set(observed "scenario:assertion")
elseif(result EQUAL 0)
  set(observed "nothing (exit 0)")
else()
  set(observed "exit ${result}")
endif()

if(NOT observed STREQUAL expected)
  string(SUBSTRING "${errors}" 0 4000 excerpt)
  message(FATAL_ERROR "${MUTANT} (${FLAVOR}): expected ${expected}, observed ${observed}\n${output}\n${excerpt}")
endif()
message("${MUTANT} (${FLAVOR}): caught as ${observed}")
