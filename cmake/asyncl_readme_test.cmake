# The README's quickstart is compiled and run as a test, so it cannot rot: the C++ block between
# `<!-- quickstart:begin -->` and `<!-- quickstart:end -->` in README.md becomes
# readme_quickstart.cpp in the build tree, and ctest runs it (it must exit 0).

function(asyncl_add_readme_test readme)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${readme}")
  file(READ "${readme}" text)
  string(REGEX MATCH "<!-- quickstart:begin -->[^`]*```cpp\n(.*)```[^`]*<!-- quickstart:end -->" found "${text}")
  if(NOT found)
    message(FATAL_ERROR "README.md has no quickstart block between the quickstart markers")
  endif()
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/readme_quickstart.cpp" "${CMAKE_MATCH_1}")
  add_executable(readme-quickstart "${CMAKE_CURRENT_BINARY_DIR}/readme_quickstart.cpp")
  target_link_libraries(readme-quickstart PRIVATE asyncl::core)
  add_test(NAME readme.quickstart COMMAND readme-quickstart)
  set_tests_properties(readme.quickstart PROPERTIES LABELS unit TIMEOUT 60)
endfunction()
