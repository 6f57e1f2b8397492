# asyncl_add_compile_fail_test(NAME SOURCE REGEX)
#
# Proves that misuse is rejected at compile time (a LocalRef passed to spawn, copied into a
# coroutine frame where the type system can stop it, ...). SOURCE is a file under
# <current dir>/compile_fail/ that must NOT compile. The function adds:
#   - an OBJECT library asyncl_compile_fail_<NAME>, EXCLUDE_FROM_ALL, linked to asyncl::core,
#     so a normal build never tries it;
#   - a ctest `compile_fail.<NAME>` that runs `cmake --build <build dir> --target <that library>`.
# The test passes when the build output matches REGEX (the expected diagnostic, e.g. the text of
# a static_assert or "use of deleted function"), so an unrelated error such as a typo or a missing
# include does not count as a pass. With an empty REGEX it passes on any build failure
# (WILL_FAIL); prefer a REGEX.
#
# Example, in lib/tests/CMakeLists.txt, with lib/tests/compile_fail/context_spawn_parameter.cpp:
#   asyncl_add_compile_fail_test(context_spawn_parameter context_spawn_parameter.cpp
#     "LocalRef cannot be moved")
#
# The tests share one build tree, so they hold a RESOURCE_LOCK and never run two builds at once.

function(asyncl_add_compile_fail_test NAME SOURCE REGEX)
  set(target asyncl_compile_fail_${NAME})
  add_library(${target} OBJECT EXCLUDE_FROM_ALL
    "${CMAKE_CURRENT_SOURCE_DIR}/compile_fail/${SOURCE}")
  target_link_libraries(${target} PRIVATE asyncl::core)

  set(test_name compile_fail.${NAME})
  add_test(NAME ${test_name}
    COMMAND "${CMAKE_COMMAND}" --build "${CMAKE_BINARY_DIR}" --target ${target} --config $<CONFIG>)
  set_tests_properties(${test_name} PROPERTIES
    LABELS compile-fail
    RESOURCE_LOCK asyncl_build_tree
    TIMEOUT 120)
  if(REGEX STREQUAL "")
    set_tests_properties(${test_name} PROPERTIES WILL_FAIL TRUE)
  else()
    set_tests_properties(${test_name} PROPERTIES PASS_REGULAR_EXPRESSION "${REGEX}")
  endif()
endfunction()
