package dev.torch4j.bench;

import net.razorvine.pickle.Unpickler;
import org.openjdk.jmh.annotations.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The in-JVM peer: Pyrolite ({@code net.razorvine:pickle}) unpickling the {@code data.pkl} of the
 * {@code many} archive (already extracted to memory, so it does less than torch4j's open, which also
 * reads the zip directory). Persistent ids and {@code _rebuild_tensor_v2} become plain objects:
 * the same index work, no data touched. Compare with {@code OpenIndexBench.openIndex(many)}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@State(Scope.Benchmark)
public class PyroliteBench {
    /** What {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)} yields here. */
    record TensorRef(Object storage, Object offset, Object size, Object stride) {}

    private byte[] dataPkl;

    static {
        Unpickler.registerConstructor("collections", "OrderedDict", args -> new LinkedHashMap<>());
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2",
                args -> new TensorRef(args[0], args[1], args[2], args[3]));
    }

    @Setup(Level.Trial)
    public void setup() throws IOException {
        Path file = Workloads.file("many");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (entry.getName().endsWith("/data.pkl")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        dataPkl = in.readAllBytes();
                    }
                    return;
                }
            }
        }
        throw new IOException("no data.pkl in " + file);
    }

    @Benchmark
    public Object unpickleMany() throws IOException {
        Unpickler u = new Unpickler() {
            @Override protected Object persistentLoad(Object pid) {
                return pid; // ('storage', storage_type, key, location, numel)
            }
        };
        Object root = u.loads(dataPkl);
        if (((java.util.Map<?, ?>) root).size() != 20000) throw new IllegalStateException("unexpected root");
        return root;
    }
}
