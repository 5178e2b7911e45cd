# One ctest per fuzz target, "fuzz: <target>": a short run (BITACORA_FUZZ_SECONDS, default 20) of
# the prebuilt executable in BITACORA_FUZZ_BIN_DIR on its seeds, through scripts/fuzz --no-build.
# Included by tests/CMakeLists.txt only when that directory is given (scripts/test builds it first
# with scripts/fuzz --build-only): the main build itself is g++ and cannot build libFuzzer targets.
include(${CMAKE_CURRENT_LIST_DIR}/targets.cmake)
set(BITACORA_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz target runs in ctest")

foreach(target IN LISTS BITACORA_FUZZ_TARGETS)
  if(NOT EXISTS ${BITACORA_FUZZ_BIN_DIR}/${target})
    # Not fatal: ./build keeps the directory in its cache after build-fuzz/ is deleted.
    message(WARNING "BITACORA_FUZZ_BIN_DIR=${BITACORA_FUZZ_BIN_DIR} has no ${target} (scripts/fuzz --build-only builds it): not run")
    continue()
  endif()
  add_test(NAME "fuzz: ${target}"
           COMMAND ${PROJECT_SOURCE_DIR}/scripts/fuzz --no-build --bin-dir ${BITACORA_FUZZ_BIN_DIR}
                   ${target} ${BITACORA_FUZZ_SECONDS})
  set_tests_properties("fuzz: ${target}" PROPERTIES TIMEOUT 300 LABELS fuzz)
endforeach()
