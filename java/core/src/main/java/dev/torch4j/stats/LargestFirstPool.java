package dev.torch4j.stats;

import dev.torch4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One task per tensor on a small pool of daemon threads, the largest tensors started first (so one
 * big tensor met last does not leave the other threads idle at the end). Results are handed back on
 * the caller's thread in the tensors' order; a task's own exception reaches the caller as the
 * sequential loop would have thrown it, and the tensors not yet started are skipped.
 */
final class LargestFirstPool {
    private LargestFirstPool() {}

    /** What to do with each result, on the caller's thread, in order. */
    interface Results<R> {
        void accept(int index, R result);
    }

    static <R> void run(List<Tensor> tensors, int threads, String name, Function<Tensor, R> task, Results<R> results) {
        int n = tensors.size();
        Integer[] bySize = new Integer[n];
        for (int i = 0; i < n; i++) bySize[i] = i;
        Arrays.sort(bySize, (a, b) -> Long.compare(tensors.get(b).byteSize(), tensors.get(a).byteSize()));
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(Math.max(1, threads), Math.max(1, n)), daemonThreads(name));
        try {
            List<Future<R>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) futures.add(null);
            for (Integer i : bySize) {
                Tensor t = tensors.get(i);
                futures.set(i, pool.submit(() -> task.apply(t)));
            }
            for (int i = 0; i < n; i++) results.accept(i, await(futures.get(i), name));
        } finally {
            pool.shutdownNow();
        }
    }

    private static <R> R await(Future<R> f, String name) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing " + name, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "torch4j-" + name + "-" + count.incrementAndGet());
            t.setDaemon(true); // never keeps the JVM alive after the command is done
            return t;
        };
    }
}
