# Provides Torch4j::jni, an interface target carrying the JNI include directories.
# Only headers are needed (the JVM supplies the JNI functions at run time), so this avoids
# FindJNI's search for libjvm/libjawt, which fails in cross builds and headless JDKs.
# Looks at TORCH4J_JNI_INCLUDE_DIR, $JAVA_HOME, then the JDK that `javac` on PATH belongs to.

set(_t4j_jdk_hints "")
if(DEFINED ENV{JAVA_HOME})
  list(APPEND _t4j_jdk_hints "$ENV{JAVA_HOME}")
endif()
find_program(_T4J_JAVAC javac NO_CMAKE_FIND_ROOT_PATH)
if(_T4J_JAVAC)
  get_filename_component(_t4j_javac_real "${_T4J_JAVAC}" REALPATH)
  get_filename_component(_t4j_jdk "${_t4j_javac_real}" DIRECTORY)
  get_filename_component(_t4j_jdk "${_t4j_jdk}" DIRECTORY)
  list(APPEND _t4j_jdk_hints "${_t4j_jdk}")
endif()
if(APPLE)
  execute_process(COMMAND /usr/libexec/java_home OUTPUT_VARIABLE _t4j_mac_jdk
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  list(APPEND _t4j_jdk_hints "${_t4j_mac_jdk}")
endif()
set(_t4j_jni_paths "")
foreach(_t4j_hint IN LISTS _t4j_jdk_hints)
  list(APPEND _t4j_jni_paths "${_t4j_hint}/include")
endforeach()

find_path(TORCH4J_JNI_INCLUDE_DIR jni.h HINTS ${_t4j_jni_paths} NO_CMAKE_FIND_ROOT_PATH)
if(NOT TORCH4J_JNI_INCLUDE_DIR)
  message(FATAL_ERROR "jni.h not found: install a JDK, set JAVA_HOME, or pass -DTORCH4J_JNI_INCLUDE_DIR=<jdk>/include")
endif()
# jni_md.h lives in an OS-named subdirectory.
if(WIN32)
  set(_t4j_md win32)
elseif(APPLE)
  set(_t4j_md darwin)
else()
  set(_t4j_md linux)
endif()
find_path(TORCH4J_JNI_MD_INCLUDE_DIR jni_md.h
  HINTS "${TORCH4J_JNI_INCLUDE_DIR}/${_t4j_md}" "${TORCH4J_JNI_INCLUDE_DIR}" NO_CMAKE_FIND_ROOT_PATH)
if(NOT TORCH4J_JNI_MD_INCLUDE_DIR)
  message(FATAL_ERROR "jni_md.h not found under ${TORCH4J_JNI_INCLUDE_DIR}")
endif()

if(NOT TARGET Torch4j::jni)
  add_library(Torch4j::jni INTERFACE IMPORTED)
  set_target_properties(Torch4j::jni PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${TORCH4J_JNI_INCLUDE_DIR};${TORCH4J_JNI_MD_INCLUDE_DIR}")
endif()
