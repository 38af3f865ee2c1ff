package dev.torch4j.format;

import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.executorch.ExecuTorchFile;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;

/**
 * ExecuTorch's FlatBuffer files, told apart by the file identifier at byte 4: a program ({@code .pte},
 * {@code ETnn}) or external tensor data ({@code .ptd}, {@code FTnn}). Neither holds a pickle, so
 * scanning checks the structure and lists what it checked.
 */
final class ExecuTorchFormat implements ContainerFormat {
    // A flag, not stored method references: a short command's first lambda or method reference initialises
    // java.lang.invoke (several ms of a 0.2 s inspect), and every format is built at start-up; see docs/building.md.
    static final ExecuTorchFormat PROGRAM = new ExecuTorchFormat("executorch", Format.EXECUTORCH, true);
    static final ExecuTorchFormat DATA = new ExecuTorchFormat("ptd", Format.PTD, false);

    private final String name;
    private final Format format;
    /** A program ({@code .pte}); otherwise external tensor data ({@code .ptd}). */
    private final boolean program;

    private ExecuTorchFormat(String name, Format format, boolean program) {
        this.name = name;
        this.format = format;
        this.program = program;
    }

    @Override public String name() { return name; }

    @Override public Format format() { return format; }

    @Override public boolean recognises(HeadTail head) {
        return program ? ExecuTorchFile.isProgram(head.head()) : ExecuTorchFile.isData(head.head());
    }

    @Override public LoadedFile read(ReadContext ctx, ByteRegion bytes, HeadTail head) throws TorchFileException {
        return program ? ExecuTorchFile.readProgram(ctx.file(), bytes) : ExecuTorchFile.readData(ctx.file(), bytes);
    }

    @Override public void scan(ContainerScan scan, ByteRegion bytes, HeadTail head) throws TorchFileException {
        scan.checked(ExecuTorchFile.scan(head.file(), bytes, head.head()));
    }
}
