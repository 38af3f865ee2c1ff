package dev.torch4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The class-data-sharing training run: the launcher runs this once, with {@code TORCH4J_CDS_DUMP} set,
 * so that the JVM archives every class the typical commands load. One JVM records one archive, so
 * the commands run here in turn on the sample file; output is discarded. An unexpected exit status
 * fails the run (and so the build), rather than leaving an archive that misses a command's classes.
 */
public final class CdsTraining {
    private CdsTraining() {}

    /**
     * {@code args[0]}: a small torch.save zip file (the distribution's sample); or {@code --libtorch
     * [SAMPLE.pt]}: the libtorch commands' archive (see {@link #trainLibtorch}).
     */
    public static void main(String[] args) throws IOException {
        boolean libtorch = args.length > 0 && args[0].equals("--libtorch");
        if (!libtorch && args.length != 1) {
            System.err.println("usage: CdsTraining SAMPLE.pt | CdsTraining --libtorch");
            System.exit(Main.EXIT_ERROR);
        }
        int code = libtorch ? trainLibtorch(System.err) : train(args[0], System.err);
        if (code != 0) System.exit(code);
    }

    /**
     * The libtorch commands' archive (bin/torch4j records it apart from the general one): {@code info}
     * loads libtorch, whose preset registers its ~3,000 JavaCPP classes, the cost this archive removes
     * from {@code run}, {@code export-mobile} and {@code export-coreml}; their help loads their command
     * classes. 0, or {@link Main#EXIT_ERROR} after naming the step that failed.
     */
    static int trainLibtorch(PrintStream log) {
        List<Step> steps = List.of(step(0, "info"), step(0, "info", "--json"), step(0, "run", "--help"),
                step(0, "export-mobile", "--help"));
        return runSteps(steps, log);
    }

    /** Runs every step on {@code sample}; 0, or {@link Main#EXIT_ERROR} after naming the step that failed. */
    static int train(String sample, PrintStream log) throws IOException {
        Path dir = Files.createTempDirectory("torch4j-cds");
        try {
            String st = dir.resolve("sample.safetensors").toString();
            String pt = dir.resolve("sample.pt").toString();
            // A tree to scan as users scan theirs: the files made here, hand-written pickles whose globals
            // are dangerous and unknown, and the distribution's other formats (sample/training) when shipped.
            Path tree = Files.createDirectories(dir.resolve("tree"));
            Files.write(tree.resolve("dangerous.pkl"), DANGEROUS_PICKLE);
            Files.write(tree.resolve("unknown.pkl"), UNKNOWN_PICKLE);
            Path formats = Path.of(sample).toAbsolutePath().resolveSibling("training");
            String more = Files.isDirectory(formats) ? formats.toString() : sample;
            List<Step> steps = List.of(
                    step(0, "inspect", sample),
                    step(0, "inspect", "--json", sample),
                    step(0, "inspect", "--json", "--hash", sample),
                    step(0, "scan", sample),
                    step(0, "scan", "--json", sample),
                    step(0, "convert", "--to=safetensors", sample, st),
                    step(0, "convert", "--to=pth", sample, pt),
                    step(0, "inspect", "--json", st),
                    step(0, "diff", sample, st),
                    step(0, "diff", "--json", sample, pt),
                    step(0, "report", "-o", dir.resolve("sample.html").toString(), sample),
                    step(ScanCommand.EXIT_DANGEROUS, "scan", tree.toString(), dir.toString(), more),
                    step(ScanCommand.EXIT_DANGEROUS, "scan", "--json", tree.toString(), more),
                    // Not `info`: in the platform flavour it loads libtorch, and an archive holding its
                    // ~3000 JavaCPP classes (24 MB) made `info` 0.3 s faster but every other command
                    // ~0.05 s slower (Java 17 relocates the whole archive at each start): the libtorch
                    // commands have their own archive (trainLibtorch).
                    // The error path (message, exit status), the whole command tree (help) and the version.
                    step(Main.EXIT_ERROR, "inspect", dir.resolve("missing.pt").toString()),
                    step(0, "--help"),
                    step(0, "--version"));
            // The two-thread path of a long JSON array (inspect --json of thousands of tensors), which the
            // small sample never takes: its classes would otherwise be read from the jar on first use.
            dev.torch4j.json.JsonWriter many = dev.torch4j.json.JsonWriter.buffered(OutputStream.nullOutputStream(), true);
            many.beginArray().elements(java.util.Collections.nCopies(8192, "x"), dev.torch4j.json.JsonWriter::value)
                    .endArray().finish();
            return runSteps(steps, log);
        } finally {
            deleteTree(dir);
        }
    }

    private static int runSteps(List<Step> steps, PrintStream log) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        for (Step step : steps) {
            int code = Main.run(step.args(), nowhere, nowhere);
            if (code != step.exit()) {
                log.println("torch4j: class-data-sharing training: 'torch4j " + String.join(" ", step.argv())
                        + "' ended with status " + code + ", expected " + step.exit());
                return Main.EXIT_ERROR;
            }
        }
        return 0;
    }

    /** {@code posix.system('id')}: GLOBAL, BINUNICODE, TUPLE1, REDUCE (protocol 2). Never run, only scanned. */
    private static final byte[] DANGEROUS_PICKLE = {(byte) 0x80, 2, 'c', 'p', 'o', 's', 'i', 'x', '\n', 's', 'y', 's', 't', 'e', 'm', '\n',
            'X', 2, 0, 0, 0, 'i', 'd', (byte) 0x85, 'R', '.'};
    /** {@code __main__.Net} instantiated and given a state: GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, BUILD. */
    private static final byte[] UNKNOWN_PICKLE = {(byte) 0x80, 2, 'c', '_', '_', 'm', 'a', 'i', 'n', '_', '_', '\n', 'N', 'e', 't', '\n',
            ')', (byte) 0x81, '}', 'b', '.'};

    private record Step(int exit, List<String> argv) {
        String[] args() {
            return argv.toArray(String[]::new);
        }
    }

    private static Step step(int exit, String... args) {
        return new Step(exit, List.of(args));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
