# `cmake --install build [--prefix P]`: the public headers, the libraries, `brook`,
# `brook-broker`, a CMake package (find_package(Brook) -> Brook::brook) and a pkg-config file
# (brook.pc). tests/install/ builds an app outside the tree against what this installs.
#
#   <prefix>/include/brook/<dir>/<header>.h   included as in the tree: "framework/api/..."
#   <prefix>/lib/libbrook_<component>.a       static, one per component library
#   <prefix>/lib/cmake/Brook/                 BrookConfig.cmake, its version, BrookTargets.cmake
#   <prefix>/lib/pkgconfig/brook.pc
#   <prefix>/bin/brook, <prefix>/bin/brook-broker
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Every library a streams app links, dependencies after their users (pkg-config's order). The
# broker's libraries are in it because KafkaStreams starts an embedded broker when
# bootstrap.servers is empty.
set(BROOK_INSTALLED_COMPONENTS
  framework_testing operators_dsl framework_runtime framework_state framework_client
  framework_api framework_topology statestore
  broker_app broker_handlers broker_coordinator broker_server broker_metadata broker_protocol
  broker_log broker_record metrics_http common)

# Brook::brook: the whole library. (The build tree's `brook` is the CLI, hence brook_all.)
add_library(brook_all INTERFACE)
add_library(Brook::brook ALIAS brook_all)
set_target_properties(brook_all PROPERTIES EXPORT_NAME brook)
foreach(component IN LISTS BROOK_INSTALLED_COMPONENTS)
  target_link_libraries(brook_all INTERFACE brook_${component})
  set_target_properties(brook_${component} PROPERTIES EXPORT_NAME ${component})
endforeach()
set_target_properties(brook_operators_processors PROPERTIES EXPORT_NAME operators_processors)
set_target_properties(brook_snappy PROPERTIES EXPORT_NAME snappy)

set(brook_installed_targets brook_all brook_operators_processors brook_snappy)
foreach(component IN LISTS BROOK_INSTALLED_COMPONENTS)
  list(APPEND brook_installed_targets brook_${component})
endforeach()
install(TARGETS ${brook_installed_targets} EXPORT BrookTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/brook)
install(TARGETS brook brook-broker RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Public headers: the API directories whole, and the few headers of other directories that the
# API's templates include (the metered store layers and their byte helpers). tests/install/
# compiles every installed header against the installed tree, so a missing one fails a test.
foreach(dir framework/api operators/dsl operators/processors statestore/api framework/testing)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/brook/${dir}
          FILES_MATCHING PATTERN "*.h")
endforeach()
foreach(header
    common/bytes.h common/logging.h common/varint.h
    statestore/layers/metered_key_value_store.h statestore/layers/metered_session_store.h
    statestore/layers/metered_window_store.h statestore/layers/store_layers.h
    statestore/layers/store_metrics.h statestore/layers/store_serdes.h)
  get_filename_component(header_dir ${header} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/${header}
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/brook/${header_dir})
endforeach()

set(BROOK_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Brook)
install(EXPORT BrookTargets NAMESPACE Brook:: DESTINATION ${BROOK_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/BrookConfig.cmake.in
  ${PROJECT_BINARY_DIR}/BrookConfig.cmake INSTALL_DESTINATION ${BROOK_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/BrookConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/BrookConfig.cmake ${PROJECT_BINARY_DIR}/BrookConfigVersion.cmake
        DESTINATION ${BROOK_CMAKE_DIR})

# pkg-config: the Debian packages Brook's libraries need, by their own .pc files, except Boost
# (headers only) and nlohmann-json (a header-only CMake package).
set(BROOK_PC_LIBS "")
foreach(component IN LISTS BROOK_INSTALLED_COMPONENTS)
  string(APPEND BROOK_PC_LIBS " -lbrook_${component}")
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/brook.pc.in ${PROJECT_BINARY_DIR}/brook.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/brook.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
