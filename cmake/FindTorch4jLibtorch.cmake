# Locates the libtorch shared libraries that ship inside the bytedeco pytorch jar
# (org.bytedeco:pytorch:<v>:<platform>.jar). The jar carries no headers: torch4j declares the
# few functions it calls itself, so only the libraries are needed.
#
# Input:  TORCH4J_LIBTORCH_DIR  either the root of an unpacked jar (containing
#                               org/bytedeco/pytorch/<platform>/) or the directory with the libs.
# Output: Torch4jLibtorch_FOUND, Torch4jLibtorch_LIBRARY_DIR,
#         imported targets Torch4j::torch_cpu and Torch4j::c10.

set(_t4j_hints "")
if(TORCH4J_LIBTORCH_DIR)
  list(APPEND _t4j_hints "${TORCH4J_LIBTORCH_DIR}")
  file(GLOB _t4j_jar_dirs LIST_DIRECTORIES true "${TORCH4J_LIBTORCH_DIR}/org/bytedeco/pytorch/*")
  list(APPEND _t4j_hints ${_t4j_jar_dirs})
endif()

find_library(Torch4jLibtorch_TORCH_CPU NAMES torch_cpu HINTS ${_t4j_hints} NO_DEFAULT_PATH)
find_library(Torch4jLibtorch_C10 NAMES c10 HINTS ${_t4j_hints} NO_DEFAULT_PATH)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Torch4jLibtorch
  REQUIRED_VARS Torch4jLibtorch_TORCH_CPU Torch4jLibtorch_C10)

if(Torch4jLibtorch_FOUND)
  get_filename_component(Torch4jLibtorch_LIBRARY_DIR "${Torch4jLibtorch_TORCH_CPU}" DIRECTORY)
  foreach(_t4j_lib IN ITEMS torch_cpu c10)
    string(TOUPPER "${_t4j_lib}" _t4j_upper)
    if(NOT TARGET Torch4j::${_t4j_lib})
      add_library(Torch4j::${_t4j_lib} SHARED IMPORTED)
      set_target_properties(Torch4j::${_t4j_lib} PROPERTIES
        IMPORTED_LOCATION "${Torch4jLibtorch_${_t4j_upper}}"
        IMPORTED_NO_SONAME FALSE)
    endif()
  endforeach()
endif()
mark_as_advanced(Torch4jLibtorch_TORCH_CPU Torch4jLibtorch_C10)
