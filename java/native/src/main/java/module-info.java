/**
 * torch4j-native: our own JNI library (SIMD/CUDA element conversions, byte swaps, read-ahead hints)
 * behind core's service interfaces. Without the native library every service falls back to pure Java.
 */
module dev.torch4j.nativelib {
    requires transitive dev.torch4j;

    exports dev.torch4j.nativelib;

    // libtorch is loaded through torch4j-libtorch's backend when it is present.
    uses dev.torch4j.spi.NativeBackend;

    provides dev.torch4j.spi.ElementConversions with dev.torch4j.nativelib.NativeElementConversions;
    provides dev.torch4j.spi.NativeBackend with dev.torch4j.nativelib.NativeLibraryBackend;
}
