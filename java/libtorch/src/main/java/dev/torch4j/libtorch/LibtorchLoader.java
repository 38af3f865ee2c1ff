package dev.torch4j.libtorch;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.bytedeco.pytorch.global.torch;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/** The JavaCPP side of {@link LibtorchBackend}: kept apart so that class loads without JavaCPP. */
final class LibtorchLoader {
    private LibtorchLoader() {}

    /** JavaCPP's setting that, when positive, makes every native object it registers read the process's RSS. */
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    static Availability load() {
        // Must precede the first use of any JavaCPP class: Pointer reads it once, when it initialises.
        // JavaCPP's default checks the resident set size (a /proc read) at every native object it
        // registers, ~3 us each, several per TorchScript call: a third of a small model's call. torch4j
        // frees its handles deterministically and needs no GC pressure valve; a value the user set wins.
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null && !Boolean.getBoolean("torch4j.libtorch.keepJavacppMemoryCheck")) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
        skipGpuPreloadsOnCpuBuilds();
        BlasLibrary.Choice blas = BlasLibrary.choose(LibtorchLoader.class.getClassLoader(), Loader.getPlatform());
        long t0 = System.nanoTime();
        // Loads openblas, c10, torch_cpu, torch and the JNI bridge (extracting them to the cache once).
        PrintStream err = System.err;
        PrintStream filter = new VersionWarningFilter(err);
        System.setErr(filter);
        // The wrapper classes load on another core while this thread maps OpenBLAS and libtorch. First
        // the two largest, which Loader.load initialises before it maps libtorch: libtorch's functions
        // (1.3 MB) and the inherited openblas preset's LAPACK bindings (2.7 MB, 70-210 ms to load here).
        WrapperClassPreloader preloader = WrapperClassPreloader.start(torch.class, "org.bytedeco.pytorch.global.torch",
                "org.bytedeco.openblas.global.openblas");
        try {
            if (blas == BlasLibrary.Choice.OPENBLAS) loadOneOpenblas();
            Loader.load(torch.class);
            String threadsVariable = blas == BlasLibrary.Choice.MKL ? "MKL_NUM_THREADS" : "OPENBLAS_NUM_THREADS";
            if (System.getenv(threadsVariable) == null) LibtorchThreads.singleThreadedBlas();
            LibtorchThreads.defaultIntraOp();
            if (!Boolean.getBoolean(KEEP_WARNINGS)) errorsOnlyLogging();
        } finally {
            if (preloader != null) preloader.stop();
            System.setErr(err);
            filter.close(); // passes on a trailing partial line, never closes the real stderr
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String presets = version("pytorch");
        String libtorch = presets;
        String javacpp = version("javacpp");
        if (presets != null && presets.contains("-")) {
            libtorch = presets.substring(0, presets.indexOf('-'));
            javacpp = presets.substring(presets.indexOf('-') + 1);
        }
        return new Availability(true, null, libtorch, javacpp, Loader.getPlatform(), ms,
                torch.kProducedBytecodeVersion());
    }

    /** Set to true to keep libtorch's own warning log lines on stderr (see {@link #errorsOnlyLogging}). */
    static final String KEEP_WARNINGS = "torch4j.libtorch.keepWarnings";

    /**
     * libtorch logs through c10 straight to stderr, and on CPUs NNPACK does not support it logs
     * "Could not initialize NNPACK!" at every convolution (1359 lines for 150 calls of a small CNN),
     * burying torch4j's own output. c10's threshold is a command-line flag, so it is parsed from a
     * synthetic argument list: errors still print. Process-wide, like the library's other flags.
     */
    @SuppressWarnings("try") // the scope frees the argument strings on exit
    private static void errorsOnlyLogging() {
        try (PointerScope scope = new PointerScope()) {
            PointerPointer<BytePointer> argv = new PointerPointer<>(new BytePointer("torch4j"),
                    new BytePointer("--caffe2_log_level=2"));
            if (torch.ParseCommandLineFlags(new int[] {2}, argv)) torch.UpdateLoggingLevelsFromFlags();
        }
    }

    /** JavaCPP's platform extension setting ("-gpu" selects the CUDA builds and their preloads). */
    static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";

