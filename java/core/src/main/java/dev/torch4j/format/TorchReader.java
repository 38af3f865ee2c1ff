package dev.torch4j.format;

import dev.torch4j.read.LightningInfo;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.Checkpoint;
import dev.torch4j.ErrorKind;
import dev.torch4j.LoadOptions;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.ByteSource;
import dev.torch4j.io.MappedFile;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens any PyTorch file: detects its format by content ({@link ContainerFormats}) and lets it read the file. */
public final class TorchReader {
    private TorchReader() {}

    /**
     * {@link ContainerFormats#readNested}, as a class rather than a method reference: a short command's first
     * lambda or method reference initialises java.lang.invoke (several ms of a 0.2 s inspect); see docs/building.md.
     */
    private static final class NestedPayloadReader implements ReadContext.NestedReader {
        static final NestedPayloadReader INSTANCE = new NestedPayloadReader();

        @Override public LoadedFile read(ReadContext context, byte[] payload) throws TorchFileException {
            return ContainerFormats.readNested(context, payload);
        }
    }

    /** Opens a local file, mapped; the checkpoint keeps the file open until it is closed. */
    public static Checkpoint open(Path path, LoadOptions options) throws IOException {
        checkRegularFile(path);
        MappedFile mapped = MappedFile.open(path);
        return open(path.toString(), path, mapped, mapped, options);
    }

    /**
     * The object tree of a local file, mapped without keeping the file open: nothing closes a
     * loaded tree, so its tensors read from a mapping that the garbage collector releases.
     */
    public static Object load(Path path, LoadOptions options) throws IOException {
        checkRegularFile(path);
        MappedFile mapped = MappedFile.mapAndClose(path);
        return open(path.toString(), path, mapped, mapped, options).root();
    }

    /**
     * Opens a file read through {@code source} (a channel, a remote stream, bytes in memory):
     * detection reads the first and last bytes, the readers then pull what they parse. Closing the
     * checkpoint closes the source. {@code name} is the file's name in messages.
     */
    public static Checkpoint open(String name, ByteSource source, LoadOptions options) throws IOException {
        ByteRegion region;
        try {
            region = source.toRegion();
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
        Closeable resource = region instanceof Closeable c ? c : source;
        return open(name, pathOf(name), region, resource, options);
    }

    private static void checkRegularFile(Path path) throws TorchFileException {
        if (!Files.isRegularFile(path)) {
            throw new TorchFileException(ErrorKind.IO, path.toString(), null, -1, Files.exists(path) ? "not a regular file" : "no such file");
        }
    }

    /** The source's name as a path for {@link Checkpoint#path()} (a NUL, the one character no path takes, becomes '?'). */
    private static Path pathOf(String name) {
        return Path.of(name.replace('\0', '?'));
    }

    /** Detects the format from the ends of {@code bytes} and opens the file as it says; {@code resource} is closed on failure. */
    private static Checkpoint open(String name, Path path, ByteRegion bytes, Closeable resource, LoadOptions options)
            throws IOException {
        try {
            HeadTail head = HeadTail.of(name, bytes);
            ContainerFormat format = ContainerFormats.detect(head);
            return format.open(new ContainerFormat.Opening(path, bytes, head, resource, options));
        } catch (IOException | RuntimeException e) {
            resource.close();
            if (e instanceof UncheckedIOException u) {
                throw TorchFileException.io(name, null, -1, "cannot read: " + u.getCause().getMessage(), u);
            }
            throw e;
        }
    }

    /** What {@link ContainerFormat#open} does for a format with an object tree: reads it into a checkpoint. */
    static Checkpoint read(ContainerFormat format, ContainerFormat.Opening opening) throws IOException {
        String file = opening.file();
        ByteRegion bytes = opening.bytes();
        Closeable resource = opening.resource();
        LoadOptions options = opening.options();
        try {
            ReadContext ctx = new ReadContext(file, options, bytes.size(), NestedPayloadReader.INSTANCE);
            LoadedFile loaded = format.read(ctx, bytes, opening.head());
            LightningInfo.describe(loaded.root(), loaded.metadata());
            return new OpenedCheckpoint(opening, loaded);
        } catch (TorchFileException e) {
            resource.close();
            throw e;
        } catch (UncheckedIOException e) {
            // Lazy reads (a storage inflated as it is read) carry their TorchFileException unchecked.
            resource.close();
            if (e.getCause() instanceof TorchFileException t) throw t;
            throw TorchFileException.io(file, null, -1, "cannot read: " + e.getCause().getMessage(), e);
        } catch (StackOverflowError e) {
            resource.close();
            throw new TorchFileException(ErrorKind.LIMIT, file, null, -1, "structure nested too deeply to read", null);
        } catch (RuntimeException e) {
            // Every problem in the bytes is reported where it is found, with its kind; reaching this
            // means a check is missing (a bug): say so rather than blame the file, but keep the promise
            // that bad input ends in a TorchFileException.
            resource.close();
            throw new TorchFileException(ErrorKind.CORRUPT, file, null, -1, "internal error while reading (please report it): "
                    + e.getMessage(), e);
        }
    }
}
