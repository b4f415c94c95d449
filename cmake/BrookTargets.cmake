# Helpers that give every project target the same flags: warnings are errors in Brook's own code.
set(BROOK_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wno-missing-field-initializers)

# brook_library(NAME <name> SOURCES ... DEPS ...) -> target brook_<name>, alias brook::<name>.
function(brook_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(brook_${ARG_NAME} STATIC ${ARG_SOURCES})
  add_library(brook::${ARG_NAME} ALIAS brook_${ARG_NAME})
  target_include_directories(brook_${ARG_NAME} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
                                                    $<INSTALL_INTERFACE:include/brook>)
  target_compile_options(brook_${ARG_NAME} PRIVATE ${BROOK_WARNINGS})
  target_link_libraries(brook_${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

# brook_interface_library(NAME <name> DEPS ...) -> INTERFACE target brook_<name>, alias
# brook::<name>: a header-only library (templates), which has nothing to compile itself.
function(brook_interface_library)
  cmake_parse_arguments(ARG "" "NAME" "DEPS" ${ARGN})
  add_library(brook_${ARG_NAME} INTERFACE)
  add_library(brook::${ARG_NAME} ALIAS brook_${ARG_NAME})
  target_include_directories(brook_${ARG_NAME} INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
                                                       $<INSTALL_INTERFACE:include/brook>)
  target_link_libraries(brook_${ARG_NAME} INTERFACE ${ARG_DEPS})
endfunction()

# brook_executable(NAME <name> SOURCES ... DEPS ...) -> build/bin/<name>.
function(brook_executable)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_compile_options(${ARG_NAME} PRIVATE ${BROOK_WARNINGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
endfunction()

# brook_test(NAME <name> SOURCES ... DEPS ... LABELS ... [TIMEOUT s]): one gtest binary; each
# TEST becomes its own ctest entry carrying the labels (unit, integration, slow).
function(brook_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_compile_options(${ARG_NAME} PRIVATE ${BROOK_WARNINGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  if("unit" IN_LIST ARG_LABELS)
    set_property(GLOBAL APPEND PROPERTY BROOK_UNIT_TEST_TARGETS ${ARG_NAME})
  endif()
  gtest_discover_tests(${ARG_NAME}
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
endfunction()
