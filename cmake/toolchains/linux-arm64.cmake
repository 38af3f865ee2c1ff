# Cross build for linux-arm64 with Debian's cross compiler:
#   apt-get install g++-aarch64-linux-gnu
#   cmake -S native -B build-arm64 --toolchain "$PWD/cmake/toolchains/linux-arm64.cmake"
# (an absolute path: CMake resolves a relative one against the build directory)
# JNI headers are architecture independent except jni_md.h, which is identical on
# x86_64 and arm64 Linux, so the host JDK's include directory works.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
