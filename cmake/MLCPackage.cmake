# `cmake --install` of MLC: the tools, the public headers (include/mlc and
# the generated .inc files they include) and MLCConfig.cmake, so that an
# out-of-tree backend plug-in (backends/npu-example) builds with
#   find_package(MLC REQUIRED CONFIG)
#   target_link_libraries(my-plugin PRIVATE MLC::PluginAPI)
#
# Plug-ins link no MLC library: mlc-opt and mlc-compile are built with
# ENABLE_EXPORTS, so the MLC symbols a plug-in uses (the Backend vtable and
# typeinfo, BackendRegistry, the mlc ops, linkWithCompilerDriver) resolve
# against the executable that loads it, and there is one copy of MLC's
# state (TypeIDs, registries) per process. Building MLC's libraries as
# shared objects would give the same, at the cost of slower start-up and an
# ABI surface of every internal library; exporting from the two tools keeps
# the build as it is. libMLIR.so and libLLVM.so stay shared: a plug-in links
# them (through MLC::PluginAPI) and shares them with the tool.
include(CMakePackageConfigHelpers)

add_library(MLCPluginAPI INTERFACE)
target_include_directories(MLCPluginAPI INTERFACE
  $<BUILD_INTERFACE:${MLC_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${MLC_BINARY_DIR}/include>
  $<INSTALL_INTERFACE:include>)
target_compile_definitions(MLCPluginAPI INTERFACE ${LLVM_DEFINITIONS_LIST})
target_compile_features(MLCPluginAPI INTERFACE cxx_std_17)
target_link_libraries(MLCPluginAPI INTERFACE MLIR LLVM)
set_target_properties(MLCPluginAPI PROPERTIES EXPORT_NAME PluginAPI)

install(TARGETS MLCPluginAPI EXPORT MLCTargets)
install(EXPORT MLCTargets NAMESPACE MLC:: DESTINATION lib/cmake/mlc)
install(TARGETS mlc-opt mlc-translate mlc-compile mlc-run
        RUNTIME DESTINATION bin)
install(DIRECTORY ${MLC_SOURCE_DIR}/include/mlc DESTINATION include
        FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${MLC_BINARY_DIR}/include/mlc DESTINATION include
        FILES_MATCHING PATTERN "*.inc" PATTERN "CMakeFiles" EXCLUDE)

# The API version plug-ins are checked against (include/mlc/Backend/Registry.h).
file(STRINGS ${MLC_SOURCE_DIR}/include/mlc/Backend/Registry.h MLC_API_LINE
     REGEX "#define MLC_BACKEND_PLUGIN_API_VERSION")
string(REGEX REPLACE ".* ([0-9]+)$" "\\1" MLC_PLUGIN_API_VERSION "${MLC_API_LINE}")
configure_package_config_file(
  ${MLC_SOURCE_DIR}/cmake/MLCConfig.cmake.in
  ${MLC_BINARY_DIR}/lib/cmake/mlc/MLCConfig.cmake
  INSTALL_DESTINATION lib/cmake/mlc)
install(FILES ${MLC_BINARY_DIR}/lib/cmake/mlc/MLCConfig.cmake
        DESTINATION lib/cmake/mlc)

# Installed tools find libMLIR.so where MLC was built against it.
set_target_properties(mlc-opt mlc-translate mlc-compile mlc-run PROPERTIES
  INSTALL_RPATH "\$ORIGIN/../lib;${LLVM_LIBRARY_DIR}")
