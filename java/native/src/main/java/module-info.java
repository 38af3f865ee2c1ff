/**
 * torch4j-native: our own JNI library (SIMD/CUDA element conversions, byte swaps, read-ahead hints)
 * behind core's service interfaces. Without the native library every service falls back to pure Java.
 */
module dev.torch4j.nativelib {
    requires transitive dev.torch4j;
    requires static info.picocli;

    exports dev.torch4j.nativelib;
    opens dev.torch4j.nativelib.cli to info.picocli;

    provides dev.torch4j.spi.ElementConversions with dev.torch4j.nativelib.NativeElementConversions;
    provides dev.torch4j.spi.NativeBackend with dev.torch4j.nativelib.NativeLibraryBackend;
    provides dev.torch4j.spi.CliExtension with dev.torch4j.nativelib.cli.BackportExtension;
}
