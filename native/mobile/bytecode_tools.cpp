// libtorch4j_mobile: TorchScript mobile (.ptl) bytecode version query and backport, by calling
// into the libtorch_cpu.so that ships in the bytedeco pytorch jar. That jar has no headers, so
// the two functions are declared here; their signatures use only standard types, and the
// mangled names (std::__cxx11::basic_string, i.e. the C++11 ABI) must match what
// `nm -D --defined-only libtorch_cpu.so` lists:
//   _ZN5torch3jit27_get_model_bytecode_versionERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE
//   _ZN5torch3jit20_backport_for_mobileERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEES8_l
#include <jni.h>

#include <cstdint>
#include <exception>
#include <string>

#if !defined(_GLIBCXX_USE_CXX11_ABI) || _GLIBCXX_USE_CXX11_ABI != 1
#error "libtorch from the bytedeco jar uses the C++11 std::string ABI"
#endif

namespace torch {
namespace jit {
// torch/csrc/jit/mobile/model_compatibility.h
uint64_t _get_model_bytecode_version(const std::string& filename);
// torch/csrc/jit/mobile/compatibility/backport.h
bool _backport_for_mobile(const std::string& input_filename, const std::string& output_filename,
                          int64_t to_version);
}  // namespace jit
}  // namespace torch

namespace {

std::string to_string(JNIEnv* env, jbyteArray bytes) {
  // Java passes the path NUL-terminated (shared with the C-string APIs); drop the terminator.
  const jsize n = env->GetArrayLength(bytes);
  std::string s(size_t(n), '\0');
  env->GetByteArrayRegion(bytes, 0, n, reinterpret_cast<jbyte*>(&s[0]));
  if (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

void throw_io(JNIEnv* env, const std::string& what) {
  // c10::Error messages carry a C++ backtrace after the first line; Java callers want the cause.
  const std::string first = what.substr(0, what.find('\n'));
  jclass c = env->FindClass("java/io/IOException");
  if (c != nullptr) env->ThrowNew(c, first.c_str());
}

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_torch4j_nativelib_MobileBytecodeTools_nativeVersion(
    JNIEnv* env, jclass, jbyteArray path) {
  try {
    return jlong(torch::jit::_get_model_bytecode_version(to_string(env, path)));
  } catch (const std::exception& e) {
    throw_io(env, e.what());
  } catch (...) {
    throw_io(env, "libtorch failed to read the bytecode version");
  }
  return -1;
}

JNIEXPORT jboolean JNICALL Java_dev_torch4j_nativelib_MobileBytecodeTools_nativeBackport(
    JNIEnv* env, jclass, jbyteArray in, jbyteArray out, jlong version) {
  try {
    return torch::jit::_backport_for_mobile(to_string(env, in), to_string(env, out), version)
               ? JNI_TRUE : JNI_FALSE;
  } catch (const std::exception& e) {
    throw_io(env, e.what());
  } catch (...) {
    throw_io(env, "libtorch failed to backport the model");
  }
  return JNI_FALSE;
}

}  // extern "C"
