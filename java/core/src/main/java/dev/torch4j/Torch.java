package dev.torch4j;

import dev.torch4j.format.ContainerFormats;
import dev.torch4j.format.HeadTail;
import dev.torch4j.format.TorchReader;
import dev.torch4j.torchsave.zip.TorchSaver;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.ByteSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Entry point: open or load any PyTorch (or safetensors) file, whatever its extension says; save one. */
public final class Torch {
    private Torch() {}

    /** Opens a file for lazy access to its tensors. */
    public static Checkpoint open(Path file) throws IOException {
        return open(file, LoadOptions.DEFAULT);
    }

    public static Checkpoint open(Path file, LoadOptions options) throws IOException {
        return TorchReader.open(file, options);
    }

    /** Opens a file held in memory (the array is read in place, not copied). */
    public static Checkpoint open(byte[] bytes) throws IOException {
        return open(ByteSource.of(bytes), "bytes", LoadOptions.DEFAULT);
    }

    /**
     * Opens a file read through a channel: only what the readers parse is fetched (for a zip
     * checkpoint, its directory and pickle), tensor bytes when a tensor is read, in large ranges.
     * The checkpoint owns the channel and closes it. {@code name} names the file in messages.
     */
    public static Checkpoint open(SeekableByteChannel channel, String name) throws IOException {
        return open(ByteSource.of(channel), name, LoadOptions.DEFAULT);
    }

    /** Largest stream {@link #open(InputStream, String)} buffers: 16 GiB. */
    public static final long MAX_STREAM_BYTES = 16L << 30;

    /**
     * Opens a file from a one-pass stream, which is read to its end first (a zip keeps its
     * directory at the end): up to 64 MiB on the heap, beyond that in a temporary file that is
     * mapped and unlinked at once; a stream over {@link #MAX_STREAM_BYTES} is refused. The stream
     * is not closed. Prefer {@link #open(SeekableByteChannel, String)} where the source can seek.
     */
    public static Checkpoint open(InputStream in, String name) throws IOException {
        return open(ByteSource.buffered(in, name, MAX_STREAM_BYTES), name, LoadOptions.DEFAULT);
    }

    /** Opens a file from any {@link ByteSource}; the checkpoint closes the source. */
    public static Checkpoint open(ByteSource source, String name, LoadOptions options) throws IOException {
        return TorchReader.open(name, source, options);
    }

    /**
     * Loads the object tree (Map in file order, List, PyTuple, Tensor, String, Long, Double, Boolean,
     * byte[], null, PyObject placeholders). Tensor data is mapped lazily and stays valid while
     * reachable.
     */
    public static Object load(Path file) throws IOException {
        return load(file, LoadOptions.DEFAULT);
    }

    /** As {@link #load(Path)}; the file is not held open (its mapping goes with the tree's tensors). */
    public static Object load(Path file, LoadOptions options) throws IOException {
        return TorchReader.load(file, options);
    }

    /**
     * The format of a file as its first and last bytes tell it, never its extension. A zip is
     * {@link Format#ZIP} whatever it holds (open it to tell TorchScript, mobile and npz apart), the
     * 0.1.x tar layout {@link Format#LEGACY}, a compressed joblib file {@link Format#JOBLIB}, a plain
     * pickle {@link Format#PICKLE} even when joblib wrote it. Reads at most 513 bytes.
     *
     * @throws TorchFileException when the bytes are no format torch4j reads (the message quotes them)
     */
    public static Format detect(Path file) throws IOException {
        try (ByteSource source = ByteSource.of(FileChannel.open(file, StandardOpenOption.READ))) {
            return detect(source, file.toString());
        }
    }

    /** As {@link #detect(Path)}, for a file read through {@code source}, which is not closed; {@code name} names it in messages. */
    public static Format detect(ByteSource source, String name) throws IOException {
        return ContainerFormats.detect(HeadTail.read(name, source)).format();
    }

    /** As {@link #detect(Path)}, for bytes already at hand (a mapping, a paged remote file). */
    public static Format detect(ByteRegion bytes, String name) throws TorchFileException {
        return ContainerFormats.detect(HeadTail.of(name, bytes)).format();
    }

    /**
     * Writes {@code root} (Map, List, PyTuple, String, numbers, Boolean, null, byte[], Tensor) as a
     * torch.save zip that {@code torch.load(weights_only=True)} accepts. Atomic: a temporary file beside
     * the target is fsynced and renamed into place, so a failure never leaves a partial file.
     */
    public static void save(Object root, Path file) throws IOException {
        TorchSaver.save(root, file);
    }
}
