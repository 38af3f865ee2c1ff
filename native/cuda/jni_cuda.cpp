// JNI glue for dev.torch4j.nativelib.CudaConversions.
#include <jni.h>

#include "torch4j_cuda.h"

extern "C" {

JNIEXPORT jstring JNICALL Java_dev_torch4j_nativelib_CudaConversions_nativeProbe(JNIEnv* env, jclass) {
  char err[512] = {0};
  if (t4j_cuda_device_count(err, sizeof err) > 0) return nullptr;
  return env->NewStringUTF(err[0] ? err : "no CUDA device");
}

JNIEXPORT void JNICALL Java_dev_torch4j_nativelib_CudaConversions_nativeConvert(
    JNIEnv* env, jclass, jint op, jobject src, jlong src_offset, jobject dst, jlong dst_offset,
    jlong count, jlong chunk) {
  char* s = static_cast<char*>(env->GetDirectBufferAddress(src));
  char* d = static_cast<char*>(env->GetDirectBufferAddress(dst));
  char err[512] = {0};
  if (s == nullptr || d == nullptr) {
    env->ThrowNew(env->FindClass("java/lang/IllegalArgumentException"), "not a direct buffer");
    return;
  }
  if (t4j_cuda_convert(op, s + src_offset, d + dst_offset, size_t(count), size_t(chunk), err, sizeof err) != 0) {
    env->ThrowNew(env->FindClass("java/lang/IllegalStateException"), err);
  }
}

}  // extern "C"
