package dev.torch4j.cli.api;

import dev.torch4j.io.AtomicFile;
import dev.torch4j.spi.ProgressBar;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The base of commands that write files: {@code --force} to replace an output, {@code --json} for a
 * summary on stdout, outputs written atomically (a temporary file beside the target, moved into place,
 * removed on failure) and a progress bar on stderr when it is a terminal. Outputs are checked before
 * any work starts: one that exists without {@code --force}, one in a folder that does not exist or one
 * that would replace the input is refused (exit 2) with nothing written.
 */
public abstract class WritingCommand extends Torch4jCommand {
    protected WritingCommand() {}

    @Option(names = "--force", description = "Replace outputs that exist (without it an existing output is refused).")
    protected boolean force;

    @Option(names = "--json", description = "Print a JSON summary on stdout instead of text.")
    protected boolean json;

    /**
     * Refuses {@code output} before any work: it is the input, it exists (without {@code --force}) or
     * its folder does not exist.
     */
    protected final void checkOutput(Path input, Path output) throws IOException {
        if (input != null && output.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())) {
            throw usage("the output would overwrite the input " + input);
        }
        checkOutput(output);
    }

    /** {@link #checkOutput(Path, Path)} for a command without one input file. */
    protected final void checkOutput(Path output) throws IOException {
        if (!force && Files.exists(output)) {
            throw new FileAlreadyExistsException(output.toString(), null, "already exists");
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new NoSuchFileException(output.toString(), null, "its folder " + parent + " does not exist");
        }
    }

    /** Writes {@code target} atomically with a writer that opens the file by path (native writers). */
    protected final void writeByPath(Path target, AtomicFile.PathContent content) throws IOException {
        checkOutput(target);
        AtomicFile.writePath(target, force, content);
    }

    /** Writes {@code target} atomically through a channel. */
    protected final void writeThroughChannel(Path target, AtomicFile.Content content) throws IOException {
        checkOutput(target);
        AtomicFile.write(target, force, content);
    }

    /** A progress bar on stderr (shown only when stderr is a terminal); close it when done. */
    protected final ProgressBar progress(String label, long total, ProgressBar.Unit unit) {
        return ProgressBar.start(err(), label, total, unit);
    }
}
