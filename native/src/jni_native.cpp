// Hand-written JNI glue for dev.torch4j.nativelib.NativeKernels. Java validates every offset and
// length before calling; this layer only resolves addresses, rejects overlapping conversions, and
// forwards to the C API.
#include <jni.h>

#include <cstdint>
#include <cstring>

#include "readahead.h"
#include "torch4j/convert.h"

namespace {

struct Op {
  void (*fn)(const void*, void*, size_t);
  int in_size;
  int out_size;
  bool in_place_ok;
};

// Order matches dev.torch4j.nativelib.Conversion ordinals.
const Op kOps[] = {
    {t4j_f16_to_f32, 2, 4, false},   {t4j_bf16_to_f32, 2, 4, false},
    {t4j_e4m3fn_to_f32, 1, 4, false}, {t4j_e5m2_to_f32, 1, 4, false},
    {t4j_f32_to_f16, 4, 2, false},   {t4j_f32_to_bf16, 4, 2, false},
    {t4j_bswap16, 2, 2, true},       {t4j_bswap32, 4, 4, true},
    {t4j_bswap64, 8, 8, true},
};
constexpr int kOpCount = sizeof(kOps) / sizeof(kOps[0]);

void throw_new(JNIEnv* env, const char* cls, const char* msg) {
  jclass c = env->FindClass(cls);
  if (c != nullptr) env->ThrowNew(c, msg);
}

// Runs op after checking the one thing Java cannot see: whether two buffers share memory.
void run(JNIEnv* env, int op_index, const unsigned char* src, unsigned char* dst, jlong count) {
  if (op_index < 0 || op_index >= kOpCount) {
    throw_new(env, "java/lang/IllegalArgumentException", "unknown conversion");
    return;
  }
  const Op& op = kOps[op_index];
  const uintptr_t s0 = uintptr_t(src), s1 = s0 + uintptr_t(count) * op.in_size;
  const uintptr_t d0 = uintptr_t(dst), d1 = d0 + uintptr_t(count) * op.out_size;
  const bool overlap = count > 0 && s0 < d1 && d0 < s1;
  if (overlap && !(op.in_place_ok && s0 == d0)) {
    throw_new(env, "java/lang/IllegalArgumentException",
              "source and destination overlap (only byte swapping may run exactly in place)");
    return;
  }
  op.fn(src, dst, size_t(count));
}

unsigned char* buffer_address(JNIEnv* env, jobject buffer) {
  void* p = env->GetDirectBufferAddress(buffer);
  if (p == nullptr) throw_new(env, "java/lang/IllegalArgumentException", "not a direct buffer");
  return static_cast<unsigned char*>(p);
}

}  // namespace

