package dev.torch4j.format;

import dev.torch4j.read.LightningInfo;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.zip.ZipArchive;
import dev.torch4j.Checkpoint;
import dev.torch4j.LoadOptions;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.MappedFile;
import dev.torch4j.safetensors.SafetensorsFile;

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
            throw new TorchFileException(file, null, -1, Files.exists(path) ? "not a regular file" : "no such file");
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
        try {
            ReadContext ctx = new ReadContext(file, options, size, Readers::readNested);
            LoadedFile loaded = Readers.read(ctx, container, mapped,
                    () -> ZipArchive.open(path, mapped, options.maxEntryBytes()));
            LightningInfo.describe(loaded.root(), loaded.metadata());
            return new OpenedCheckpoint(path, loaded, mapped, options.torchTensorsOnly());
        } catch (TorchFileException e) {
            mapped.close();
            throw e;
        } catch (UncheckedIOException e) {
            mapped.close();
            if (e.getCause() instanceof TorchFileException t) throw t;
            throw new TorchFileException(file, null, -1, "cannot read: " + e.getCause().getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            mapped.close();
            throw new TorchFileException(file, null, -1, "cannot read (" + e.getClass().getSimpleName() + "): "
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
