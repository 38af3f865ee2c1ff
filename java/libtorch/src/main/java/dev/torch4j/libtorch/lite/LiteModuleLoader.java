package dev.torch4j.libtorch.lite;

import dev.torch4j.TorchFileException;
import dev.torch4j.libtorch.ScriptModel;
import dev.torch4j.libtorch.archive.ModelArchive;
import dev.torch4j.spi.BackendUnavailableException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a mobile {@code .ptl} file the way PyTorch Android's {@code LiteModuleLoader.load(path)} does,
 * giving a {@link LiteModule}.
 *
 * <p>Where it runs: the bundled libtorch (JavaCPP presets) exposes no lite interpreter, so a {@code .ptl}
 * runs through the TorchScript code that Python's {@code _save_for_lite_interpreter} (and torch4j's
 * {@code export-mobile}) store beside the bytecode. Two kinds of file cannot run here and are refused
 * with a {@link BackendUnavailableException} that says so: files holding only lite-interpreter bytecode
 * (the flatbuffer format, {@code _use_flatbuffer=True}), and files using XNNPACK's prepacked operator
 * contexts ({@code optimize_for_mobile}), which this libtorch build lacks. The {@code torch4j run}
 * command loads through the same checks.
 */
public final class LiteModuleLoader {
    private LiteModuleLoader() {}

    /** {@link #load(Path)} for a path string, as on Android. */
    public static LiteModule load(String path) throws IOException {
        return load(Path.of(path));
    }

    /**
     * Loads {@code path}. Throws {@link NoSuchFileException} when it is missing,
     * {@link BackendUnavailableException} when it cannot run here (see the class comment), and
     * {@link TorchFileException} when libtorch cannot read it.
     */
    public static LiteModule load(Path path) throws IOException {
        return new LiteModule(loadScriptModel(path));
    }

    /**
     * The same checks as {@link #load(Path)}, giving the {@link ScriptModel} behind a lite module (for
     * code that wants torch4j's own API: parameters, runners, batches). Also used for any TorchScript
     * file, so that a {@code .pt} with XNNPACK contexts gets the same message.
     */
    public static ScriptModel loadScriptModel(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString());
        ModelArchive archive = ModelArchive.read(path);
        if (archive.onlyBytecode()) {
            // A flatbuffer file keeps its TorchScript sources (when Python saved it): torch4j's own
            // backport writes them back as the zip .ptl's code/, which libtorch then runs.
            String remedy = archive.flatbuffer()
                    ? "convert it with torch4j backport " + path + " OUT.ptl --to 8 (a zip .ptl that runs here),"
                    : "save it with _save_for_lite_interpreter without _use_flatbuffer,";
            throw new BackendUnavailableException(path + ": holds only lite-interpreter bytecode;"
                    + " this libtorch build (JavaCPP presets) has no lite interpreter (_load_for_mobile): "
                    + remedy + " or run the TorchScript .pt it was exported from");
        }
        try {
            return ScriptModel.load(path);
        } catch (TorchFileException e) {
            BackendUnavailableException missing = missingCustomClass(path, e);
            if (missing != null) throw missing;
            throw e;
        }
    }

    /**
     * Whether {@code file} carries lite-interpreter bytecode and no TorchScript code to run it from: a
     * flatbuffer mobile module ({@code PTMF} at byte 4), or a zip with {@code bytecode.pkl} but without
     * {@code code/} or {@code data.pkl}. Other files (not a model at all, say) give false: the loader
     * then says what is wrong with them.
     */
    public static boolean holdsOnlyBytecode(Path file) throws IOException {
        return ModelArchive.read(file).onlyBytecode();
    }

    private static final Pattern TORCHBIND_CLASS = Pattern.compile("__torch__\\.torch\\.classes\\.(\\w+)\\.(\\w+)");

    /**
     * libtorch names a TorchBind class it does not know (XNNPACK's prepacked contexts, from
     * optimize_for_mobile) when the build lacks the library that registers it: that is a missing
     * backend, not a broken file. Null for other load failures.
     */
    private static BackendUnavailableException missingCustomClass(Path path, TorchFileException e) {
        Matcher m = TORCHBIND_CLASS.matcher(String.valueOf(e.getMessage()));
        if (!m.find()) return null;
        String library = m.group(1).equals("xnnpack") ? "XNNPACK prepacked ops" : m.group(1) + " custom classes";
        BackendUnavailableException missing = new BackendUnavailableException(path + ": uses " + library + " ("
                + m.group().substring("__torch__.".length()) + "), which the bundled libtorch lacks (built without "
                + m.group(1) + "): run the TorchScript model saved before optimize_for_mobile, or this file in"
                + " PyTorch's lite interpreter");
        missing.initCause(e);
        return missing;
    }
}
