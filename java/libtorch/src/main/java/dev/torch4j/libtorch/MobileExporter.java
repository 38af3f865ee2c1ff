package dev.torch4j.libtorch;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.StringVectorOptional;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 */
public final class MobileExporter {
    /** What to write. */
    public enum Target {
        /** Lite-interpreter archive with bytecode ({@code torch.jit.mobile._load_for_lite_interpreter}). */
        PTL,
        /** TorchScript archive ({@code torch.jit.load}). */
        PT
    }

    /** @param freeze whether to freeze (and optimise) the module before writing */
    public record Options(Target target, boolean freeze) {
        public static final Options DEFAULT = new Options(Target.PTL, true);
    }

    /** What was written. */
    public record Result(Path file, Target target, long bytes, boolean frozen, List<String> methods,
                         long bytecodeVersion) {}

    private MobileExporter() {}

    /**
     * Writes {@code model} to {@code out} (atomically: a partial file never appears under that name).
     * The model itself is left unchanged.
     */
    public static Result export(ScriptModel model, Path out, Options options) throws IOException {
        LibtorchBackend.require();
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + out.getFileName(), ".part");
        try {
            List<String> methods = model.read(m -> write(m, tmp, options));
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long version = options.target() == Target.PTL ? torch.kProducedBytecodeVersion() : -1;
            return new Result(out, options.target(), Files.size(out), options.freeze(), methods, version);
        } finally {
            Files.deleteIfExists(tmp);
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
