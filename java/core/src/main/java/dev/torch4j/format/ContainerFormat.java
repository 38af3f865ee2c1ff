package dev.torch4j.format;

import dev.torch4j.Checkpoint;
import dev.torch4j.Format;
import dev.torch4j.LoadOptions;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One kind of file torch4j reads: how to recognise it, read it and scan it. Every format is one
 * implementation registered in {@link ContainerFormats#ALL}, whose order settles signatures that
 * overlap; opening, loading, nested payloads, scanning and {@code Torch.detect} all go through
 * that list, so a new format is one class and one line there (see docs/architecture.md).
 */
public interface ContainerFormat {
    /** The container's name in messages ({@code "zip"}, {@code "legacy_tar"}...). */
    String name();

    /**
     * The public format a file of this container is reported as before its contents are read
     * (a zip is {@link Format#ZIP} until its entries show TorchScript, mobile or npz).
     */
    Format format();

    /**
     * Whether the file is of this format, from its ends alone. Throws when the signature is
     * unmistakably this format's but a variant torch4j does not read (a pickle protocol from the
     * future, an empty zip): the message then says so rather than "not a PyTorch file".
     */
    boolean recognises(HeadTail head) throws TorchFileException;

    /** Reads the object tree. {@code head} names the bytes in messages (a nested payload has its own name). */
    LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException;

    /**
     * Hands every pickle, script and nested file in the bytes to {@code scan}; a format that holds
     * nothing executable does nothing.
     */
    void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException;

    /** Whether torch.load reads this container from inside a pickle ({@code _load_from_bytes}): torch.save's own layouts. */
    default boolean torchSavePayload() {
        return false;
    }


    /**
     * Opens the file as a checkpoint: by default {@link #read} wrapped as one. A format whose
     * files are not an object tree (safetensors) returns a checkpoint of its own.
     */
    default Checkpoint open(Opening opening) throws IOException {
        return TorchReader.read(this, opening);
    }

    /**
     * A file being opened: {@code path} for {@link Checkpoint#path()}, its bytes and their ends,
     * what to close with the checkpoint (or at once, when it cannot be read), the caller's options.
     */
    record Opening(Path path, ByteRegion bytes, HeadTail head, Closeable resource, LoadOptions options) {
        /** The file's name in messages. */
        public String file() {
            return head.file();
        }
    }
}
