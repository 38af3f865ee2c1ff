package dev.torch4j.bench;

import dev.torch4j.nativelib.NativeElementConversions;
import dev.torch4j.nativelib.NativeLibrary;
import dev.torch4j.spi.ElementConversions;
import dev.torch4j.tensor.DType;
import dev.torch4j.elements.JavaElementConversions;
import org.openjdk.jmh.annotations.*;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Pure Java against the native provider for each bulk conversion behind {@code FastPaths}, on
 * heap arrays (the reader's scratch chunks, the caster) and, for {@code *-mapped}, from a direct
 * buffer (a mapped tensor). Run with
 * {@code -jvmArgsAppend -Dtorch4j.native.path=.../libtorch4j_native.so}; GB/s = bytes read +
 * written per second, computed from ms/op by the caller.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-XX:MaxDirectMemorySize=2g"})
@State(Scope.Benchmark)
public class ConversionBench {
    @Param({"f16-decode", "bf16-decode", "e4m3fn-decode", "e5m2-decode", "f16-decode-mapped",
            "f16-encode", "bf16-encode", "swap2", "swap4", "swap8"})
    public String op;
    @Param({"1048576", "67108864"})
    public int elements;
    @Param({"java", "native"})
    public String impl;

    private ElementConversions c;
    private byte[] in;
    private ByteBuffer direct;
    private float[] floats;
    private byte[] out;

    @Setup(Level.Trial)
    public void setup() {
        if (impl.equals("native")) {
            if (!NativeLibrary.isAvailable()) throw new IllegalStateException(NativeLibrary.unavailableReason());
            c = new NativeElementConversions();
        } else {
            c = JavaElementConversions.INSTANCE;
        }
        Random r = new Random(42);
        int inSize = switch (op) {
            case "e4m3fn-decode", "e5m2-decode" -> 1;
            case "f16-decode", "bf16-decode", "f16-decode-mapped", "swap2" -> 2;
            case "swap8" -> 8;
            default -> 4;
        };
        in = new byte[elements * inSize];
        if (op.endsWith("encode")) {
            ByteBuffer b = ByteBuffer.wrap(in).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < elements; i++) b.putFloat(4 * i, (float) (r.nextGaussian() * 1000));
            out = new byte[elements * 2];
        } else {
            r.nextBytes(in);
        }
        if (op.contains("decode")) floats = new float[elements];
        if (op.endsWith("mapped")) {
            direct = ByteBuffer.allocateDirect(in.length);
            direct.put(in).flip();
        }
    }

    @Benchmark
    public Object convert() {
        switch (op) {
            case "f16-decode" -> c.decode(DType.FLOAT16, in, 0, floats, 0, elements);
            case "bf16-decode" -> c.decode(DType.BFLOAT16, in, 0, floats, 0, elements);
            case "e4m3fn-decode" -> c.decode(DType.FLOAT8_E4M3FN, in, 0, floats, 0, elements);
            case "e5m2-decode" -> c.decode(DType.FLOAT8_E5M2, in, 0, floats, 0, elements);
            case "f16-decode-mapped" -> c.decode(DType.FLOAT16, direct, floats, 0, elements);
            case "f16-encode" -> c.encode(DType.FLOAT16, in, 0, out, 0, elements);
            case "bf16-encode" -> c.encode(DType.BFLOAT16, in, 0, out, 0, elements);
            case "swap2" -> c.swapBytes(in, 0, elements, 2);
            case "swap4" -> c.swapBytes(in, 0, elements, 4);
            case "swap8" -> c.swapBytes(in, 0, elements, 8);
            default -> throw new IllegalArgumentException(op);
        }
        return floats != null ? floats : out != null ? out : in;
    }
}
