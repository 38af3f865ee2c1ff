package dev.torch4j.bench.infer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-call CPU time of the calling thread, for shared machines where wall-clock JMH numbers swing
 * with other load: with 1 intra-op thread every engine does all of a call's work on the caller's
 * thread, so its CPU time is the call's cost, whatever else the machine runs. One engine per JVM.
 *
 * <p>{@code java -cp ... dev.torch4j.bench.infer.CpuTime ENGINE WORKLOAD DIR [WARMUP CALLS]} prints one
 * JSON line: engine, workload, cpu_us (median over 20 blocks), wall_us (median), calls.
 */
public final class CpuTime {
    public static void main(String[] args) throws Exception {
        String engine = args[0];
        String workload = args[1];
        Path dir = Path.of(args[2]);
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        int calls = args.length > 4 ? Integer.parseInt(args[4]) : 4000;
        String model = workload.substring(0, workload.indexOf('_'));
        String batch = workload.substring(workload.indexOf('_') + 1);
        Npy x = Npy.read(dir.resolve(model + "_x" + batch + ".npy"));
        long loadStart = System.nanoTime();
        try (Engine e = Engine.open(engine, dir.resolve(model + ".pt"), 1)) {
            double loadMs = (System.nanoTime() - loadStart) / 1e6;
            float[] y = e.run(x.data(), x.shape());
            Npy.assertClose(Npy.read(dir.resolve(model + "_y" + batch + ".npy")).data(), y, 1e-5, engine + " " + workload);
            for (int i = 0; i < warmup; i++) e.run(x.data(), x.shape());
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            int blocks = 20;
            int per = Math.max(1, calls / blocks);
            double[] cpu = new double[blocks];
            double[] wall = new double[blocks];
            for (int b = 0; b < blocks; b++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                for (int i = 0; i < per; i++) e.run(x.data(), x.shape());
                cpu[b] = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / per;
                wall[b] = (System.nanoTime() - w0) / 1e3 / per;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("engine", engine);
            out.put("workload", workload);
            out.put("cpu_us", median(cpu));
            out.put("cpu_us_min", Arrays.stream(cpu).min().orElse(0));
            out.put("wall_us", median(wall));
            out.put("calls", per * blocks);
            out.put("load_ms", Math.round(loadMs));
            out.put("rss_mb", rssMb());
            StringBuilder s = new StringBuilder("{");
            out.forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append('"').append(k).append("\": ")
                    .append(v instanceof String ? "\"" + v + "\"" : v instanceof Double d ? String.format("%.1f", d) : v));
            System.out.println(s.append('}'));
            if (Boolean.getBoolean("torch4j.bench.smaps")) printLargestMappings();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The resident memory by mapped file (anonymous memory together), largest first, to stderr. */
    private static void printLargestMappings() throws java.io.IOException {
        Map<String, Long> kb = new java.util.HashMap<>();
        String current = "[anon]";
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                int slash = line.indexOf('/');
                current = slash < 0 ? "[anon]" : line.substring(line.lastIndexOf('/') + 1);
            } else if (line.startsWith("Rss:")) {
                kb.merge(current, Long.parseLong(line.replaceAll("\\D", "")), Long::sum);
            }
        }
        kb.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(e -> System.err.printf("rss %6d KiB %s%n", e.getValue(), e.getKey()));
    }

    /** Resident set size of this process (Linux), MB. */
    private static long rssMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return -1;
    }
}