    /**
     * The pytorch preset declares a "-gpu" extension, and for it preloads ~20 CUDA libraries
     * (cudart, cublas, cudnn, nccl...) before libtorch, whatever jar is present: each missing one is a
     * scan of every jar on the class path, and any found in the system (a CUDA toolkit) is mapped into
     * a CPU-only process. Measured here: 31 failed lookups, ~50 MB of Java garbage (touching heap pages
     * that stay resident) and ~1 s of the load. When no -gpu build of the preset is on the class path
     * and the user set nothing, the extension is cleared so only the CPU build's libraries load.
     */
    private static void skipGpuPreloadsOnCpuBuilds() {
        if (System.getProperty(PLATFORM_EXTENSION) != null || Boolean.getBoolean("torch4j.libtorch.keepGpuPreloads")) return;
        String gpuDir = "org/bytedeco/pytorch/" + Loader.getPlatform() + "-gpu/";
        ClassLoader cl = LibtorchLoader.class.getClassLoader();
        if (cl == null || cl.getResource(gpuDir) != null || cl.getResource(gpuDir + System.mapLibraryName("jnitorch")) != null) return;
        System.setProperty(PLATFORM_EXTENSION, "");
    }

    /** The openblas preset's per-library switch: a library name, or "none" to load nothing. */
    static final String OPENBLAS_LOAD = "org.bytedeco.openblas.load";

    /**
     * The pytorch preset inherits the openblas preset, which loads OpenBLAS twice: once as
     * {@code libopenblas_nolapack.so.0} (the nolapack preset, whose thread-count calls
     * {@link LibtorchThreads} makes) and once as {@code libopenblas.so.0} for its 24 MB LAPACK JNI
     * bridge. Both files are copies of the jar's one {@code libopenblas.so.0} with that soname, so
     * libtorch binds to the first, and the second copy and its bridge are mapped, relocated and
     * never called. Loading the nolapack preset first and then switching the full preset's
     * libraries off ({@code org.bytedeco.openblas.load=none}, read by the preset for the full
     * library after the nolapack one already loaded) leaves one OpenBLAS. Skipped when the user
     * set the switch, when the jar ships a distinct nolapack build (then libtorch's LAPACK calls
     * need the full one), or with {@code -Dtorch4j.libtorch.keepOpenblasLapack=true} (for code
     * that calls the openblas preset's LAPACK functions itself).
     */
    private static void loadOneOpenblas() {
        if (System.getProperty(OPENBLAS_LOAD) != null || System.getProperty("org.bytedeco.openblas_nolapack.load") != null
                || Boolean.getBoolean("torch4j.libtorch.keepOpenblasLapack")) return;
        String platform = Loader.getPlatform();
        ClassLoader cl = LibtorchLoader.class.getClassLoader();
        String dir = "org/bytedeco/openblas/" + platform + "/";
        if (!platform.startsWith("linux") || cl == null || cl.getResource(dir + "libopenblas.so.0") == null
                || cl.getResource(dir + "libopenblas_nolapack.so.0") != null) return;
        Loader.load(openblas_nolapack.class);
        System.setProperty(OPENBLAS_LOAD, "none");
    }

    /** The artifact version from the jar's Maven metadata; null when it cannot be read. */
    private static String version(String artifact) {
        try {
            return Loader.getVersion("org.bytedeco", artifact);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Drops JavaCPP's "Versions of org.bytedeco:javacpp:1.5.14 and org.bytedeco:openblas:0.3.31-1.5.13
     * do not match" line: the openblas pin is deliberate (the version the pytorch pom names is not
     * published), and the line would otherwise greet every CLI run. Everything else passes through.
     */
    private static final class VersionWarningFilter extends PrintStream {
        VersionWarningFilter(PrintStream target) {
            super(new LineFilter(target), true);
        }
    }

    private static final class LineFilter extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineFilter(PrintStream target) {
            this.target = target;
        }

        @Override public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') flushLine();
        }

        @Override public synchronized void flush() {
            // Partial lines wait for their newline, so the filter sees whole lines.
        }

        @Override public synchronized void close() {
            flushLine();
        }

        private void flushLine() {
            String s = line.toString(Charset.defaultCharset());
            line.reset();
            if (!(s.startsWith("Warning: Versions of org.bytedeco:javacpp:") && s.contains("openblas"))) target.print(s);
        }
    }
}
