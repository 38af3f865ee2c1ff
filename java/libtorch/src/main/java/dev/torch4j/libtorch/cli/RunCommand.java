package dev.torch4j.libtorch.cli;

import dev.torch4j.cli.api.CommandFailedException;
import dev.torch4j.cli.api.ExitCodeLists;
import dev.torch4j.cli.api.WritingCommand;
import dev.torch4j.spi.BackendUnavailableException;
import dev.torch4j.spi.ExitCodes;

import dev.torch4j.TorchFileException;
import dev.torch4j.json.JsonWriter;
import dev.torch4j.libtorch.LibtorchBackend;
import dev.torch4j.libtorch.LibtorchException;
import dev.torch4j.libtorch.LibtorchThreads;
import dev.torch4j.libtorch.LibtorchUnavailableException;
import dev.torch4j.libtorch.ScriptModel;
import dev.torch4j.libtorch.ScriptRunner;
import dev.torch4j.numpy.NpyFile;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code torch4j run}: runs a TorchScript model on {@code .npy} inputs and writes {@code .npy} outputs;
 * with {@code --benchmark}, times load, first call and steady-state latency like {@code trtexec} or
 * {@code benchmark_app}. Calls run in inference mode.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
                "Run a TorchScript model (torch.jit.save) on numpy inputs with libtorch.",
                "  run MODEL.pt --input x.npy [--input y.npy] --output out.npy",
                "  run MODEL.pt --input x.npy --benchmark --warmup 20 --iters 200 --json"},
        exitCodeListHeading = ExitCodeLists.HEADING,
        exitCodeList = {"0:ran (outputs written)", "1:the model failed on these inputs",
                ExitCodeLists.BAD_INPUT,
                "3:libtorch is not available, or the model needs what this libtorch lacks (the lite interpreter,"
                        + " XNNPACK prepacked ops)"})
public final class RunCommand extends WritingCommand {
    @Parameters(index = "0", paramLabel = "MODEL", description = "TorchScript archive (torch.jit.save).")
    Path model;

    @Option(names = {"-i", "--input"}, paramLabel = "IN.npy", description = "An input array, in argument order (repeat for several).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.npy",
            description = "Where to write the outputs' tensors, in order (repeat for a tuple's elements); written atomically.")
    List<Path> outputs = new ArrayList<>();

    @Option(names = "--method", paramLabel = "NAME", defaultValue = "forward", description = "Method to run (default forward).")
    String method;

    @Option(names = "--threads", paramLabel = "T", description = "libtorch intra-op threads (default: one per core, fewer when the load average exceeds the core count; OpenBLAS's own pool stays at 1).")
    Integer threads;

    @Option(names = "--freeze", description = "Freeze the model for inference before running it (torch.jit.freeze: batch"
            + " norms folded into the convolutions; a small CNN's call about 0.9x at batch 1, 0.84x at batch 32). The"
            + " load time includes it.")
    boolean freeze;

