# bitacora_module(NAME <name> SOURCES <files...> DEPS <targets...>)
#
# One top-level folder is one module and one static library, `bitacora_<name>`, with the alias
# `bitacora::<name>`. Includes are rooted at the project root (`#include "storage/log.hpp"`), so a
# header's path names its module. Warnings are on everywhere; -Werror when BITACORA_WERROR is set.
function(bitacora_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual)
  if(BITACORA_WERROR)
    # GCC 12 reports -Wmaybe-uninitialized inside std::variant's move constructor whenever a
    # variant holding a std::vector member is moved through a std::function (GCC bug 80635 and
    # kin); it stays a visible warning but does not fail the build.
    target_compile_options(${target} PRIVATE -Werror -Wno-error=maybe-uninitialized)
  endif()
endfunction()

function(bitacora_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(bitacora_${M_NAME} STATIC ${M_SOURCES})
  add_library(bitacora::${M_NAME} ALIAS bitacora_${M_NAME})
  target_include_directories(bitacora_${M_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(bitacora_${M_NAME} PUBLIC ${M_DEPS})
  bitacora_warnings(bitacora_${M_NAME})
endfunction()