extern "C" {

JNIEXPORT jint JNICALL Java_dev_torch4j_nativelib_NativeKernels_isaActive(JNIEnv*, jclass) {
  return t4j_isa_active();
}

JNIEXPORT jboolean JNICALL Java_dev_torch4j_nativelib_NativeKernels_isaSupported(JNIEnv*, jclass, jint isa) {
  return t4j_isa_supported(isa) ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_dev_torch4j_nativelib_NativeKernels_isaSelect(JNIEnv*, jclass, jint isa) {
  return t4j_isa_select(isa) ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jstring JNICALL Java_dev_torch4j_nativelib_NativeKernels_isaName(JNIEnv* env, jclass, jint isa) {
  return env->NewStringUTF(t4j_isa_name(isa));
}

JNIEXPORT void JNICALL Java_dev_torch4j_nativelib_NativeKernels_convertBuffers(
    JNIEnv* env, jclass, jint op, jobject src, jlong src_offset, jobject dst, jlong dst_offset, jlong count) {
  unsigned char* s = buffer_address(env, src);
  if (s == nullptr) return;
  unsigned char* d = buffer_address(env, dst);
  if (d == nullptr) return;
  run(env, op, s + src_offset, d + dst_offset, count);
}

JNIEXPORT void JNICALL Java_dev_torch4j_nativelib_NativeKernels_convertArrays(
    JNIEnv* env, jclass, jint op, jobject src, jlong src_offset, jobject dst, jlong dst_offset, jlong count) {
  // Critical sections block the GC, so Java hands us bounded chunks.
  const bool same = env->IsSameObject(src, dst);
  void* s = env->GetPrimitiveArrayCritical(static_cast<jarray>(src), nullptr);
  if (s == nullptr) return;
  void* d = same ? s : env->GetPrimitiveArrayCritical(static_cast<jarray>(dst), nullptr);
  if (d == nullptr) {
    env->ReleasePrimitiveArrayCritical(static_cast<jarray>(src), s, JNI_ABORT);
    return;
  }
  const int op_index = op;
  bool ok = op_index >= 0 && op_index < kOpCount;
  const unsigned char* sp = static_cast<unsigned char*>(s) + src_offset;
  unsigned char* dp = static_cast<unsigned char*>(d) + dst_offset;
  if (ok) {
    const Op& o = kOps[op_index];
    const uintptr_t s0 = uintptr_t(sp), s1 = s0 + uintptr_t(count) * o.in_size;
    const uintptr_t d0 = uintptr_t(dp), d1 = d0 + uintptr_t(count) * o.out_size;
    ok = !(count > 0 && s0 < d1 && d0 < s1) || (o.in_place_ok && s0 == d0);
    if (ok) o.fn(sp, dp, size_t(count));
  }
  if (!same) env->ReleasePrimitiveArrayCritical(static_cast<jarray>(dst), d, 0);
  env->ReleasePrimitiveArrayCritical(static_cast<jarray>(src), s, same ? 0 : JNI_ABORT);
  // Exceptions may only be raised outside the critical region.
  if (!ok) {
    throw_new(env, "java/lang/IllegalArgumentException",
              op_index < 0 || op_index >= kOpCount ? "unknown conversion"
                                                   : "source and destination overlap");
  }
}

JNIEXPORT void JNICALL Java_dev_torch4j_nativelib_NativeKernels_convertBufferToArray(
    JNIEnv* env, jclass, jint op, jobject src, jlong src_offset, jobject dst, jlong dst_offset, jlong count) {
  // A mapped tensor decodes straight into a Java array; Java bounds the chunk (page faults run
  // inside the critical section).
  if (op < 0 || op >= kOpCount) {
    throw_new(env, "java/lang/IllegalArgumentException", "unknown conversion");
    return;
  }
  const unsigned char* s = buffer_address(env, src);
  if (s == nullptr) return;
  void* d = env->GetPrimitiveArrayCritical(static_cast<jarray>(dst), nullptr);
  if (d == nullptr) return;
  kOps[op].fn(s + src_offset, static_cast<unsigned char*>(d) + dst_offset, size_t(count));  // a Java array never aliases a direct buffer
  env->ReleasePrimitiveArrayCritical(static_cast<jarray>(dst), d, 0);
}

JNIEXPORT jint JNICALL Java_dev_torch4j_nativelib_NativeKernels_adviseMemory(
    JNIEnv* env, jclass, jobject buffer, jlong offset, jlong length, jint advice) {
  unsigned char* p = buffer_address(env, buffer);
  if (p == nullptr) return 0;
  return torch4j::advise_memory(p + offset, size_t(length), advice);
}

JNIEXPORT jint JNICALL Java_dev_torch4j_nativelib_NativeKernels_adviseFile(
    JNIEnv* env, jclass, jbyteArray path, jlong offset, jlong length, jint advice) {
  // The path arrives as NUL-terminated bytes in the platform's file name encoding.
  jbyte* p = env->GetByteArrayElements(path, nullptr);
  if (p == nullptr) return 0;
  const int rc = torch4j::advise_file(reinterpret_cast<const char*>(p), offset, length, advice);
  env->ReleaseByteArrayElements(path, p, JNI_ABORT);
  return rc;
}

JNIEXPORT jint JNICALL Java_dev_torch4j_nativelib_NativeKernels_pageSize(JNIEnv*, jclass) {
  return jint(torch4j::page_size());
}

JNIEXPORT jstring JNICALL Java_dev_torch4j_nativelib_NativeKernels_errorMessage(JNIEnv* env, jclass, jint error) {
  return env->NewStringUTF(std::strerror(error));
}

}  // extern "C"
