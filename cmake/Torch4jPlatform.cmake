# Computes TORCH4J_PLATFORM, the classifier under which the JNI libraries are packaged
# (/native/<platform>/ inside torch4j-native-<version>-<platform>.jar). The names follow the
# JavaCPP/bytedeco convention so one classifier matches the libtorch jar it sits next to.
# A "-cuda" suffix marks builds that contain the CUDA library.

function(torch4j_detect_platform out_var)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    set(os "linux")
  elseif(CMAKE_SYSTEM_NAME STREQUAL "Darwin")
    set(os "macosx")
  elseif(CMAKE_SYSTEM_NAME STREQUAL "Windows")
    set(os "windows")
  else()
    string(TOLOWER "${CMAKE_SYSTEM_NAME}" os)
  endif()

  # CMAKE_SYSTEM_PROCESSOR is the *target* processor, so cross builds get the right name.
  string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" cpu)
  if(CMAKE_OSX_ARCHITECTURES)
    string(TOLOWER "${CMAKE_OSX_ARCHITECTURES}" cpu)
  endif()
  if(cpu MATCHES "^(x86_64|amd64|x64)$")
    set(arch "x86_64")
  elseif(cpu MATCHES "^(aarch64|arm64|armv8.*)$")
    set(arch "arm64")
  elseif(cpu MATCHES "^(ppc64le|powerpc64le)$")
    set(arch "ppc64le")
  else()
    set(arch "${cpu}")
  endif()

  set(platform "${os}-${arch}")
  if(TORCH4J_CUDA)
    string(APPEND platform "-cuda")
  endif()
  set(${out_var} "${platform}" PARENT_SCOPE)
endfunction()
