package dev.torch4j.cli;

import dev.torch4j.Checkpoint;
import dev.torch4j.Torch;
import dev.torch4j.TorchFileException;
import dev.torch4j.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link DosProbeTest}: runs one probe through the CLI ({@code inspect},
 * {@code inspect --hash}, {@code inspect --json}) or the library ({@code open}: Torch.open, every
 * tensor hashed, the state dict and metadata), then prints one line of facts about itself: exit
 * status, CPU time of the whole JVM, peak resident memory (VmHWM, which includes the heap, the
 * JIT, metaspace, thread stacks and mapped files: what an operator sees).
 * Usage: {@code DosProbeChild MODE FILE OUT ERR}; stdout and stderr of the run go to OUT and ERR.
 */
public final class DosProbeChild {
    public static void main(String[] args) throws IOException {
        String mode = args[0];
        Path file = Path.of(args[1]);
        int code;
        try (PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[2])), false, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(Files.newOutputStream(Path.of(args[3])), true, StandardCharsets.UTF_8)) {
            code = switch (mode) {
                case "inspect" -> Main.run(new String[] {"inspect", file.toString()}, out, err);
                case "hash" -> Main.run(new String[] {"inspect", "--hash", file.toString()}, out, err);
                case "json" -> Main.run(new String[] {"inspect", "--json", file.toString()}, out, err);
                case "open" -> open(file, out, err);
                default -> throw new IllegalArgumentException(mode);
            };
        }
        long cpuMs = cpuMillis();
        System.out.println("exit=" + code + " cpu_ms=" + cpuMs + " hwm_kib=" + peakRssKib());
        System.out.flush();
        System.exit(0);
    }

    /** The library path: 0 when read (every tensor hashed), 2 for a TorchFileException, 3 for anything else (a bug). */
    private static int open(Path file, PrintStream out, PrintStream err) {
        try (Checkpoint cp = Torch.open(file)) {
            int tensors = 0;
            for (Tensor t : cp.tensors().values()) {
                out.println(t.sha256());
                tensors++;
            }
            out.println("tensors=" + tensors + " state_dict=" + cp.stateDict().size() + " metadata=" + cp.metadata().size());
            return 0;
        } catch (TorchFileException e) {
            err.println(e.getMessage());
            return 2;
        } catch (UncheckedIOException e) {
            // Lazy tensor reads report bad input this way (Storage#data, Tensor#sha256 over its limit).
            err.println(e.getCause().getMessage());
            return 2;
        } catch (Throwable e) {
            e.printStackTrace(err);
            return 3;
        }
    }

    /** utime + stime of the whole process from /proc/self/stat, in clock ticks of 10 ms (Linux's USER_HZ). */
    private static long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    private static long peakRssKib() throws IOException {
        List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
        for (String line : status) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }
}
