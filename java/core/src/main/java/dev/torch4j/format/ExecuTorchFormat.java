package dev.torch4j.format;

import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.executorch.ExecuTorchFile;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;

import java.util.function.Predicate;

/**
 * ExecuTorch's FlatBuffer files, told apart by the file identifier at byte 4: a program ({@code .pte},
 * {@code ETnn}) or external tensor data ({@code .ptd}, {@code FTnn}). Neither holds a pickle, so
 * scanning checks the structure and lists what it checked.
 */
final class ExecuTorchFormat implements ContainerFormat {
    /** Reads one kind of file into what {@code torch4j} loads. */
    @FunctionalInterface
    private interface Reader {
        LoadedFile read(String file, ByteRegion bytes) throws TorchFileException;
    }

    static final ExecuTorchFormat PROGRAM =
            new ExecuTorchFormat("executorch", Format.EXECUTORCH, ExecuTorchFile::isProgram, ExecuTorchFile::readProgram);
    static final ExecuTorchFormat DATA =
            new ExecuTorchFormat("ptd", Format.PTD, ExecuTorchFile::isData, ExecuTorchFile::readData);

    private final String name;
    private final Format format;
    private final Predicate<byte[]> identifies;
    private final Reader reader;

    private ExecuTorchFormat(String name, Format format, Predicate<byte[]> identifies, Reader reader) {
        this.name = name;
        this.format = format;
        this.identifies = identifies;
        this.reader = reader;
    }

    @Override public String name() { return name; }

    @Override public Format format() { return format; }

    @Override public boolean recognises(HeadTail head) {
        return identifies.test(head.head());
    }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        return reader.read(ctx.file(), bytes);
    }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        scan.checked(ExecuTorchFile.scan(head.file(), bytes, head.head()));
    }
}
