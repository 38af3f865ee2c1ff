package dev.torch4j.format;

import dev.torch4j.read.LightningInfo;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.zip.ZipArchive;
import dev.torch4j.Checkpoint;
import dev.torch4j.ErrorKind;
import dev.torch4j.LoadOptions;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.ByteSource;
import dev.torch4j.io.MappedFile;
import dev.torch4j.safetensors.SafetensorsFile;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens any PyTorch file: detects its container by content and runs the matching reader. */
public final class TorchReader {
    private TorchReader() {}

    public static Checkpoint open(Path path, LoadOptions options) throws IOException {
        String file = path.toString();
        if (!Files.isRegularFile(path)) {
            throw new TorchFileException(ErrorKind.IO, file, null, -1, Files.exists(path) ? "not a regular file" : "no such file");
        }
        long size = Files.size(path);
        byte[] head = new byte[(int) Math.min(size, FormatDetector.HEAD_BYTES)];
        int last = -1;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            readFully(ch, ByteBuffer.wrap(head), 0);
            if (size > 0) {
                ByteBuffer b = ByteBuffer.allocate(1);
                readFully(ch, b, size - 1);
                last = b.get(0) & 0xff;
            }
        }
        Container container = FormatDetector.detect(file, head, size, last);
        if (container == Container.SAFETENSORS) return SafetensorsFile.open(path);
        MappedFile mapped = MappedFile.open(path);
        return read(file, path, container, mapped, mapped, options);
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
        Path path = pathOf(name);
        Container container;
        try {
            long size = region.size();
            byte[] head = new byte[(int) Math.min(size, FormatDetector.HEAD_BYTES)];
            region.copyTo(0, head, 0, head.length);
            int last = size > 0 ? region.get(size - 1) & 0xff : -1;
            container = FormatDetector.detect(name, head, size, last);
            if (container == Container.SAFETENSORS) return SafetensorsFile.open(path, region, resource);
        } catch (IOException | RuntimeException e) {
            resource.close();
            if (e instanceof UncheckedIOException u) {
                if (u.getCause() instanceof TorchFileException t) throw t;
                throw TorchFileException.io(name, null, -1, "cannot read: " + u.getCause().getMessage(), u);
            }
            throw e;
        }
        return read(name, path, container, region, resource, options);
    }

    /** The source's name as a path for {@link Checkpoint#path()} (a NUL, the one character no path takes, becomes '?'). */
    private static Path pathOf(String name) {
        return Path.of(name.replace('\0', '?'));
    }

    private static Checkpoint read(String file, Path path, Container container, ByteRegion bytes, Closeable resource,
                                   LoadOptions options) throws IOException {
        try {
            ReadContext ctx = new ReadContext(file, options, bytes.size(), Readers::readNested);
            LoadedFile loaded = Readers.read(ctx, container, bytes,
                    () -> ZipArchive.open(file, bytes, options.maxEntryBytes()));
            LightningInfo.describe(loaded.root(), loaded.metadata());
            return new OpenedCheckpoint(path, loaded, resource, options.torchTensorsOnly());
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

    private static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) throw new IOException("file shrank while reading");
            pos += n;
        }
    }
}
