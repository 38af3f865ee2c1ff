package dev.torch4j.libtorch.cli;

import dev.torch4j.TorchFileException;
import dev.torch4j.cli.api.CommandFailedException;
import dev.torch4j.libtorch.LibtorchException;
import dev.torch4j.libtorch.ScriptModel;
import dev.torch4j.libtorch.archive.ModelArchive;
import dev.torch4j.libtorch.lite.LiteModuleLoader;
import dev.torch4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the libtorch commands check in Java before libtorch sees a model, and how libtorch's failures
 * reach the user: one line with the user's file and the cause, never libtorch's raw words (a miniz
 * error for a state dict, a 40-line TorchScript traceback for a wrong input shape); the details stay
 * in the exception's cause, which {@code --debug} prints.
 */
final class ModelFiles {
    private ModelFiles() {}

    /** What {@code torch.jit.load} can read, told from the file's entries. */
    enum Kind { TORCHSCRIPT, TORCH_SAVE_ZIP, TORCH_SAVE_PICKLE, NUMPY, UNKNOWN }

    static Kind kind(Path file) throws IOException {
        ModelArchive archive = ModelArchive.read(file);
        byte[] head = archive.head();
        int n = head.length;
        if (n >= 6 && (head[0] & 0xff) == 0x93 && head[1] == 'N' && head[2] == 'U' && head[3] == 'M' && head[4] == 'P' && head[5] == 'Y') {
            return Kind.NUMPY;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) return Kind.TORCH_SAVE_PICKLE;
        if (!archive.zip()) return Kind.UNKNOWN; // libtorch's own reading says what is wrong
        return archive.torchSaveZip() ? Kind.TORCH_SAVE_ZIP : Kind.TORCHSCRIPT;
    }

    /** Refuses, naming the file, what is not a TorchScript archive: before libtorch says it its own way. */
    static void requireTorchScript(Path model) throws IOException {
        switch (kind(model)) {
            case TORCH_SAVE_ZIP -> throw new TorchFileException(model.toString(), null, -1,
                    "a zip state dict, not a TorchScript archive: see inspect/convert");
            case TORCH_SAVE_PICKLE -> throw new TorchFileException(model.toString(), null, 0,
                    "a torch.save pickle (legacy format), not a TorchScript archive: see inspect/convert");
            case NUMPY -> throw new TorchFileException(model.toString(), null, 0,
                    "a numpy array, not a TorchScript archive (give arrays with --input)");
            // Bytecode-only .ptl files (which need the lite interpreter) are refused by load(), through
            // LiteModuleLoader's check: one detection for the commands and the Java API.
            default -> { }
        }
    }

    /**
     * Loads {@code model} through {@link LiteModuleLoader}'s checks: a bytecode-only {@code .ptl}, or a
     * class the bundled libtorch lacks (XNNPACK's prepacked ops), is exit 3; other load failures are one
     * line (libtorch's first), the rest under {@code --debug}.
     */
    static ScriptModel load(Path model) throws IOException {
        try {
            return LiteModuleLoader.loadScriptModel(model);
        } catch (TorchFileException e) {
            throw new TorchFileException(model.toString(), null, -1, firstLine(e.reason()), e);
        }
    }

    /** The model raised on {@code args}: one line with the inputs' shapes and what libtorch says the model needs. */
    static CommandFailedException failedOn(Path model, List<Tensor> args, LibtorchException e) {
        String cause = lastError(e.getMessage());
        String needs = needs(cause);
        String message;
        if (needs != null && args.size() == 1) {
            message = "input 0 has shape " + Arrays.toString(args.get(0).shape()) + ", the model needs " + needs;
        } else if (needs != null) {
            List<String> shapes = new ArrayList<>();
            for (Tensor t : args) shapes.add(Arrays.toString(t.shape()));
            message = "inputs have shapes " + String.join(", ", shapes) + ", the model needs " + needs;
        } else {
            message = "the model failed on these inputs: " + cause;
        }
        return CommandFailedException.finding(model + ": " + message + " (--debug shows libtorch's traceback)", e);
    }

    private static final Pattern CHANNELS = Pattern.compile("to have (\\d+) channels, but got (\\d+) channels");
    private static final Pattern MATMUL = Pattern.compile("shapes cannot be multiplied \\((\\d+)x(\\d+) and (\\d+)x(\\d+)\\)");
    private static final Pattern RANK = Pattern.compile("Expected (.+? input) to (\\w+), but got input of size: (\\[[^\\]]*\\])");

    /** What the model needs, from libtorch's words for the common shape errors; null when not a shape error. */
    static String needs(String cause) {
        Matcher m = CHANNELS.matcher(cause);
        if (m.find()) return m.group(1) + " channels in dimension 1 (not " + m.group(2) + "): " + cause;
        m = MATMUL.matcher(cause);
        if (m.find()) return m.group(3) + " features in the last dimension (not " + m.group(2) + "): " + cause;
        m = RANK.matcher(cause);
        if (m.find()) return m.group(1) + " (to " + m.group(2) + ")";
        if (cause.contains("size mismatch") || cause.contains("shape") || cause.contains("must match the size")) {
            return "another shape: " + cause;
        }
        return null;
    }

    /** The error line of a TorchScript traceback (its last {@code SomethingError: ...} line), else the first line. */
    static String lastError(String message) {
        if (message == null || message.isBlank()) return "libtorch gave no reason";
        List<String> lines = message.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = Pattern.compile("^(?:\\w+\\.)*\\w*Error: (.+)$").matcher(lines.get(i));
            if (m.matches()) return m.group(1);
        }
        return firstLine(message);
    }

    static String firstLine(String message) {
        if (message == null) return "libtorch gave no reason";
        String first = message.strip().lines().findFirst().orElse("");
        return first.length() > 300 ? first.substring(0, 300) + " ..." : first;
    }
}
