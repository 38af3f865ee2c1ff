package dev.torch4j.elements;

import dev.torch4j.tensor.DType;
import dev.torch4j.spi.ElementConversions;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Routes bulk conversions to a native {@link ElementConversions} provider where one is present and
 * measurably faster, and to {@link JavaElementConversions} otherwise. The provider is looked up
 * once; any failure (missing library, broken jar, {@code -Dtorch4j.native.disable=true}) means pure
 * Java. Results are identical either way, so the choice only affects speed.
 *
 * <p>Each {@link Path} is on by default only where JMH measured the native code at least twice as
 * fast (see native/README.md); {@code -Dtorch4j.native.<path>=true|false} (e.g.
 * {@code torch4j.native.float16-decode}) forces one either way.
 */
public final class FastPaths {
    /** Below this many elements a JNI call costs more than it saves. */
    static final int MIN_NATIVE_ELEMENTS = 512;

    /**
     * The separately switchable fast paths. Defaults from ConversionBench (1M and 64M elements,
     * x86-64 AVX2): on where native was at least 2x pure Java at both sizes.
     */
    public enum Path {
        FLOAT16_DECODE("float16-decode", true),     // 19x / 5.2x
        BFLOAT16_DECODE("bfloat16-decode", true),   // 14x / 6.0x
        E4M3FN_DECODE("e4m3fn-decode", false),      // 1.0x / 1.3x: Java's 256-entry table is as fast
        E5M2_DECODE("e5m2-decode", true),           // 8.1x / 2.3x
        FLOAT16_ENCODE("float16-encode", true),     // 76x / 27x
        BFLOAT16_ENCODE("bfloat16-encode", true),   // 8.7x / 3.2x
        SWAP2("byteswap2", true),                   // 19x / 4.6x
        SWAP4("byteswap4", false),                  // 3.9x / 1.8x
        SWAP8("byteswap8", false);                  // 1.8x / 1.0x

        private final String property;
        private final boolean defaultOn;

        Path(String key, boolean defaultOn) {
            this.property = "torch4j.native." + key;
            this.defaultOn = defaultOn;
        }

        public String property() {
            return property;
        }
    }

    private static final ElementConversions JAVA = JavaElementConversions.INSTANCE;

    private FastPaths() {}

    /** Lazily resolved so that merely loading tensors never touches ServiceLoader. */
    private static final class Holder {
        static final ElementConversions NATIVE = findNative();
        static final Map<Path, ElementConversions> CHOSEN = choose(NATIVE);
    }

    private static ElementConversions findNative() {
        if (Boolean.getBoolean("torch4j.native.disable")) return null;
        try {
            Iterator<ElementConversions> it = ServiceLoader.load(ElementConversions.class, FastPaths.class.getClassLoader()).iterator();
            while (it.hasNext()) {
                try {
                    ElementConversions c = it.next();
                    if (!(c instanceof JavaElementConversions) && c.available()) return c;
                } catch (Throwable e) { // ServiceConfigurationError, LinkageError: try the next one, else Java
                }
            }
        } catch (Throwable e) {
            // a broken provider must never break reading
        }
        return null;
    }

    private static Map<Path, ElementConversions> choose(ElementConversions nativeProvider) {
        Map<Path, ElementConversions> chosen = new EnumMap<>(Path.class);
        for (Path p : Path.values()) {
            String forced = System.getProperty(p.property);
            boolean on = forced == null ? p.defaultOn : Boolean.parseBoolean(forced);
            chosen.put(p, on && nativeProvider != null ? nativeProvider : JAVA);
        }
        return chosen;
    }

    /** The native provider in use, or null when torch4j runs on pure Java only. */
    public static ElementConversions nativeProvider() {
        return Holder.NATIVE;
    }

    /** Which implementation runs {@code path} ({@code java} or the native provider's name). */
    public static String implementation(Path path) {
        return Holder.CHOSEN.get(path).name();
    }

    private static ElementConversions forDecode(DType d, int n) {
        Path p = switch (d) {
            case FLOAT16 -> Path.FLOAT16_DECODE;
            case BFLOAT16 -> Path.BFLOAT16_DECODE;
            case FLOAT8_E5M2, FLOAT8_E5M2FNUZ -> Path.E5M2_DECODE;
            default -> Path.E4M3FN_DECODE;
        };
        ElementConversions c = Holder.CHOSEN.get(p);
        return n >= MIN_NATIVE_ELEMENTS && c.decodes(d) ? c : JAVA;
    }

    /** True for the dtypes {@link #decode} takes: float16, bfloat16 and the float8 family. */
    public static boolean decodes(DType d) {
        return JAVA.decodes(d);
    }

    public static void decode(DType d, byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        forDecode(d, n).decode(d, src, srcOff, dst, dstOff, n);
    }

    /** Decodes from {@code src.position()}; the buffer's position is left unchanged. */
    public static void decode(DType d, ByteBuffer src, float[] dst, int dstOff, int n) {
        forDecode(d, n).decode(d, src, dst, dstOff, n);
    }

    /** Little-endian float32 bytes to little-endian float16 or bfloat16 bytes. */
    public static void encode(DType target, byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        Path p = target == DType.FLOAT16 ? Path.FLOAT16_ENCODE : Path.BFLOAT16_ENCODE;
        (n >= MIN_NATIVE_ELEMENTS ? Holder.CHOSEN.get(p) : JAVA).encode(target, src, srcOff, dst, dstOff, n);
    }

    /** Reverses every {@code unit}-byte group (1 is a no-op) in {@code b[off, off + len)}. */
    public static void swapBytes(byte[] b, int off, int len, int unit) {
        if (unit == 1) return;
        int n = len / unit;
        Path p = unit == 2 ? Path.SWAP2 : unit == 4 ? Path.SWAP4 : unit == 8 ? Path.SWAP8 : null;
        if (p != null) {
            (n >= MIN_NATIVE_ELEMENTS ? Holder.CHOSEN.get(p) : JAVA).swapBytes(b, off, n, unit);
        } else {
            RowMajorReader.swap(b, off, len, unit);
        }
    }
}
