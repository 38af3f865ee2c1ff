package dev.torch4j.nativelib;

import java.nio.ByteBuffer;

/** The JNI entry points of libtorch4j_native. Callers have checked every bound. */
final class NativeKernels {
  private NativeKernels() {}

  static native int isaActive();

  static native boolean isaSupported(int isa);

  static native boolean isaSelect(int isa);

  static native String isaName(int isa);

  static native void convertBuffers(int op, ByteBuffer src, long srcOffset, ByteBuffer dst, long dstOffset, long count);

  static native void convertArrays(int op, Object src, long srcOffset, Object dst, long dstOffset, long count);

  /** {@code src} is a direct buffer, {@code dst} a primitive array; offsets in bytes. */
  static native void convertBufferToArray(int op, ByteBuffer src, long srcOffset, Object dst, long dstOffset, long count);

  static native int adviseMemory(ByteBuffer buffer, long offset, long length, int advice);

  static native int adviseFile(byte[] nulTerminatedPath, long offset, long length, int advice);

  static native int pageSize();

  static native String errorMessage(int errno);
}
