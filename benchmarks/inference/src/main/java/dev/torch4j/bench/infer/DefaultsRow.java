package dev.torch4j.bench.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One engine as an application meets it: default thread settings (nothing set by the caller), a
 * fresh JVM. Measures what issue 28's inference rows compare: the load (libtorch and the model,
 * from the first engine call to a loaded model), the wall time per call (median of 20 blocks after
 * a warm-up), and the process's peak resident set (VmHWM) after the calls.
 *
 * <p>{@code java -cp ... dev.torch4j.bench.infer.DefaultsRow ENGINE WORKLOAD DIR [WARMUP CALLS [THREADS]]}
 * prints one JSON line (THREADS, for comparisons only: an intra-op count set through the engine's
 * API). The output is checked against PyTorch's (1e-5) before timing.
 */
public final class DefaultsRow {
    private DefaultsRow() {}

    public static void main(String[] args) throws Exception {
        String engine = args[0];
        String workload = args[1];
        Path dir = Path.of(args[2]);
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int calls = args.length > 4 ? Integer.parseInt(args[4]) : 400;
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 0; // 0: the engine's defaults (the rows)
        String model = workload.substring(0, workload.indexOf('_'));
        String batch = workload.substring(workload.indexOf('_') + 1);
        Npy x = Npy.read(dir.resolve(model + "_x" + batch + ".npy"));
        float[] expected = Npy.read(dir.resolve(model + "_y" + batch + ".npy")).data();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long loadCpuStart = os.getProcessCpuTime();
        long loadStart = System.nanoTime();
        try (Engine e = Engine.open(engine, dir.resolve(model + ".pt"), threads)) {
            double loadMs = (System.nanoTime() - loadStart) / 1e6;
            // CPU of every thread of the process (the JIT's, the GC's, a preloader's) while loading: robust to other load.
            double loadCpuMs = (os.getProcessCpuTime() - loadCpuStart) / 1e6;
            long rssLoaded = status("VmRSS:");
            long firstStart = System.nanoTime();
            float[] y = e.run(x.data(), x.shape());
            double firstMs = (System.nanoTime() - firstStart) / 1e6;
            Npy.assertClose(expected, y, 1e-5, engine + " " + workload);
            for (int i = 0; i < warmup; i++) e.run(x.data(), x.shape());
            int blocks = 20;
            int per = Math.max(1, calls / blocks);
            double[] wall = new double[blocks];
            for (int b = 0; b < blocks; b++) {
                long w0 = System.nanoTime();
                for (int i = 0; i < per; i++) e.run(x.data(), x.shape());
                wall[b] = (System.nanoTime() - w0) / 1e3 / per;
            }
            double[] sorted = wall.clone();
            Arrays.sort(sorted);
            double medianUs = (sorted[blocks / 2 - 1] + sorted[blocks / 2]) / 2;
            System.out.printf("{\"engine\": \"%s\", \"workload\": \"%s\", \"threads\": %d, \"intra_op\": %d, "
                            + "\"load_ms\": %.0f, \"load_cpu_ms\": %.0f, \"first_call_ms\": %.1f, \"wall_us\": %.1f, "
                            + "\"wall_us_min\": %.1f, \"calls\": %d, \"peak_rss_mb\": %d, \"rss_mb\": %d, \"rss_after_load_mb\": %d}%n",
                    engine, workload, threads, e.intraOpThreads(), loadMs, loadCpuMs, firstMs, medianUs, sorted[0],
                    per * blocks, status("VmHWM:"), status("VmRSS:"), rssLoaded);
        }
    }

    /** A /proc/self/status field in MB (Linux), -1 elsewhere. */
    private static long status(String field) throws IOException {
        Path p = Path.of("/proc/self/status");
        if (!Files.exists(p)) return -1;
        for (String line : Files.readAllLines(p)) {
            if (line.startsWith(field)) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
        return -1;
    }
}
