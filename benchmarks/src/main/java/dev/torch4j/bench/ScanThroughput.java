package dev.torch4j.bench;

import dev.torch4j.scan.ModelScanner;
import java.nio.file.*;
/** Directory scan throughput in one JVM (files/s, MB/s), serial and across all cores: benchmarks/run.sh prints it. */
public final class ScanThroughput {
    public static void main(String[] a) throws Exception {
        Path root = Path.of(a[0]);
        long bytes = 0; for (Path p : ModelScanner.files(root)) bytes += Files.size(p);
        for (int rep = 0; rep < 3; rep++) ModelScanner.scanTree(root, null, 1); // JIT warm-up: one JVM, many scans
        for (int threads : new int[] {1, Runtime.getRuntime().availableProcessors()}) {
            double best = 1e9; int n = 0;
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                n = ModelScanner.scanTree(root, null, threads).size();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            System.out.printf("threads=%d files=%d %.0f files/s %.1f MB/s (best of 5: %.3f s)%n", threads, n, n / best, bytes / 1e6 / best, best);
        }
    }
}
