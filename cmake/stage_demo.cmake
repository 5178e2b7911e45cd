# cmake -DSOURCE=<clients/js> -DSTAGE=<dir> -DOUTPUT=<file.cpp> -DEMBED=<embed_assets.cmake> -P stage_demo.cmake
#
# Stages the demo storefront for embedding: SOURCE/example/* at the top, and the client compiled
# from SOURCE/src by the TypeScript compiler npm installed in SOURCE/node_modules under client/.
# Without that compiler the demo is staged without its client (the page says how to get it).
file(REMOVE_RECURSE "${STAGE}")
file(MAKE_DIRECTORY "${STAGE}")
if(IS_DIRECTORY "${SOURCE}/example")
  file(GLOB example_files "${SOURCE}/example/*")
  foreach(f IN LISTS example_files)
    get_filename_component(name "${f}" NAME)
    if(NOT name STREQUAL "README.md")
      file(COPY "${f}" DESTINATION "${STAGE}")
    endif()
  endforeach()
endif()
set(tsc "${SOURCE}/node_modules/typescript/bin/tsc")
find_program(node NAMES node)
if(EXISTS "${tsc}" AND node AND EXISTS "${SOURCE}/tsconfig.build.json")
  execute_process(COMMAND "${node}" "${tsc}" -p "${SOURCE}/tsconfig.build.json" --outDir "${STAGE}/client"
                          --declaration false --declarationMap false --sourceMap false
                  RESULT_VARIABLE failed OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(failed)
    message(FATAL_ERROR "compiling the JavaScript client (clients/js) failed:\n${out}")
  endif()
else()
  message(STATUS "clients/js has no TypeScript compiler installed (npm ci): the demo is embedded without its client")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -DASSET_DIR=${STAGE} -DOUTPUT=${OUTPUT} -DFUNCTION=demo_assets -P "${EMBED}"
                RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "embedding the demo failed")
endif()