    @Option(names = "--benchmark", description = "Time the first call and --iters further calls after --warmup.")
    boolean benchmark;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "10", description = "Untimed calls before timing (default 10).")
    int warmup;

    @Option(names = "--iters", paramLabel = "M", defaultValue = "100", description = "Timed calls (default 100).")
    int iters;

    /** Why libtorch cannot be used, or null when it can; tests replace it to simulate a missing libtorch. */
    Supplier<String> backendUnavailable = () -> LibtorchBackend.isAvailable() ? null : LibtorchBackend.probe().reason();

    @Override public Integer call() throws IOException {
        if (threads != null && threads < 1) throw usage("--threads must be at least 1, not " + threads);
        if (warmup < 0) throw usage("--warmup must be 0 or more, not " + warmup);
        if (iters < 1) throw usage("--iters must be at least 1, not " + iters);
        if (!Files.isRegularFile(model)) throw new NoSuchFileException(model.toString());
        // Outputs are refused before any work: one that exists (without --force), one in a missing folder.
        for (Path o : outputs) checkOutput(model, o);
        ModelFiles.requireTorchScript(model);
        List<Tensor> args = new ArrayList<>();
        for (Path in : inputs) args.add(NpyFile.read(in));
        String unavailable = backendUnavailable.get();
        if (unavailable != null) throw new BackendUnavailableException("libtorch is not available: " + unavailable);
        if (threads != null) LibtorchThreads.setIntraOp(threads);
        long t0 = System.nanoTime();
        ScriptModel m = ModelFiles.load(model);
        try {
            if (freeze) m.optimizeForInference();
        } catch (LibtorchException e) {
            m.close();
            throw CommandFailedException.finding(model + ": cannot freeze it for inference (run it without --freeze): "
                    + e.getMessage(), e);
        }
        double loadMs = ms(System.nanoTime() - t0);
        try (m) {
            Object[] callArgs = args.toArray();
            long f0 = System.nanoTime();
            Object result;
            try {
                result = m.run(method, callArgs);
            } catch (LibtorchException e) {
                throw ModelFiles.failedOn(model, args, e);
            }
            double firstMs = ms(System.nanoTime() - f0);
            List<Tensor> tensors = new ArrayList<>();
            collectTensors(result, tensors);
            if (outputs.size() > tensors.size()) {
                throw CommandFailedException.finding(model + ": " + outputs.size() + " --output files given, but " + method
                        + " returned " + tensors.size() + " tensor(s)", null);
            }
            for (int i = 0; i < outputs.size(); i++) NpyFile.write(outputs.get(i), tensors.get(i), force);
            Latency latency = benchmark ? time(m, args, result) : null;
            report(out(), loadMs, firstMs, tensors, latency);
            return ExitCodes.OK;
        }
    }

    /** Per-call latencies in milliseconds after warm-up. */
    record Latency(double median, double p10, double p90, double min, int iters) {
        static Latency of(double[] ms) {
            double[] s = ms.clone();
            Arrays.sort(s);
            return new Latency(percentile(s, 50), percentile(s, 10), percentile(s, 90), s[0], s.length);
        }

        /** Linear interpolation between closest ranks, as numpy.percentile does by default. */
        static double percentile(double[] sorted, double p) {
            double rank = p / 100.0 * (sorted.length - 1);
            int lo = (int) Math.floor(rank);
            int hi = Math.min(sorted.length - 1, lo + 1);
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
        }
    }

    /**
     * Times calls the way an application making them in a loop would: through a {@link ScriptRunner}
     * (inputs copied into libtorch's memory each call, outputs left there) when the method returns a
     * tensor or a tuple of tensors, else through {@link ScriptModel#run} with its result conversion.
     */
    private Latency time(ScriptModel m, List<Tensor> args, Object firstResult) {
        boolean tensorsOut = firstResult instanceof Tensor
                || firstResult instanceof PyTuple t && t.stream().allMatch(Tensor.class::isInstance);
        if (!tensorsOut) return time(() -> m.run(method, args.toArray()));
        try (ScriptRunner r = m.runner(method)) {
            return time(() -> {
                for (int i = 0; i < args.size(); i++) r.input(i, args.get(i));
                r.run();
            });
        }
    }

    private Latency time(Runnable call) {
        for (int i = 0; i < warmup; i++) call.run();
        double[] ms = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t = System.nanoTime();
            call.run();
            ms[i] = ms(System.nanoTime() - t);
        }
        return Latency.of(ms);
    }

    private void report(PrintWriter out, double loadMs, double firstMs, List<Tensor> tensors, Latency l) throws IOException {
        int intraOp = LibtorchThreads.intraOp();
        String libtorch = LibtorchBackend.probe().libtorchVersion();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", model.toString());
            o.put("method", method);
            o.put("load_ms", round(loadMs));
            o.put("first_ms", round(firstMs));
            o.put("frozen", freeze);
            if (l != null) {
                Map<String, Object> lat = new LinkedHashMap<>();
                lat.put("median", round(l.median()));
                lat.put("p10", round(l.p10()));
                lat.put("p90", round(l.p90()));
                lat.put("min", round(l.min()));
                o.put("latency_ms", lat);
                o.put("iters", l.iters());
                o.put("warmup", warmup);
            }
            o.put("threads", intraOp);
            o.put("openblas_threads", LibtorchThreads.openBlasThreads());
            o.put("libtorch", libtorch);
            o.put("native_load_ms", LibtorchBackend.probe().loadMillis());
            List<Object> outs = new ArrayList<>();
            for (int i = 0; i < tensors.size(); i++) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("dtype", tensors.get(i).dtype().pythonName());
                t.put("shape", tensors.get(i).shape());
                if (i < outputs.size()) t.put("file", outputs.get(i).toString());
                outs.add(t);
            }
            o.put("outputs", outs);
            JsonWriter w = new JsonWriter(out, true);
            w.value(o);
            w.finish();
            out.println();
        } else {
            out.printf("model     %s (%s, libtorch %s, %d intra-op threads, OpenBLAS %d)%n", model, method, libtorch, intraOp,
                    LibtorchThreads.openBlasThreads());
            out.printf("load      %.2f ms (native libraries: %d ms)%s%n", loadMs, LibtorchBackend.probe().loadMillis(),
                    freeze ? ", frozen for inference" : "");
            out.printf("first     %.3f ms%n", firstMs);
            if (l != null) {
                out.printf("latency   median %.3f ms, p10 %.3f, p90 %.3f, min %.3f (%d iterations after %d warm-up)%n",
                        l.median(), l.p10(), l.p90(), l.min(), l.iters(), warmup);
            }
            for (int i = 0; i < tensors.size(); i++) {
                Tensor t = tensors.get(i);
                out.printf("output %d  %s %s%s%n", i, t.dtype().pythonName(), Arrays.toString(t.shape()),
                        i < outputs.size() ? " -> " + outputs.get(i) : "");
            }
        }
        out.flush();
    }

    /** Tensors of a result in order: a tensor, or the tensors inside tuples and lists (depth first). */
    static void collectTensors(Object result, List<Tensor> into) {
        if (result instanceof Tensor t) {
            into.add(t);
        } else if (result instanceof PyTuple tuple) {
            for (int i = 0; i < tuple.size(); i++) collectTensors(tuple.get(i), into);
        } else if (result instanceof List<?> list) {
            for (Object o : list) collectTensors(o, into);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double round(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }
}
