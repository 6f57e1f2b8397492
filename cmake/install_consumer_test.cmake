# Script run by the ctest `install.find_package_consumer` (cmake -P). It proves that an installed
# copy of asyncl works for an outside project:
#   1. `cmake --install` the build tree into a fresh prefix inside the build tree;
#   2. configure lib/tests/install_consumer against that prefix (find_package(asyncl));
#   3. build it and run it (it must exit 0).
# Inputs (-D): BUILD_DIR, PREFIX, CONSUMER_SOURCE, CONSUMER_BINARY, CONFIG, GENERATOR,
# MAKE_PROGRAM, CXX_COMPILER, CXX_FLAGS (the sanitizer/Relacy flags the library was built with).

foreach(var IN ITEMS BUILD_DIR PREFIX CONSUMER_SOURCE CONSUMER_BINARY GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_consumer_test.cmake: -D${var}=... is required")
  endif()
endforeach()
if("${CONFIG}" STREQUAL "")
  set(CONFIG Release)
endif()

file(REMOVE_RECURSE "${PREFIX}" "${CONSUMER_BINARY}")

function(run_step)
  string(JOIN " " command_line ${ARGN})
  message(STATUS "+ ${command_line}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "step failed (${result}): ${command_line}")
  endif()
endfunction()

run_step("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" --config "${CONFIG}")

set(configure_args
  -S "${CONSUMER_SOURCE}" -B "${CONSUMER_BINARY}"
  -G "${GENERATOR}"
  "-DCMAKE_BUILD_TYPE=${CONFIG}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_PREFIX_PATH=${PREFIX}"
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}")
if(NOT "${MAKE_PROGRAM}" STREQUAL "")
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
run_step("${CMAKE_COMMAND}" ${configure_args})
run_step("${CMAKE_COMMAND}" --build "${CONSUMER_BINARY}" --config "${CONFIG}")
run_step("${CONSUMER_BINARY}/asyncl-install-consumer")
message(STATUS "installed asyncl: find_package + asyncl::core + run OK")
