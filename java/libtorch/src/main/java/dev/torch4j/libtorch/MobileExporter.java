package dev.torch4j.libtorch;

import dev.torch4j.io.AtomicFile;
import dev.torch4j.torchscript.mobile.MobileBackport;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.StringVectorOptional;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link ScriptModel} as a mobile lite-interpreter file ({@code .ptl}, what
 * {@code _save_for_mobile} writes) or as a TorchScript archive ({@code .pt}).
 *
 * <p>Freezing (on by default) inlines parameters and attributes as constants and runs libtorch's
 * frozen-graph optimisations (conv/linear-batchnorm folding, dropout removal); every method of the
 * module is preserved. Python's {@code optimize_for_mobile} passes (XNNPACK prepacking) are not in
 * libtorch's C++ API as the JavaCPP presets expose it, so they are not run.
 *
 * <p>libtorch writes its own bytecode version ({@link #producedBytecodeVersion()}, 8 for 2.13); a
 * lower {@link Options#bytecodeVersion()} (down to {@value #MIN_BYTECODE_VERSION}) is reached with
 * torch4j-core's pure-Java {@link MobileBackport} (the one backport of the project, the same as
 * {@code torch4j backport}), for lite interpreters older than the one that reads libtorch's version.
 */
// PointerScope blocks free native memory on exit; the scope variable itself is not used.
@SuppressWarnings("try")
public final class MobileExporter {
    /** What to write. */
    public enum Target {
        /** Lite-interpreter archive with bytecode ({@code torch.jit.mobile._load_for_lite_interpreter}). */
        PTL,
        /** TorchScript archive ({@code torch.jit.load}). */
        PT
    }

    /** The lowest bytecode version written: the oldest PyTorch's lite interpreter reads. */
    public static final int MIN_BYTECODE_VERSION = MobileBackport.OLDEST;
    /** {@link Options#bytecodeVersion()} for "what libtorch writes", no backport. */
    public static final int PRODUCED_VERSION = -1;

    /**
     * @param freeze          whether to freeze (and optimise) the module before writing
     * @param bytecodeVersion the {@code .ptl} bytecode version to write, from {@value #MIN_BYTECODE_VERSION}
     *                        to {@link #producedBytecodeVersion()}, or {@link #PRODUCED_VERSION}
     */
    public record Options(Target target, boolean freeze, int bytecodeVersion) {
        public static final Options DEFAULT = new Options(Target.PTL, true);

        public Options {
            if (bytecodeVersion != PRODUCED_VERSION && bytecodeVersion < MIN_BYTECODE_VERSION) {
                throw new IllegalArgumentException("bytecode version " + bytecodeVersion + " is below "
                        + MIN_BYTECODE_VERSION + ", the oldest PyTorch reads");
            }
            if (bytecodeVersion != PRODUCED_VERSION && target != Target.PTL) {
                throw new IllegalArgumentException("a bytecode version applies to .ptl files only");
            }
        }

        public Options(Target target, boolean freeze) {
            this(target, freeze, PRODUCED_VERSION);
        }
    }

    /** What was written. */
    public record Result(Path file, Target target, long bytes, boolean frozen, List<String> methods,
                         long bytecodeVersion) {}

    private MobileExporter() {}

    /** The mobile bytecode version libtorch writes (8 for libtorch 2.13). */
    public static int producedBytecodeVersion() {
        LibtorchBackend.require();
        return Math.toIntExact(torch.kProducedBytecodeVersion());
    }

    /** Whether writing {@code options} needs a backport (a version below libtorch's own). */
    public static boolean needsBackport(Options options) {
        return options.bytecodeVersion() != PRODUCED_VERSION && options.bytecodeVersion() != producedBytecodeVersion();
    }

    /**
     * Writes {@code model} to {@code out} (atomically: a partial file never appears under that name,
     * and temporary files beside it are removed on failure). The model itself is left unchanged.
     *
     * @throws IllegalArgumentException     a bytecode version above libtorch's own
     */
    public static Result export(ScriptModel model, Path out, Options options) throws IOException {
        return export(model, out, options, true);
    }

    /**
     * Writes {@code model} to {@code out} through {@link AtomicFile}: a partial file never appears
     * under that name, temporary files are removed on failure and on SIGINT/SIGTERM, and the file
     * gets the usual permissions (umask). libtorch names the archive's root folder after the file it
     * writes, so it writes a file named like {@code out} (in a temporary folder): the same model
     * exported twice gives the same bytes.
     *
     * @param overwrite when false, an existing {@code out} is an error and is left untouched
     * @throws IllegalArgumentException     a bytecode version above libtorch's own
     */
    public static Result export(ScriptModel model, Path out, Options options, boolean overwrite) throws IOException {
        int produced = producedBytecodeVersion();
        if (options.bytecodeVersion() > produced) {
            throw new IllegalArgumentException("bytecode version " + options.bytecodeVersion()
                    + " is above " + produced + ", the version libtorch writes");
        }
        boolean backport = needsBackport(options);
        List<List<String>> methods = new ArrayList<>();
        AtomicFile.writePath(out, overwrite, file -> {
            if (!backport) {
                methods.add(model.read(m -> write(m, file, options)));
                return;
            }
            Path stage = Files.createDirectory(file.resolveSibling("produced")).resolve(file.getFileName().toString());
            methods.add(model.read(m -> write(m, stage, options)));
            backport(stage, file, options.bytecodeVersion());
        });
        long version = options.target() == Target.PTL ? (backport ? options.bytecodeVersion() : produced) : -1;
        return new Result(out, options.target(), Files.size(out), options.freeze(), methods.get(0), version);
    }

    private static void backport(Path in, Path out, int version) throws IOException {
        try (FileChannel channel = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            MobileBackport.backport(in, channel, version);
        }
    }

    private static List<String> write(JitModule m, Path file, Options options) {
        try (PointerScope scope = new PointerScope()) {
            boolean wasTraining = m.is_training();
            List<String> methods = new ArrayList<>();
            try {
                m.eval();
                var fs = m.type().methods();
                for (long i = 0; i < fs.size(); i++) methods.add(fs.get(i).name().getString());
                JitModule target = m;
                if (options.freeze()) {
                    if (!methods.contains("forward")) {
                        throw new LibtorchException("cannot freeze a module without forward(); export with freezing off");
                    }
                    List<String> keep = new ArrayList<>(methods);
                    keep.remove("forward"); // freeze always keeps forward
                    StringVectorOptional preserved = keep.isEmpty() ? new StringVectorOptional()
                            : new StringVectorOptional(new StringVector(keep.toArray(new String[0])));
                    target = freeze(m, preserved);
                }
                String path = file.toString();
                try {
                    if (options.target() == Target.PTL) target._save_for_mobile(path);
                    else target.save(path);
                } catch (RuntimeException e) {
                    throw LibtorchException.wrap("writing " + options.target() + " file", e);
                }
                return methods;
            } finally {
                m.train(wasTraining);
            }
        }
    }

    private static JitModule freeze(JitModule m, StringVectorOptional preserved) {
        try {
            return torch.freeze(m, preserved, true);
        } catch (RuntimeException e) {
            throw LibtorchException.wrap("freezing the module (try exporting without freezing)", e);
        }
    }
}
